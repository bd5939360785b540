import { describeLocalReportPlan } from './crm-plan';
import { CRM_CUSTOMER_IDS, PURCHASE_IDS, type Feeder } from './feeders';
import type { PathName } from './summary';

export interface BenchPath {
  name: PathName;
  prefix: string;
}
const BOTH: BenchPath[] = [
  { name: 'legacy', prefix: '/legacy' },
  { name: 'new', prefix: '' },
];
const NEW_ONLY: BenchPath[] = [{ name: 'new', prefix: '' }];

export interface Scenario {
  /** Under artillery/; one file serves both paths through the `prefix` variable. */
  file: string;
  description: string;
  paths: BenchPath[];
  /** Statuses that are right answers besides 2xx (409 SOLD_OUT in a rush). */
  expected?: number[];
  /** Steady-rate scenarios: a short unrecorded pass on each path first. */
  warmUp?: boolean;
  /** Hot-deal rush: stock reset before each path (to `stock`, default 1,000), sold == stock checked after. */
  rush?: boolean;
  stock?: number;
  /** Runs against a second local API with these settings (local only). */
  api?: { port: number; env: Record<string, string> };
  /** The scenario's ids, written from the local legacy database before it runs. */
  feeder?: Feeder;
  /** Artillery overrides of the scenario file for the recorded run (another arrival rate). */
  overrides?: Record<string, unknown>;
  /** Reported beside the ratio (not a threshold): new p95 at most this share of legacy's. */
  goal?: { p95Ratio: number; source: string };
  /** Local runs: a line for the report beside the figures (e.g. the local server's query plan). */
  localNote?: () => Promise<string>;
  /** Local runs: the legacy shop changed at this rate during the recorded run, change capture timed. */
  liveWriter?: { perSecond: number; seconds: number };
}

export const SCENARIOS = {
  purchases: {
    file: 'purchases.yml',
    description: 'purchase lookup, random customers and purchases, 50 users/s (Gatling-style)',
    paths: BOTH,
    warmUp: true,
    feeder: PURCHASE_IDS,
    goal: {
      p95Ratio: 0.6,
      source: 'the order-service workshop: Gatling p95 56 ms on DynamoDB vs 92 ms on Oracle (0.61)',
    },
  },
  'purchases-100': {
    file: 'purchases.yml',
    description: 'purchase lookup, the same mix at 100 users/s',
    paths: BOTH,
    warmUp: true,
    feeder: PURCHASE_IDS,
    overrides: {
      config: {
        phases: [
          { duration: 5, arrivalRate: 40 },
          { duration: 20, arrivalRate: 100 },
        ],
      },
    },
    goal: { p95Ratio: 0.6, source: 'the order-service workshop (0.61)' },
  },
  crm: {
    file: 'crm.yml',
    description: 'CRM report, random archived customers, 50 users/s, 1 in 5 as HTML',
    paths: BOTH,
    warmUp: true,
    feeder: CRM_CUSTOMER_IDS,
    localNote: describeLocalReportPlan,
    goal: {
      p95Ratio: 1,
      source: 'the CRM workshop: the report moved off a JOIN to an indexed document store',
    },
  },
  'migrate-live': {
    file: 'purchases.yml',
    description:
      'purchase lookups on the new path (25 users/s) while a writer changes the legacy shop at 50 changes/s for 60 s and change capture keeps the new stores in step',
    paths: NEW_ONLY,
    warmUp: true,
    feeder: PURCHASE_IDS,
    // The lookups share two cores with the writer's fan-out into DynamoDB Local: their p99
    // is reported, held to 3 s here (the purchases scenario holds 1 s without a writer).
    // At 50 users/s (100 lookups/s) the machine was 94 % busy, Artillery alone a quarter
    // of it, and capture's lag p95 1.3-2.0 s; the writer alone: 48 % busy, lag p95 151 ms.
    // Half that rate keeps both at work without measuring the box's saturation instead.
    overrides: {
      config: {
        phases: [{ duration: 60, arrivalRate: 25 }],
        plugins: { ensure: { thresholds: [{ 'http.response_time.p99': 3000 }] } },
      },
    },
    liveWriter: { perSecond: 50, seconds: 60 },
  },
  todos: {
    file: 'todos.yml',
    description: 'todo CRUD mix (create, read, complete, list, delete), 20 users/s',
    paths: NEW_ONLY,
    warmUp: true,
  },
  hotdeal: {
    file: 'hotdeal.yml',
    description: '150 buyers, 3,000 orders for 1,000 units (ab -c 150 -n 3000)',
    paths: BOTH,
    expected: [409],
    rush: true,
  },
  'hotdeal-30ms': {
    file: 'hotdeal.yml',
    description: 'the same rush with a 30 ms payment step (inside the legacy row lock)',
    paths: BOTH,
    expected: [409],
    rush: true,
    api: { port: 3005, env: { PAYMENT_LATENCY_MS: '30' } },
  },
  rush: {
    file: 'hotdeal.yml',
    description:
      "the game shop's own experiment (ab -c 150 -n 3000): 150 callers, 3,000 orders, stock 10,000 so every order succeeds, a 30 ms payment",
    paths: BOTH,
    expected: [409],
    rush: true,
    stock: 10_000,
    api: { port: 3005, env: { PAYMENT_LATENCY_MS: '30' } },
  },
  // What the metrics cost (issue 25): the do-nothing handler and the game shop's rush, with
  // the functions' EMF metrics on and off (POWERTOOLS_METRICS_DISABLED), each on an API of
  // its own started for the run (the same freshness on both sides), in one run; the report
  // sets them side by side.
  ping: {
    file: 'ceiling.yml',
    description: 'GET /ping (a do-nothing handler behind the same middleware), 150 callers x 20, metrics on',
    paths: NEW_ONLY,
    api: { port: 3007, env: {} },
  },
  'ping-metrics-off': {
    file: 'ceiling.yml',
    description: 'the same with the metrics off (a second local API)',
    paths: NEW_ONLY,
    api: { port: 3006, env: { POWERTOOLS_METRICS_DISABLED: 'true' } },
  },
  'rush-metrics-off': {
    file: 'hotdeal.yml',
    description: 'the rush above, new path, with the metrics off (a second local API)',
    paths: NEW_ONLY,
    expected: [409],
    rush: true,
    stock: 10_000,
    api: { port: 3006, env: { PAYMENT_LATENCY_MS: '30', POWERTOOLS_METRICS_DISABLED: 'true' } },
  },
} satisfies Record<string, Scenario>;

/** The pairs the report compares for the metrics' cost: [metrics on, metrics off]. */
export const METRICS_COST_PAIRS = [
  ['ping', 'ping-metrics-off'],
  ['rush', 'rush-metrics-off'],
] as const;

export type ScenarioName = keyof typeof SCENARIOS;
export const SCENARIO_NAMES = Object.keys(SCENARIOS) as ScenarioName[];
