import { TEST_METRICS_FILE, TEST_SCALE } from './env';
import { execFileSync } from 'node:child_process';
import { rm } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startOffline, stopOffline } from './offline-server';
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  execFileSync('bash', ['scripts/stack.sh', 'up'], { stdio: ['ignore', 'ignore', 'inherit'] });
  // A run with e2e tests: their API starts now, beside the seeding (./offline-server).
  if (project.vitest.projects.some((p) => p.name === 'e2e')) startOffline();
  const { provisionDynamo, provisionLegacy, provisionMongo } = await import('../../scripts/lib/provision');
  const { seedCrm, seedHotDeal, seedShop } = await import('../../scripts/lib/seed/data-sets');
  const { runMigration } = await import('../../scripts/lib/migrate/engine');
  const { defaultCheckpoint, MIGRATIONS, migrationFor } = await import('../../scripts/lib/migrate/registry');
  const { config } = await import('#shared/platform/config');
  const { closeAll } = await import('#shared/wiring');

  // Every run starts with the services in their default modes (a cut-over test switches them).
  await rm(process.env.OSHOP_MODES_FILE ?? '.local/modes_test.json', { force: true });
  await rm(TEST_METRICS_FILE, { force: true }); // each run's metrics from empty
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
      const { spec, target } = await migrationFor(name, { concurrency: 2, cutoff: config.crm.archiveCutoff });
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
  } catch (err) {
    stopOffline(); // no e2e setup will run to stop it
    throw err;
  } finally {
    console.log = log;
  }
  return closeAll;
}
