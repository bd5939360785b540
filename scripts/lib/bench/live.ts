import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { config } from '#shared/platform/config';
import { checkCycle } from '../live/rolling-check';
import { runLegacyWriter, type WriterResult } from '../live/writer';
import { summarizeLags, type LagSummary } from '../projector/lag';
import { changeApplyTargets, dynamo, legacyDb } from '#shared/wiring';

/** What the migrate-live scenario measured beside its lookups (local runs). */
export interface LiveMigrationBench {
  writer: WriterResult;
  /** Legacy commit -> the change visible in DynamoDB (a customer's new address in one of their purchase items). */
  lag: LagSummary & { lost: number };
  /** A full check of every customer afterwards, legacy against new. */
  check: { customers: number; records: number; differences: number; seconds: number };
}

const PROBE_EVERY_MS = 250;
const PROBE_TIMEOUT_MS = 10_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * While the lookups run, the legacy writer changes the shop at `perSecond` (purchases,
 * lines, addresses, names, phones, calls), and a probe measures change capture end to end:
 * four times a second it gives one customer a new address in the legacy database and
 * times, from its commit, until a purchase item of that customer in purchase_t shows it
 * (the fan-out path: a customer row changed, every item carrying it rewritten). Needs
 * change capture running (npm run dev starts it).
 */
export async function measureLiveMigration(options: {
  perSecond: number;
  seconds: number;
  say: (line: string) => void;
}): Promise<LiveMigrationBench> {
  const db = await legacyDb();
  const [probe] = await db.query<{ customerid: number; purchaseid: number }>(
    'SELECT customerid, MIN(purchaseid) AS purchaseid FROM oshop.purchase' +
      ' WHERE customerid = (SELECT MAX(customerid) FROM oshop.customer) GROUP BY customerid',
  );
  if (!probe) throw new Error('migrate-live: no customer with a purchase to probe');
  const key = { customer_id: Number(probe.customerid), purchase_id: Number(probe.purchaseid) };
  const writing = runLegacyWriter(db, { perSecond: options.perSecond, seconds: options.seconds });
  let done = false;
  void writing.finally(() => (done = true));
  const lags: number[] = [];
  let lost = 0;
  for (let n = 0; !done; n++) {
    const address = `${n} Probe Street, lag ${Date.now()}`;
    await db.query('UPDATE oshop.customer SET address = :address WHERE customerid = :customerId', {
      address,
      customerId: key.customer_id,
    });
    const committed = Date.now();
    let seen = false;
    while (!seen && Date.now() - committed < PROBE_TIMEOUT_MS) {
      const { Item } = await dynamo().documents.send(
        new GetCommand({ TableName: config.dynamodb.purchaseTable, Key: key, ConsistentRead: true }),
      );
      seen = (Item?.customer as { address?: string } | undefined)?.address === address;
      if (!seen) await sleep(5);
    }
    if (seen) lags.push(Date.now() - committed);
    else lost++;
    await sleep(Math.max(0, PROBE_EVERY_MS - (Date.now() - committed)));
  }
  const writer = await writing;
  options.say(`migrate-live: writer committed ${writer.committed} changes in ${writer.seconds.toFixed(1)} s`);
  await sleep(2000); // the last changes on their way
  const check = await checkCycle(await changeApplyTargets(), { services: ['purchases', 'crm'], batch: 200 });
  return {
    writer,
    lag: { ...summarizeLags(lags), lost },
    check: {
      customers: check.customers,
      records: check.records,
      differences: check.differences.length,
      seconds: Math.round(check.seconds),
    },
  };
}
