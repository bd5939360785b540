import { MIGRATION_ENV } from '../support/migration-env';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { DeleteTableCommand, ResourceNotFoundException } from '@aws-sdk/client-dynamodb';
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureTable, purchaseTable } from '../../scripts/lib/schema/dynamodb';
import { runCli } from '../support/cli';
import * as wiring from '#shared/wiring';
import { TEST_SCALE } from '../support/env';
import { freshLegacyDatabase } from '../support/live-stores';

const { documents, dynamodb } = wiring.dynamo();

const TABLE = 'purchase_t_migration_test';
const CHECKPOINT = `.local/migrations/test-${TABLE}.json`;

/** The migration CLI as a user runs it, into the test's own table. */
const migrate = (args: string[], killWhen?: () => boolean) =>
  runCli(
    ['scripts/migrate.ts', 'purchases', '--checkpoint', CHECKPOINT, ...args],
    { PURCHASE_TABLE: TABLE, ...MIGRATION_ENV },
    killWhen,
  );

const doneChunks = () => {
  try {
    return Object.keys((JSON.parse(readFileSync(CHECKPOINT, 'utf8')) as { chunks: object }).chunks).length;
  } catch {
    return 0;
  }
};

async function freshTable() {
  await freshLegacyDatabase(TEST_SCALE); // 2,000 purchases, changed by nothing else
  try {
    await dynamodb.send(new DeleteTableCommand({ TableName: TABLE }));
  } catch (err) {
    if (!(err instanceof ResourceNotFoundException)) throw err;
  }
  await ensureTable(dynamodb, purchaseTable(TABLE));
  rmSync(CHECKPOINT, { force: true });
}

const count = async () =>
  (await documents.send(new ScanCommand({ TableName: TABLE, Select: 'COUNT' }))).Count;

describe('npm run migrate -- purchases', () => {
  beforeAll(freshTable, 60_000);

  it('a dry run reads everything and writes nothing', async () => {
    const run = await migrate(['--dry-run', '--chunk', '500']);
    expect(run.code).toBe(0);
    expect(run.stderr).toContain('dry run');
    expect(await count()).toBe(0);
  });

  it('killed part-way, resumes from its checkpoint to an exact, verified match', async () => {
    // Small chunks, one worker: slow enough to be killed after a few chunks.
    const killed = await migrate(['--chunk', '20', '--concurrency', '1'], () => doneChunks() >= 3);
    expect(killed.signal).toBe('SIGKILL');
    const partial = doneChunks();
    expect(partial).toBeGreaterThanOrEqual(3);
    expect(partial).toBeLessThan(100);
    expect(await count()).toBeLessThan(2000);

    const resumed = await migrate(['--chunk', '20', '--concurrency', '3']);
    expect(resumed.stderr).toContain(`resuming: ${partial} chunks already done`);
    expect(resumed.stdout).toContain('verification PASSED');
    expect(resumed.stdout).toMatch(/source count\s+2000/);
    expect(resumed.stdout).toMatch(/target count\s+2000/);
    expect(resumed.code).toBe(0);
    expect(await count()).toBe(2000);

    // Idempotent: a full re-run converges to the same table.
    const again = await migrate(['--chunk', '50', '--restart']);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('verification PASSED');
    expect(await count()).toBe(2000);
  });

  it('exits non-zero when the target differs from the source', async () => {
    await documents.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { customer_id: 1, purchase_id: (await firstPurchaseOf(1)) ?? 0 },
        UpdateExpression: 'SET customer.#n = :n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': 'Tampered' },
      }),
    );
    const run = await migrate(['--chunk', '50']);
    expect(run.stdout).toContain('verification FAILED');
    expect(run.code).toBe(1);
  });

  it('refuses bad arguments with usage and exit code 2', async () => {
    const bad = [['--chunk', '0'], ['--concurrency', 'many'], ['--bogus']];
    for (const run of await Promise.all(bad.map((args) => migrate(args)))) {
      expect(run.code).not.toBe(0);
      expect(run.stderr).toMatch(/usage|must be|Unknown option/i);
    }
    expect(existsSync(CHECKPOINT)).toBe(true);
  });
});

async function firstPurchaseOf(customerId: number): Promise<number | undefined> {
  const out = await documents.send(
    new ScanCommand({
      TableName: TABLE,
      FilterExpression: 'customer_id = :c',
      ExpressionAttributeValues: { ':c': customerId },
    }),
  );
  return out.Items?.[0]?.purchase_id as number | undefined;
}
