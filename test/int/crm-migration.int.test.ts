import '../support/env';
import { rmSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ArchivedCallDocument } from '#shared/crm/mongo-archive';
import { config } from '#shared/platform/config';
import { runCli } from '../support/cli';
import * as wiring from '#shared/wiring';

const mongoDb = (await wiring.mongo()).db(config.mongo.db);

const COLLECTION = 'CSHARCH_migration_test';
const CHECKPOINT = `.local/migrations/test-crm-${COLLECTION}.json`;
const collection = mongoDb.collection<ArchivedCallDocument>(COLLECTION);

/** `npm run migrate -- crm` as a user runs it, into the test's own collection. */
const migrate = (args: string[] = []) =>
  runCli(['scripts/migrate.ts', 'crm', '--checkpoint', CHECKPOINT, ...args], { CRM_COLLECTION: COLLECTION });

describe('npm run migrate -- crm', () => {
  beforeAll(async () => {
    await collection.drop().catch(() => undefined);
    rmSync(CHECKPOINT, { force: true });
  });

  it('moves exactly the 4,286 pre-2019 calls, creates the report index, and verifies', async () => {
    const run = await migrate();
    expect(run.stderr).toMatch(/crm: 4,286 calls before 2019-01-01/);
    expect(run.stderr).toMatch(/calls\/s/); // progress
    expect(run.stdout).toContain('verification PASSED');
    expect(run.stdout).toMatch(/target count\s+4286/);
    expect(run.code).toBe(0);
    expect(await collection.countDocuments()).toBe(4286);
    expect((await collection.indexes()).map((i) => i.name)).toContain('cust_calldate');
    const doc = await collection.findOne({ CUST_ID: 1 });
    expect(doc).toMatchObject({ NAME: 'Mary Schaefer', CALL_DATE: expect.any(Date) });
    expect(doc?._id).toBe(doc?.CSH_ID);
  });

  it('is idempotent on CSH_ID: a restart rewrites the same 4,286 documents in place (the report never sees fewer), no duplicates', async () => {
    // The report reads the collection all along: a restart must not empty it first.
    let fewest = Infinity;
    let watching = true;
    const watch = (async () => {
      while (watching) fewest = Math.min(fewest, await collection.countDocuments());
    })();
    const run = await migrate(['--restart', '--chunk', '700', '--concurrency', '3']);
    watching = false;
    await watch;
    expect(fewest).toBe(4286);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('verification PASSED');
    expect(await collection.countDocuments()).toBe(4286);
  });

  it('replaces documents that already exist (a changed source call is rewritten)', async () => {
    await collection.updateOne({ _id: 10 }, { $set: { DETAILS: 'tampered' } });
    // Same plan as the last run (chunk 700): the checkpoint says all is done.
    const verify = await migrate(['--chunk', '700']);
    expect(verify.stdout).toMatch(/migrated 0 this run/);
    expect(verify.stdout).toContain('verification FAILED');
    expect(verify.code).toBe(1);
    // A rewrite without emptying: documents exist, so they are replaced in place.
    const fixed = await migrate(['--checkpoint', `${CHECKPOINT}.2`]);
    expect(fixed.code).toBe(0);
    expect((await collection.findOne({ _id: 10 }))?.DETAILS).not.toBe('tampered');
    rmSync(`${CHECKPOINT}.2`, { force: true });
  });

  it('takes another cut-off, and says so when the target holds calls outside it', async () => {
    const earlier = await migrate(['--cutoff', '2018-01-01']);
    expect(earlier.stdout).toContain('verification FAILED'); // the 2018 calls are still there
    expect(earlier.stdout).toMatch(/--restart/);
    expect(earlier.code).toBe(1);
    const restarted = await migrate(['--cutoff', '2018-01-01', '--restart']);
    expect(restarted.code).toBe(0);
    const count = await collection.countDocuments();
    expect(count).toBeLessThan(4286);
    expect(await collection.countDocuments({ CALL_DATE: { $gte: new Date('2018-01-01T00:00:00Z') } })).toBe(
      0,
    );
  });

  it('refuses bad arguments with usage and exit code 2', async () => {
    const bad = [['--cutoff', '2019-02-30'], ['--cutoff', 'soon'], ['--chunk', '-5'], ['--bogus']];
    for (const run of await Promise.all(bad.map((args) => migrate(args)))) {
      expect(run.code).toBe(2);
      expect(run.stderr).toMatch(/must be|usage/);
    }
  });
});
