/**
 * The read side's maintenance tool.
 *
 *   npm run projections -- check                 compare every read model with the event log (drift, lag)
 *   npm run projections -- replay <model|all>    rebuild into a fresh table from the log, swap it in
 *   npm run projections -- checksum <model|all>  content checksum of the active table
 *   npm run projections -- import-legacy         the legacy path's orders into the log (once each)
 *
 * Read models: purchase_history, product_sales.
 * Exit codes: 0 fine, 1 drift found or failure, 2 bad arguments.
 */
import { readAllEvents } from '#shared/events/event-store';
import { readSetting, readUnits } from '#shared/hotdeals/reconcile';
import { config } from '#shared/platform/config';
import { READ_MODELS, type ReadModelName } from '#shared/projections/projection';
import { PROJECTIONS } from '#shared/projections/read-models';
import { readServingTable } from '#shared/projections/state';
import { importLegacyOrders } from '#shared/replication/import-orders';
import {
  closeAll,
  customerDirectory,
  dynamo,
  legacyDb,
  orderEvents,
  sweeperPorts,
  projectionState,
} from '#shared/wiring';
import { checkReadModel, readModelChecksum, replayReadModel } from './lib/projections/replay';
import { runToExit } from './lib/cli';

const USAGE = `usage: npm run projections -- <check | replay <model|all> | checksum <model|all> | import-legacy>
  models: ${READ_MODELS.join(', ')}`;

function usage(message: string): never {
  console.error(`${message}\n${USAGE}`);
  process.exit(2);
}

function models(arg: string | undefined): ReadModelName[] {
  if (arg === 'all') return [...READ_MODELS];
  if (arg && (READ_MODELS as readonly string[]).includes(arg)) return [arg as ReadModelName];
  return usage(arg ? `unknown read model "${arg}"` : 'name a read model or all');
}

async function check(): Promise<boolean> {
  const state = projectionState();
  const t0 = performance.now();
  const events = await readAllEvents(state.documents, config.dynamodb.eventTable);
  console.log(
    `event log: ${events.length} events (${((performance.now() - t0) / 1000).toFixed(1)} s to read)`,
  );
  let clean = true;
  for (const name of READ_MODELS) {
    const d = await checkReadModel(
      state,
      PROJECTIONS[name],
      config.readModels[name],
      events,
      customerDirectory(),
    );
    const ok = d.missing + d.extra + d.different === 0;
    clean &&= ok || d.unapplied > 0;
    console.log(
      `${name.padEnd(17)} ${d.table}: ${d.rows} rows, ` +
        (ok ? 'no drift' : `DRIFT missing ${d.missing}, extra ${d.extra}, different ${d.different}`) +
        (d.unapplied ? ` (${d.unapplied} events not applied yet: the projector is behind or stopped)` : ''),
    );
    for (const e of d.examples) console.log(`    ${e}`);
  }
  // The stock Redis sells from, against the sale the log records (a dry look: nothing rewritten).
  const ports = await sweeperPorts();
  for (const productId of await ports.products()) {
    const setting = await readSetting(ports.events, productId);
    if (!setting) continue;
    const units = await readUnits(ports.events, setting);
    const free = units.filter((u) => u.state === 'free').length;
    const inRedis = await ports.stock.remaining(productId).catch(() => NaN);
    const note =
      inRedis === free
        ? 'agrees'
        : `Redis offers ${inRedis} (reservations in flight, or Redis behind: npm run reconcile -- ${productId})`;
    console.log(
      `hotdeal ${productId} setting ${setting.setting}: the log has ${free} of ${setting.quantity} free; ${note}`,
    );
  }
  return clean;
}

async function main(): Promise<number> {
  const [command, arg, ...rest] = process.argv.slice(2);
  if (rest.length) usage(`unexpected "${rest.join(' ')}"`);
  if (command === 'check') return (await check()) ? 0 : 1;
  if (command === 'import-legacy') {
    if (arg) usage(`unexpected "${arg}"`);
    const r = await importLegacyOrders(await legacyDb(), orderEvents(), {
      onPage: (p) => console.log(`import-legacy: ${p.read} legacy orders read, ${p.imported} imported`),
    });
    console.log(
      `import-legacy: ${r.read} orders of the legacy path: ${r.imported} imported into the log, ` +
        `${r.alreadyThere} there already (the projector folds them into product_sales; a replay keeps them)`,
    );
    return 0;
  }
  const state = projectionState();
  if (command === 'checksum') {
    for (const name of models(arg)) {
      const table = await readServingTable(state, PROJECTIONS[name], config.readModels[name]);
      console.log(`${name} ${table}: ${await readModelChecksum(state.documents, table, PROJECTIONS[name])}`);
    }
    return 0;
  }
  if (command === 'replay') {
    for (const name of models(arg)) {
      let shown = 0;
      const r = await replayReadModel(
        {
          dynamodb: dynamo().dynamodb,
          state,
          eventTable: config.dynamodb.eventTable,
          customers: customerDirectory(),
        },
        PROJECTIONS[name],
        config.readModels[name],
        {
          onProgress: (done, total) => {
            if (done === total || performance.now() - shown > 1000) {
              shown = performance.now();
              console.log(`${name}: replayed ${done}/${total} events`);
            }
          },
        },
      );
      console.log(
        `${name}: ${r.events} events in ${r.seconds.toFixed(2)} s (${Math.round(r.eventsPerSecond)} events/s) into ${r.table}, ` +
          `swapped in; ${r.caughtUp} appended meanwhile caught up; checksum ${r.checksum}` +
          (r.dropped.length ? `; dropped ${r.dropped.join(', ')}` : ''),
      );
    }
    return 0;
  }
  return usage(command ? `unknown command "${command}"` : 'name a command');
}

runToExit('projections', main, closeAll);
