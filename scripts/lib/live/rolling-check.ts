import {
  checkPurchases,
  checkServiceCalls,
  customerRanges,
  type ConsistencySources,
  type Difference,
  type RangeCheck,
} from '#shared/replication/consistency';

export type CheckedService = 'purchases' | 'crm';

export interface CycleResult {
  customers: number;
  records: number;
  differences: Difference[];
  seconds: number;
}

/** A pause that a stop ends at once (including one that came before the pause began). */
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const t = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => (clearTimeout(t), resolve()), { once: true });
  });

/**
 * One cycle of the rolling check: every customer of each service, `batch` customers per
 * step, `pauseMs` between steps (spreading a cycle over time keeps its load small). A
 * customer that differs is checked again after `settleMs` (a change still on its way, a
 * hot-deal order between the log and sync-back, is not a finding); what still differs is
 * reported with its keys.
 */
export async function checkCycle(
  sources: ConsistencySources,
  options: {
    services: readonly CheckedService[];
    batch?: number;
    pauseMs?: number;
    settleMs?: number;
    signal?: AbortSignal;
    onDifference?: (d: Difference) => void;
  },
): Promise<CycleResult> {
  const t0 = performance.now();
  const batch = options.batch ?? 100;
  const ranges = await customerRanges(sources.legacy);
  const result: CycleResult = { customers: 0, records: 0, differences: [], seconds: 0 };
  for (const service of options.services) {
    const check = (from: number, to: number): Promise<RangeCheck> =>
      service === 'purchases' ? checkPurchases(sources, from, to) : checkServiceCalls(sources, from, to);
    const { min, max } = service === 'purchases' ? ranges.purchases : ranges.crm;
    for (let from = min; from <= max && !options.signal?.aborted; from += batch) {
      const to = Math.min(max, from + batch - 1);
      const step = await check(from, to);
      result.customers += step.customers;
      result.records += step.records;
      for (const suspect of step.differences) {
        await sleep(options.settleMs ?? 1000, options.signal);
        const again = await check(suspect.customerId, suspect.customerId);
        for (const d of again.differences) {
          result.differences.push(d);
          options.onDifference?.(d);
        }
      }
      if (options.pauseMs) await sleep(options.pauseMs, options.signal);
    }
  }
  result.seconds = (performance.now() - t0) / 1000;
  return result;
}

/** One line per difference: which customer, which records (what an operator acts on). */
export function describeDifference(d: Difference): string {
  const part = (label: string, ids: number[]) =>
    ids.length === 0
      ? []
      : [`${label} ${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ` (+${ids.length - 10})` : ''}`];
  const key = d.service === 'purchases' ? 'purchase' : 'call';
  return (
    `${d.service} customer ${d.customerId}: ` +
    [
      ...part(`${key}s only in legacy`, d.onlyLegacy),
      ...part(`${key}s only in the new store`, d.onlyNew),
      ...part(`${key}s that differ`, d.changed),
    ].join('; ')
  );
}
