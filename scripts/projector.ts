/**
 * The local projector: follows the order events table's stream on DynamoDB Local and keeps
 * the read models up to date, as the stream-triggered Lambda does in AWS. `npm run dev`
 * starts it beside the API; it resumes from its checkpoints when restarted.
 *
 *   npm run projector          (Ctrl-C stops)
 */
import { DynamoDBStreamsClient } from '@aws-sdk/client-dynamodb-streams';
import { dynamoClientConfig } from '#shared/platform/clients/dynamodb';
import { config } from '#shared/platform/config';
import { flushMetrics } from '#shared/platform/metrics/metrics';
import { syncConfirmedOrders } from '#shared/replication/sync-back';
import { dynamo, legacyDb, readModelTargets } from '#shared/wiring';
import { summarizeLags } from './lib/projector/lag';
import { runPoller } from './lib/projector/poller';

const streams = new DynamoDBStreamsClient(dynamoClientConfig(config));

const controller = new AbortController();
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => controller.abort());

// The lag per read model as metrics, each second (the operations page draws them).
const metricsTimer = setInterval(flushMetrics, 1000);

// One line per busy period: what was applied and how far behind the read models were.
let window = { events: 0, applied: 0, skipped: 0, lags: [] as number[], read: [] as number[] };
const timer = setInterval(() => {
  if (window.events === 0) return;
  const lag = summarizeLags(window.lags);
  // Where the lag goes: up to the stream read (the append itself, the stream, the poll), the
  // rest the projector's own writes.
  const read = summarizeLags(window.read);
  console.log(
    `[projector] ${window.events} events: ${window.applied} row updates, ${window.skipped} already applied;` +
      ` lag p50 ${lag.p50} ms, p95 ${lag.p95} ms, max ${lag.max} ms` +
      ` (read off the stream: p50 ${read.p50} ms, p95 ${read.p95} ms)`,
  );
  window = { events: 0, applied: 0, skipped: 0, lags: [], read: [] };
}, 5000);

console.log(
  `[projector] following ${config.dynamodb.eventTable} into ${Object.values(config.readModels).join(', ')}` +
    ', and confirmed orders back into the legacy database (sync-back)',
);

// Sync-back: the same stream, its own checkpoints, so a legacy outage never holds the read
// models back (nor they it); its orders are logged once per busy period.
let synced = { applied: 0, skipped: 0 };
const syncTimer = setInterval(() => {
  if (synced.applied + synced.skipped === 0) return;
  console.log(
    `[sync-back] ${synced.applied} confirmed orders written to the legacy tables, ${synced.skipped} already there`,
  );
  synced = { applied: 0, skipped: 0 };
}, 5000);
const syncBack = runPoller({
  dynamodb: dynamo().dynamodb,
  streams,
  eventTable: config.dynamodb.eventTable,
  targets: readModelTargets(),
  consumer: {
    name: 'sync-back',
    apply: async (events) => {
      const r = await syncConfirmedOrders(await legacyDb(), events);
      synced.applied += r.applied;
      synced.skipped += r.skipped;
      return r;
    },
  },
  signal: controller.signal,
  log: (line) => console.error(`[sync-back] ${line}`),
});
syncBack.catch((err: unknown) => {
  console.error(`[sync-back] stopped: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});

runPoller({
  dynamodb: dynamo().dynamodb,
  streams,
  eventTable: config.dynamodb.eventTable,
  targets: readModelTargets(),
  signal: controller.signal,
  log: (line) => console.error(`[projector] ${line}`),
  onBatch: ({ events, applied, skipped, lagsMs, readLagsMs }) => {
    window.events += events.length;
    window.read.push(...readLagsMs);
    window.applied += applied;
    window.skipped += skipped;
    window.lags.push(...Object.values(lagsMs).flat());
  },
}).then(
  async () => {
    await syncBack.catch(() => undefined);
    clearInterval(timer);
    clearInterval(metricsTimer);
    flushMetrics();
    clearInterval(syncTimer);
    process.exit(0);
  },
  (err: unknown) => {
    console.error(`[projector] stopped: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
