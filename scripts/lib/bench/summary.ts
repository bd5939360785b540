import type { LiveMigrationBench } from './live';
import type { PathResult } from './artillery';
import type { RedisCeiling } from './ceilings';
import type { MigrationResult } from './migrations';
import type { ProjectionLag, ReplayBench } from './projections';
import type { OpsPageWatch } from './ops-watch';
import { ownRoundTrips } from './store-calls';

export type PathName = 'legacy' | 'new';

/** new / legacy for throughput and each latency percentile (below 1 = new is faster). */
export interface Ratios {
  rps: number;
  p50: number;
  p95: number;
  p99: number;
}

export interface ScenarioResult {
  description: string;
  paths: Partial<Record<PathName, PathResult>>;
  ratios?: Ratios;
  /** Rush scenarios: the new path's throughput as a share of each ceiling. */
  ceilingShare?: { http?: number; redisReserve?: number };
  /** Rush scenarios, new path: event appended -> read-model row written. */
  projectionLag?: ProjectionLag;
  /** The goal for this scenario (new p95 at most this share of legacy's), and whether it held. */
  goal?: { p95Ratio: number; source: string; met: boolean };
  /**
   * The goal as this machine can show it (the p95 ratio is for --target runs against a
   * stage: locally the emulators' CPU mixes into every percentile): the new path's function
   * CPU and store round trips per request at most the legacy path's.
   */
  localGoal?: LocalGoal;
  /** What the reader needs beside the figures (e.g. the local server's plan of the query). */
  notes?: string[];
  /** --ops-page: what the operations page showed during the rush's new path. */
  opsPage?: OpsPageWatch;
  /** migrate-live: the legacy writer, change capture's lag and the check afterwards. */
  live?: LiveMigrationBench;
}

export interface LocalGoal {
  /** The API process's CPU per request (ms): the function's own. */
  functionCpuMs: { legacy: number; new: number };
  /** Round trips per request to the path's own stores (a payment provider's apart). */
  roundTrips: { legacy: number; new: number };
  p95Ratio: number;
  met: boolean;
}

/** The local goal from a scenario's two paths, when both were measured with the split and the counts. */
export function localGoalOf(paths: ScenarioResult['paths'], p95Ratio: number): LocalGoal | undefined {
  const { legacy: l, new: n } = paths;
  if (!l?.cpuSplit || !n?.cpuSplit || !l.storeCalls || !n.storeCalls) return undefined;
  const functionCpuMs = { legacy: l.cpuSplit.api, new: n.cpuSplit.api };
  const roundTrips = { legacy: ownRoundTrips(l.storeCalls), new: ownRoundTrips(n.storeCalls) };
  return {
    functionCpuMs,
    roundTrips,
    p95Ratio,
    met: functionCpuMs.new <= functionCpuMs.legacy && roundTrips.new <= roundTrips.legacy,
  };
}

/** What one `npm run bench` wrote to summary.json. */
export interface BenchSummary {
  startedAt: string;
  target: string;
  seconds: number;
  /** http: GET /ping, no token; verify: GET /auth/me, a token verified (the same shape). */
  ceilings: { http?: PathResult; verify?: PathResult; redis?: RedisCeiling };
  /** The metrics alone: a sold order's EMF recorded and written, CPU ms per request (in process). */
  emfCpuMsPerRequest?: number;
  migrations: Record<string, MigrationResult>;
  scenarios: Record<string, ScenarioResult>;
  /** Every read model rebuilt from the event log after the rushes. */
  replay?: ReplayBench[];
  /** Why the bench failed, if it did (a threshold, oversold units, a migration). */
  failures: string[];
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function ratiosOf(paths: ScenarioResult['paths']): Ratios | undefined {
  const { legacy: l, new: n } = paths;
  if (!l || !n) return undefined;
  return {
    rps: round2(n.rps / l.rps),
    p50: round2(n.p50 / l.p50),
    p95: round2(n.p95 / l.p95),
    p99: round2(n.p99 / l.p99),
  };
}
