import { CPU_ROLES, type CpuRole } from '../../scripts/lib/bench/cpu';
import { describe, expect, it } from 'vitest';
import type { PathResult } from '../../scripts/lib/bench/artillery';
import { parseRedisBenchmarkCsv } from '../../scripts/lib/bench/ceilings';
import { parseMigrationReport } from '../../scripts/lib/bench/migrations';
import { renderChart } from '../../scripts/lib/bench/chart';
import { renderReport } from '../../scripts/lib/bench/report';
import { countRoundTrips, ownRoundTrips } from '../../scripts/lib/bench/store-calls';
import { localGoalOf, ratiosOf, type BenchSummary } from '../../scripts/lib/bench/summary';

const path = (
  rps: number,
  p50: number,
  p95: number,
  p99: number,
  extra: Partial<PathResult> = {},
): PathResult => ({
  requests: rps * 30,
  rps,
  p50,
  p95,
  p99,
  errors: 0,
  exitCode: 0,
  ...extra,
});

const hotdeal = { stock: 1000, sold: 1000, soldOut: 2000, remaining: 0, oversold: 0, correct: true };
const summary = (): BenchSummary => ({
  startedAt: '2026-11-23T19:00:00.000Z',
  target: 'http://localhost:3000',
  seconds: 420,
  ceilings: {
    http: path(1000, 28, 76, 103),
    redis: { clients: 150, requests: 100000, incrRps: 79000, reserveRps: 51000, reserveP99Ms: 2.8 },
  },
  migrations: {
    purchases: {
      ok: true,
      records: 100000,
      migrateSeconds: 12.6,
      verifySeconds: 7,
      totalSeconds: 20.4,
      recordsPerSecond: 7937,
      dmsSeconds: 883,
      source: 'npm run dev',
    },
  },
  scenarios: {
    crm: {
      description: 'CRM <report> & "page"',
      paths: { legacy: path(89, 2, 6, 19.1), new: path(89, 5, 13.9, 43.4) },
    },
    todos: { description: 'todo CRUD', paths: { new: path(40, 8, 20, 60) } },
    hotdeal: {
      description: 'rush',
      paths: { legacy: path(512, 228, 408, 450, { hotdeal }), new: path(599, 144, 408, 1466, { hotdeal }) },
      ceilingShare: { http: 0.6, redisReserve: 0.012 },
    },
  },
  failures: [],
});

describe('bench summary', () => {
  it('computes new/legacy ratios, and none for a new-only scenario', () => {
    expect(ratiosOf({ legacy: path(100, 2, 10, 20), new: path(150, 4, 5, 20) })).toEqual({
      rps: 1.5,
      p50: 2,
      p95: 0.5,
      p99: 1,
    });
    expect(ratiosOf({ new: path(100, 2, 10, 20) })).toBeUndefined();
  });

  it('parses redis-benchmark --csv, test names with commas included', () => {
    const csv =
      '"test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"\n' +
      '"EVAL local s = redis.call(\'GET\', KEYS[1]) 1 k","71942.45","1.194","0.360","1.095","2.103","2.767","5.903"\n';
    expect(parseRedisBenchmarkCsv(csv)).toEqual([{ rps: 71942.45, p99: 2.767 }]);
  });
});

describe('the chart (chart.svg)', () => {
  const s = summary();
  s.scenarios.crm!.ratios = ratiosOf(s.scenarios.crm!.paths);
  const svg = renderChart(s);

  it('draws both paths of each scenario: three percentiles and throughput', () => {
    const bars = [...svg.matchAll(/<rect [^>]*fill="(#[0-9a-f]{6})"><title>(\w+) (\S+)/g)].map(
      (m) => `${m[2]} ${m[3]}`,
    );
    // crm and hotdeal: 2 paths x (3 percentiles + rps); todos: new only.
    expect(bars.filter((b) => b.startsWith('legacy'))).toHaveLength(8);
    expect(bars.filter((b) => b.startsWith('new'))).toHaveLength(12);
    expect(svg).toContain('new/legacy: p95 x2.32, rps x1');
    expect(svg).toContain('new path only (no legacy twin)');
  });

  it('is well-formed, self-contained and escapes text', () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg).not.toMatch(/NaN|undefined|Infinity/);
    expect(svg).not.toMatch(/href=|<script|<image/);
    expect(svg).toContain('CRM &lt;report&gt; &amp; &quot;page&quot;');
  });

  it('marks a missing figure instead of drawing a broken bar', () => {
    const broken = summary();
    broken.scenarios.crm!.paths.new = path(0, NaN, NaN, NaN);
    const out = renderChart(broken);
    expect(out).toContain('n/a');
    expect(out).not.toMatch(/NaN/);
  });
});

