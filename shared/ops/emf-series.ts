/**
 * The local operations page's figures, from the EMF lines the functions, the projector,
 * the sweeper and the audit write (shared/platform/metrics): the same metrics CloudWatch
 * would draw, folded per second over the last few minutes. Pure: lines in, a snapshot out.
 */
export interface OpsSnapshot {
  /** Seconds (epoch, s) the series cover, oldest first. */
  seconds: number[];
  /** Orders per second by outcome, per side. */
  orders: Record<string, Record<string, (number | null)[]>>;
  /** Units left as the last order answer of each second said, per side (null: no order). */
  remaining: Record<string, (number | null)[]>;
  /** Per route: p50, p95, p99 of each second's requests (ms). */
  latency: Record<string, { p50: (number | null)[]; p95: (number | null)[]; p99: (number | null)[] }>;
  /** Per route: requests in the last 10 s. */
  requests: Record<string, number>;
  /** Per read model: p95 projection lag of each second (ms). */
  lag: Record<string, (number | null)[]>;
  /** The latest audit run's findings per check, and its oversold units. */
  audit: { findings: Record<string, number>; oversoldUnits: number | null; at: number | null };
  /** Since the page's data began (npm run dev starts the file empty): per side. */
  totals: Record<string, { placed: number; confirmed: number; soldOut: number; remaining: number | null }>;
}

const ORDER_OUTCOMES = [
  'OrdersPlaced',
  'OrdersConfirmed',
  'OrdersSoldOut',
  'OrdersLimitReached',
  'OrdersPaymentDeclined',
  'OrdersUnavailable',
  'OrdersCancelled',
] as const;

interface Second {
  orders: Map<string, Map<string, number>>;
  remaining: Map<string, number>;
  latency: Map<string, number[]>;
  lag: Map<string, number[]>;
}

const values = (v: unknown): number[] =>
  typeof v === 'number' ? [v] : Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];

function percentile(sorted: number[], p: number): number | null {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? null;
}

export class OpsSeries {
  private readonly secondsKept: number;
  private readonly bySecond = new Map<number, Second>();
  private readonly totals = new Map<string, OpsSnapshot['totals'][string]>();
  private readonly remainingAt = new Map<string, number>();
  private audit: OpsSnapshot['audit'] = { findings: {}, oversoldUnits: null, at: null };

  constructor(secondsKept = 300) {
    this.secondsKept = secondsKept;
  }

  /** One EMF line (anything else is ignored). */
  add(line: string): void {
    let emf: Record<string, unknown>;
    try {
      emf = JSON.parse(line) as Record<string, unknown>;
    } catch {
      return;
    }
    const aws = emf._aws as { Timestamp?: number } | undefined;
    if (!aws || typeof aws.Timestamp !== 'number') return;
    const t = Math.floor(aws.Timestamp / 1000);
    const second = this.second(t);
    const path = typeof emf.path === 'string' ? emf.path : undefined;
    if (path) {
      const total = this.totalOf(path);
      for (const outcome of ORDER_OUTCOMES) {
        const n = values(emf[outcome]).reduce((a, b) => a + b, 0);
        if (!n) continue;
        const byOutcome = second.orders.get(path) ?? new Map<string, number>();
        byOutcome.set(outcome, (byOutcome.get(outcome) ?? 0) + n);
        second.orders.set(path, byOutcome);
        if (outcome === 'OrdersPlaced') total.placed += n;
        if (outcome === 'OrdersConfirmed') total.confirmed += n;
        if (outcome === 'OrdersSoldOut') total.soldOut += n;
      }
      const left = values(emf.UnitsRemaining);
      if (left.length) {
        const low = Math.min(...left);
        second.remaining.set(path, Math.min(second.remaining.get(path) ?? Infinity, low));
        // The latest answer's count (a new stock setting raises it); the lowest of one instant.
        const last = this.remainingAt.get(path) ?? -1;
        if (aws.Timestamp > last || total.remaining === null) total.remaining = low;
        else if (aws.Timestamp === last) total.remaining = Math.min(total.remaining, low);
        this.remainingAt.set(path, Math.max(last, aws.Timestamp));
      }
    }
    if (typeof emf.route === 'string' && emf.Latency !== undefined)
      second.latency.set(emf.route, [...(second.latency.get(emf.route) ?? []), ...values(emf.Latency)]);
    if (typeof emf.readModel === 'string' && emf.ProjectionLag !== undefined)
      second.lag.set(emf.readModel, [...(second.lag.get(emf.readModel) ?? []), ...values(emf.ProjectionLag)]);
    if (typeof emf.check === 'string' && emf.AuditFindings !== undefined) {
      this.audit.findings[emf.check] = values(emf.AuditFindings).reduce((a, b) => a + b, 0);
      this.audit.at = aws.Timestamp;
    }
    if (emf.OversoldUnits !== undefined) this.audit.oversoldUnits = Math.max(...values(emf.OversoldUnits));
  }

