import type { Logger } from '@aws-lambda-powertools/logger';
import type { CutoverService } from './modes';
import type { ShadowObserver } from './routed';

export interface ShadowTally {
  observe: ShadowObserver;
  counts(): Record<CutoverService, { compared: number; mismatched: number }>;
}

/**
 * Counts shadow comparisons per service in this container. Every mismatch is a warning
 * with its keys (never the records); the running counts are logged at the 1st, 10th,
 * 100th... comparison, so the log shows shadow at work without a line per request.
 */
export function shadowTally(logger: Pick<Logger, 'info' | 'warn'>): ShadowTally {
  const tally = {
    purchases: { compared: 0, mismatched: 0 },
    crm: { compared: 0, mismatched: 0 },
    hotdeals: { compared: 0, mismatched: 0 },
  };
  return {
    observe(c) {
      const t = tally[c.service];
      t.compared += 1;
      if (c.mismatch) {
        t.mismatched += 1;
        // `service` is the logger's own key (oshop-msa): the cut-over service goes under `cutover`.
        logger.warn('shadow mismatch', {
          cutover: c.service,
          operation: c.operation,
          key: c.key,
          why: c.mismatch,
        });
      }
      if (Number.isInteger(Math.log10(t.compared)) || c.mismatch)
        logger.info('shadow comparisons', { cutover: c.service, ...t });
    },
    counts: () => structuredClone(tally),
  };
}
