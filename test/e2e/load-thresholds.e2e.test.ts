import '../support/env';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ensureArtillery,
  pathResult,
  runArtillery,
  type ArtilleryRun,
} from '../../scripts/lib/bench/artillery';
import { CRM_CUSTOMER_IDS, writeFeeder } from '../../scripts/lib/bench/feeders';
import { E2E_BASE_URL } from '../support/env';

/**
 * Short, bounded runs of the project's own scenario files against the e2e API. They check
 * what a run reports, not how fast: all start at once in beforeAll (each is mostly Artillery's
 * own start, ~3 s of CPU) and each test reads its own run.
 */
const dir = mkdtempSync(join(tmpdir(), 'oshop-artillery-'));
const SHORT = { phases: [{ duration: 2, arrivalRate: 5 }] };
let n = 0;
const run = (
  file: string,
  options: { target?: string; prefix?: string; config?: Record<string, unknown> } = {},
) =>
  runArtillery(file, {
    target: options.target ?? E2E_BASE_URL,
    output: join(dir, `run-${++n}.json`),
    variables: { prefix: options.prefix ?? '' },
    overrides: { config: { ...SHORT, ...options.config } },
    timeoutMs: 120_000,
  });

const SHORT_RUSH = { phases: [{ duration: 1, arrivalCount: 5 }] };
/**
 * The clean runs check flows and status codes (maxErrorRate 0 stays), not speed: their
 * scenario's p99 < 1 s is a bench threshold, and here five Artillery starts share two cores
 * with the API's first (cold) invocation of each function. CI saw todos p99 1,064 ms.
 */
const FLOWS_ONLY = { plugins: { ensure: { thresholds: [{ 'http.response_time.p99': 60_000 }] } } };
const CLEAN = [
  ['crm.yml', ''],
  ['crm.yml', '/legacy'],
  ['todos.yml', ''],
] as const;
let runs: {
  ceiling: Promise<ArtilleryRun>;
  impossible: Promise<ArtilleryRun>;
  notFound: Promise<ArtilleryRun>;
  clean: Promise<ArtilleryRun>[];
};

describe('Artillery thresholds fail the run (plugins.ensure + expect)', () => {
  beforeAll(async () => {
    ensureArtillery();
    // Artillery reads payload files before it applies --overrides: write the real feeder
    // (the CRM data set is the same in every database, so are its ids).
    await writeFeeder(CRM_CUSTOMER_IDS);
    runs = {
      ceiling: run('ceiling.yml', { config: SHORT_RUSH }),
      impossible: run('ceiling.yml', {
        config: { ...SHORT_RUSH, plugins: { ensure: { thresholds: [{ 'http.response_time.p99': 0 }] } } },
      }),
      // Every /ping under a prefix that no route serves is a 404.
      notFound: run('ceiling.yml', { target: `${E2E_BASE_URL}/no-such-prefix`, config: SHORT_RUSH }),
      clean: CLEAN.map(([file, prefix]) => run(file, { prefix, config: FLOWS_ONLY })),
    };
  }, 300_000);

  it('the ceiling scenario passes its own thresholds on a healthy API', async () => {
    const r = await runs.ceiling;
    expect(r.exitCode, r.output).toBe(0);
    expect(pathResult(r).errors).toBe(0);
  });

  it('a deliberately impossible p99 threshold makes it exit non-zero and names the check', async () => {
    const r = await runs.impossible;
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/fail.*http\.response_time\.p99/i);
  });

  it('4xx answers make it exit non-zero (expect fails the user, maxErrorRate counts it)', async () => {
    const r = await runs.notFound;
    expect(r.exitCode).not.toBe(0);
    expect(r.output).toMatch(/fail.*maxErrorRate/i);
    expect(pathResult(r).errors).toBe(5);
  });

  it.each(CLEAN.map(([file, prefix], i) => [file, prefix, i] as const))(
    '%s (prefix %j) runs clean against the API: its flows match the contract',
    async (_file, _prefix, i) => {
      const r = await runs.clean[i]!;
      expect(r.exitCode, r.output).toBe(0);
      const result = pathResult(r);
      expect(result.requests).toBeGreaterThan(0);
      expect(result.errors).toBe(0);
    },
  );
});
