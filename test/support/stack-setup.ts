import { TEST_SCALE } from './env';
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
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