describe('the report (report.md)', () => {
  it('shows every path, the ratios, the hot-deal check, the ceilings and the migrations', () => {
    const s = summary();
    s.scenarios.crm!.ratios = ratiosOf(s.scenarios.crm!.paths);
    const md = renderReport(s);
    expect(md).toContain('![latency percentiles and throughput, legacy beside new](chart.svg)');
    expect(md).toContain('| crm | legacy | 2670 | 89 | 2 | 6 | 19.1 | 0 | ok |');
    expect(md).toContain('| crm | **new/legacy** |  | **1** | 2.5 | **2.32** | 2.27 |  |  |');
    expect(md).toContain('| hotdeal | new | 1000 | 1000 | 2000 | 0 | 0 | yes |');
    expect(md).toContain(
      'hotdeal: the new path reaches 0.6 of the HTTP ceiling and 0.012 of the Redis reserve ceiling',
    );
    expect(md).toContain('43.3x faster (DMS 883 s)');
    expect(md).toContain('Result: every threshold and check held.');
  });

  it("shows what a request cost the machine's CPU on each path, where both were measured", () => {
    const s = summary();
    expect(renderReport(s)).not.toContain('## CPU per request');
    s.scenarios.crm!.paths.legacy!.cpuMsPerRequest = 8;
    s.scenarios.crm!.paths.new!.cpuMsPerRequest = 10;
    const md = renderReport(s);
    expect(md).toContain('## CPU per request (this machine, every process)');
    expect(md).toContain('| crm | 8 | 10 | 1.25 |');
    const section = md.slice(md.indexOf('## CPU per request')).split('\n## ')[0];
    expect(section).not.toContain('| todos |'); // new only: no pair to compare
  });

  it("counts store round trips per request from the functions' EMF lines, the payment provider's apart", () => {
    const emf = (route: string, values: Record<string, unknown>) =>
      JSON.stringify({
        _aws: { Timestamp: 1, CloudWatchMetrics: [] },
        service: 'oshop-msa-local',
        route,
        ...values,
      });
    const lines = [
      emf('GET /purchases/{customerId}', { Requests: 1, Latency: 3 }),
      emf('GET /purchases/{customerId}', { store: 'dynamodb', StoreRequests: 1 }),
      emf('POST /hotdeals/{productId}/orders', { Requests: [1, 1], Latency: [2, 2] }),
      emf('POST /hotdeals/{productId}/orders', { store: 'dynamodb', StoreRequests: [4, 4] }),
      emf('POST /hotdeals/{productId}/orders', { store: 'payment', StoreRequests: 2 }),
      JSON.stringify({ _aws: {}, readModel: 'purchase_history', ProjectionLag: 40 }),
      '{"Requests": 1, "trunc',
    ];
    const trips = countRoundTrips(lines);
    expect(trips).toEqual({ requests: 3, perRequest: { dynamodb: 3, payment: 0.67 } });
    expect(ownRoundTrips(trips!.perRequest)).toBe(3);
    expect(countRoundTrips([])).toBeUndefined();
  });

  it('restates a lookup goal as this machine can show it: function CPU and round trips at most legacy', () => {
    const s = summary();
    const none = Object.fromEntries(CPU_ROLES.map((r) => [r, 0])) as Record<CpuRole, number>;
    const crm = s.scenarios.crm!;
    crm.paths.legacy = { ...crm.paths.legacy!, cpuSplit: { ...none, api: 1.0 }, storeCalls: { legacy: 1 } };
    crm.paths.new = { ...crm.paths.new!, cpuSplit: { ...none, api: 0.9 }, storeCalls: { mongo: 1 } };
    const goal = localGoalOf(crm.paths, 2.3);
    expect(goal).toEqual({
      functionCpuMs: { legacy: 1, new: 0.9 },
      roundTrips: { legacy: 1, new: 1 },
      p95Ratio: 2.3,
      met: true,
    });
    expect(localGoalOf({ ...crm.paths, new: { ...crm.paths.new, storeCalls: { mongo: 2 } } }, 1)?.met).toBe(
      false,
    );
    expect(
      localGoalOf({ ...crm.paths, new: { ...crm.paths.new, cpuSplit: { ...none, api: 1.1 } } }, 1)?.met,
    ).toBe(false);
    crm.goal = { p95Ratio: 1, source: 'the CRM workshop', met: false };
    crm.localGoal = goal;
    const md = renderReport(s);
    expect(md).toContain('| crm | 1 | 0.9 | 1 | 1 | 2.3 | yes |');
    const section = md.slice(md.indexOf('## Store round trips per request')).split('\n## ')[0];
    expect(section).toContain('| scenario | path | mongo | legacy |');
    expect(section).toContain('| crm | legacy | 0 | 1 |');
    expect(section).toContain('| crm | new | 1 | 0 |');
  });

  it('sets the metrics on beside off, and the metrics alone measured in process', () => {
    const s = summary();
    const none = Object.fromEntries(CPU_ROLES.map((r) => [r, 0])) as Record<CpuRole, number>;
    s.scenarios.ping = {
      description: 'ping',
      paths: { new: path(1000, 20, 90, 120, { cpuSplit: { ...none, api: 0.8 } }) },
    };
    expect(renderReport(s)).not.toContain('## What the metrics cost');
    s.scenarios['ping-metrics-off'] = {
      description: 'ping, metrics off',
      paths: { new: path(1100, 19, 80, 110, { cpuSplit: { ...none, api: 0.75 } }) },
    };
    s.emfCpuMsPerRequest = 0.031;
    const section = renderReport(s).split('## What the metrics cost')[1]!.split('\n## ')[0]!;
    expect(section).toContain('| ping | 1000 | 1100 | 20 | 19 | 90 | 80 | 0.8 | 0.75 | 6.7 % |');
    expect(section).toContain('0.031 ms of CPU per request');
  });

  it('splits the CPU per request by process, only the roles that spent any', () => {
    const s = summary();
    expect(renderReport(s)).not.toContain('## Where the CPU goes');
    const none = Object.fromEntries(CPU_ROLES.map((r) => [r, 0])) as Record<CpuRole, number>;
    s.scenarios.crm!.paths.new!.cpuSplit = { ...none, api: 1.2, ferretdb: 2.5, load: 0.9 };
    const md = renderReport(s);
    const section = md.slice(md.indexOf('## Where the CPU goes')).split('\n## ')[0];
    expect(section).toContain('| scenario | path | api | ferretdb | load |');
    expect(section).toContain('| crm | new | 1.2 | 2.5 | 0.9 |');
  });

  it('says FAILED and why when a check broke', () => {
    const s = summary();
    s.failures.push('hotdeal new: sold 1001 of 1000, 0 left, oversold 1');
    s.scenarios.hotdeal!.paths.new!.exitCode = 1;
    const md = renderReport(s);
    expect(md).toContain('## FAILED');
    expect(md).toContain('- hotdeal new: sold 1001 of 1000');
    expect(md).toMatch(/\| hotdeal \| new \|.*\| BROKEN \|/);
  });
});

