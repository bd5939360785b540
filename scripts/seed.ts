/**
 * Fills the stores with the deterministic data sets of DESIGN.md (fixed PRNG seed).
 *
 *   npm run seed [-- --scale 0.01] [-- --only todos] [-- --keep-changes]
 *
 * --scale multiplies the full-scale counts (1 = full: 100,000 purchases); tests run small.
 * Each data set is seeded once: a store that already holds it is left alone. With
 * --keep-changes (npm run dev) a legacy data set loaded once stays, whatever the shop (a
 * live migration's writes and orders) did to it since; without, it is reloaded when its
 * counts differ.
 */
import { parseArgs } from 'node:util';
import { closeAll } from '#shared/wiring';
import { DATA_SETS, seedCrm, seedHotDeal, seedShop, seedTodoTable, type DataSet } from './lib/seed/data-sets';
import { runToExit } from './lib/cli';

async function main() {
  const { values } = parseArgs({
    options: {
      scale: { type: 'string', default: '1' },
      only: { type: 'string', multiple: true },
      'keep-changes': { type: 'boolean', default: false },
    },
  });
  const scale = Number(values.scale);
  if (!(scale > 0 && scale <= 1)) throw new Error('--scale must be a number in (0, 1]');
  const only = (values.only ?? [...DATA_SETS]) as DataSet[];
  for (const name of only) if (!DATA_SETS.includes(name)) throw new Error(`unknown data set "${name}"`);
  console.log(`seeding ${only.join(', ')} at scale ${scale}`);
  if (only.includes('todos')) await seedTodoTable();
  const keepChanges = values['keep-changes'];
  if (only.includes('shop')) await seedShop(scale, { keepChanges });
  if (only.includes('crm')) await seedCrm({ keepChanges });
  if (only.includes('hotdeal')) await seedHotDeal();
}

runToExit(
  'seed',
  async () => {
    await main();
    return 0;
  },
  closeAll,
);
