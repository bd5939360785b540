/**
 * Creates what the stores need, idempotently: DynamoDB tables, MongoDB indexes, and the
 * legacy RDBMS role, database and schemas (local stage only for the RDBMS).
 *
 *   npm run provision
 */
import { config } from '#shared/platform/config';
import { closeAll } from '#shared/wiring';
import { provisionDynamo, provisionLegacy, provisionMongo } from './lib/provision';
import { runToExit } from './lib/cli';

async function main() {
  console.log(`provisioning stage "${config.stage}"`);
  await provisionDynamo();
  await provisionMongo();
  if (config.isLocal && config.legacy.dialect === 'postgres') await provisionLegacy();
  else console.log('  legacy    skipped (not the local PostgreSQL): run scripts/sql/oracle/*.sql yourself');
}

runToExit(
  'provision',
  async () => {
    await main();
    return 0;
  },
  closeAll,
);