  /** The figures of the last `secondsKept` seconds up to `nowMs`. */
  snapshot(nowMs: number): OpsSnapshot {
    const now = Math.floor(nowMs / 1000);
    const oldest = now - this.secondsKept + 1;
    const seconds = Array.from({ length: this.secondsKept }, (_, i) => oldest + i);
    for (const t of this.bySecond.keys()) if (t < oldest) this.bySecond.delete(t);
    const at = (t: number) => this.bySecond.get(t);
    const sides = new Set<string>();
    const routes = new Set<string>();
    const models = new Set<string>();
    for (const s of this.bySecond.values()) {
      for (const p of s.orders.keys()) sides.add(p);
      for (const p of s.remaining.keys()) sides.add(p);
      for (const r of s.latency.keys()) routes.add(r);
      for (const m of s.lag.keys()) models.add(m);
    }
    const orders: OpsSnapshot['orders'] = {};
    const remaining: OpsSnapshot['remaining'] = {};
    for (const side of sides) {
      orders[side] = Object.fromEntries(
        ORDER_OUTCOMES.map((o) => [o, seconds.map((t) => at(t)?.orders.get(side)?.get(o) ?? 0)]),
      );
      remaining[side] = seconds.map((t) => at(t)?.remaining.get(side) ?? null);
    }
    const latency: OpsSnapshot['latency'] = {};
    for (const route of routes) {
      const sorted = seconds.map((t) => [...(at(t)?.latency.get(route) ?? [])].sort((a, b) => a - b));
      latency[route] = {
        p50: sorted.map((s) => percentile(s, 50)),
        p95: sorted.map((s) => percentile(s, 95)),
        p99: sorted.map((s) => percentile(s, 99)),
      };
    }
    const requests: OpsSnapshot['requests'] = {};
    for (const route of routes)
      requests[route] = seconds.slice(-10).reduce((n, t) => n + (at(t)?.latency.get(route)?.length ?? 0), 0);
    const lag: OpsSnapshot['lag'] = {};
    for (const model of models)
      lag[model] = seconds.map((t) =>
        percentile(
          [...(at(t)?.lag.get(model) ?? [])].sort((a, b) => a - b),
          95,
        ),
      );
    return {
      seconds,
      orders,
      remaining,
      latency,
      requests,
      lag,
      audit: { ...this.audit, findings: { ...this.audit.findings } },
      totals: Object.fromEntries([...this.totals].map(([k, v]) => [k, { ...v }])),
    };
  }

  private second(t: number): Second {
    let s = this.bySecond.get(t);
    if (!s)
      this.bySecond.set(
        t,
        (s = { orders: new Map(), remaining: new Map(), latency: new Map(), lag: new Map() }),
      );
    return s;
  }

  private totalOf(path: string) {
    let t = this.totals.get(path);
    if (!t) this.totals.set(path, (t = { placed: 0, confirmed: 0, soldOut: 0, remaining: null }));
    return t;
  }
}
