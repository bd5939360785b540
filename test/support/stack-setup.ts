import { TEST_SCALE } from './env';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { DeleteTableCommand, ListTablesCommand } from '@aws-sdk/client-dynamodb';

/**
 * Each run starts with an empty event log and empty read models (the stack may have run
 * before): the projection tests compare read models with the whole log.
 */
async function resetEventSourcing(): Promise<void> {
  const { dynamodb } = await import('#shared/clients/dynamodb');
  const { config } = await import('#shared/config');
  const names = [
    config.dynamodb.eventTable,
    config.dynamodb.projectionStateTable,
    ...Object.values(config.readModels),
  ];
  let ExclusiveStartTableName: string | undefined;
  do {
    const page = await dynamodb.send(new ListTablesCommand({ ExclusiveStartTableName }));
    for (const table of page.TableNames ?? [])
      if (names.some((n) => table === n || table.startsWith(`${n}__g`)))
        await dynamodb.send(new DeleteTableCommand({ TableName: table }));
    ExclusiveStartTableName = page.LastEvaluatedTableName;
  } while (ExclusiveStartTableName);
}

/**
 * Before the int and e2e tiers: starts the local stack (idempotent), provisions it, seeds
 * the shop at test scale and migrates it, the way `npm run dev` does, into the test tables
 * and the legacy_test database of ./env instead of the dev ones.
 */
export default async function setup(): Promise<() => Promise<void>> {
  execFileSync('bash', ['scripts/stack.sh', 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
  const { provisionDynamo, provisionLegacy, provisionMongo } = await import('../../scripts/provision');
  const { seedCrm, seedHotDeal, seedShop } = await import('../../scripts/seed');
  const { runMigration } = await import('../../scripts/migrate/engine');
  const { defaultCheckpoint, MIGRATIONS, migrationFor } = await import('../../scripts/migrate/registry');
  const { legacyDb } = await import('#shared/clients/legacy-db');
  const { config } = await import('#shared/config');
  const { mongoClient } = await import('#shared/clients/mongo');

  const log = console.log;
  console.log = () => undefined; // provisioning narrates; tests need not
  try {
    await resetEventSourcing();
    await provisionDynamo();
    await provisionMongo();
    await provisionLegacy();
    await seedShop(TEST_SCALE);
    await seedCrm();
    await seedHotDeal();
    for (const name of MIGRATIONS) {
      const { spec, target } = migrationFor(name, { concurrency: 2, cutoff: config.crm.archiveCutoff });
      const result = await runMigration(spec, {
        chunkSize: 500,
        concurrency: 2,
        dryRun: false,
        restart: false,
        verify: 'if-migrated',
        checkpointPath: resolve(defaultCheckpoint(name, target)),
        log: () => undefined,
        quiet: true,
      });
      if (result.verification && !result.verification.ok)
        throw new Error(`test data migration ${name} did not verify`);
    }
  } finally {
    console.log = log;
  }
  return async () => {
    await mongoClient.close();
    await legacyDb.close();
  };
}
