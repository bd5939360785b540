import { runAudit } from '#shared/audit/audit';
import { config } from '#shared/platform/config';
import { logger } from '#shared/platform/logger';
import { withMetrics } from '#shared/platform/metrics/metrics';
import { traced } from '#shared/platform/tracer';
import { auditPorts } from '#shared/wiring';

/**
 * The consistency audit in AWS, on a schedule (serverless.yml): the event log against each
 * read model, Redis stock against the log, sold units against the stock set, and one slice
 * of the migrated customers against the legacy source (every one over AUDIT_SLICES runs).
 * Its findings are metrics (AuditFindings, OversoldUnits) with alarms, and log lines with
 * the keys to repair. Locally `npm run audit` runs the same checks.
 */
export const handler = traced(
  withMetrics(async (): Promise<void> => {
    const { intervalMs, slices } = config.audit;
    const run = Math.floor(Date.now() / intervalMs);
    const r = await runAudit(await auditPorts(), { run, slices });
    logger.info('audited', {
      run,
      findings: r.findings.length,
      oversoldUnits: r.oversoldUnits,
      looked: r.looked,
      seconds: Math.round(r.seconds),
    });
  }),
);