describe('parseMigrationReport (the migrate CLI report, as npm run dev prints it)', () => {
  const devOutput = [
    '[oshop] migrating the legacy data into the new stores (resumes; verifies what it writes)',
    'purchases: migrated 100,000 this run (50/50 chunks) in 33.3 s, 3,002/s',
    'verification PASSED in 21.1 s',
    '  source count    100000',
    '  migrated count  100000   checksum 192860be79c1b356',
    '  target count    100000   checksum 192860be79c1b356',
    'purchases: total 54.6 s (migration and verification)',
    'crm: 4,286/4,286 calls (100.0%) 8,205 calls/s in 0.5 s',
    'crm: migrated 4,286 this run (3/3 chunks) in 0.5 s, 8,204/s',
    'verification PASSED in 0.2 s',
    '  source count    4286',
    'crm: total 0.8 s (migration and verification)',
    '[oshop] serving on http://localhost:3000',
  ].join('\n');

  it('reads each migration of one output on its own', () => {
    expect(parseMigrationReport(devOutput, 'purchases', 'npm run dev')).toEqual({
      ok: true,
      records: 100000,
      migrateSeconds: 33.3,
      verifySeconds: 21.1,
      totalSeconds: 54.6,
      recordsPerSecond: 3003,
      dmsSeconds: 883,
      source: 'npm run dev',
    });
    expect(parseMigrationReport(devOutput, 'crm', 'npm run dev')).toMatchObject({
      ok: true,
      records: 4286,
      migrateSeconds: 0.5,
      verifySeconds: 0.2,
      totalSeconds: 0.8,
    });
  });

  it('takes no figure from a resumed run (nothing migrated) or a failed verification as ok', () => {
    const resumed =
      'purchases: migrated 0 this run (0/50 chunks) in 0.0 s\npurchases: total 0.4 s (migration and verification)\n';
    expect(parseMigrationReport(resumed, 'purchases', 'npm run dev')).toBeUndefined();
    const failed = devOutput.replace('verification PASSED in 21.1 s', 'verification FAILED in 21.1 s');
    expect(parseMigrationReport(failed, 'purchases', 'bench')?.ok).toBe(false);
  });
});
