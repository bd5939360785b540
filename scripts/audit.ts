/**
 * The consistency audit, locally (in AWS a scheduled function runs the same checks):
 * the event log against each read model, Redis stock against the log, sold units against
 * the stock set, migrated purchases and CRM documents against the legacy source. Each
 * finding is printed with the keys to repair, and recorded as the metric its alarm watches.
 *
 *   npm run audit                 one whole cycle (every customer slice); exit 1 on a finding
 *   npm run audit -- --watch      a run every AUDIT_INTERVAL_MS, one slice each (npm run dev)
 *   npm run audit -- --only read-models,oversell
 */
import { AUDIT_CHECKS, runAudit, type AuditCheck, type AuditReport } from '#shared/audit/audit';
import { config } from '#shared/platform/config';
import { flushMetrics } from '#shared/platform/metrics/metrics';
import { auditPorts, closeAll } from '#shared/wiring';
import { parseCommandLine, runToExit } from './lib/cli';

function usage(message: string): never {
  console.error(`${message}\nusage: npm run audit [-- --watch] [-- --only ${AUDIT_CHECKS.join(',')}]`);
  process.exit(2);
}

const { values } = parseCommandLine(
  { options: { watch: { type: 'boolean' }, only: { type: 'string' } }, allowPositionals: false },
  usage,
);
const checks = values.only
  ? values.only.split(',').map((c) => {
      if (!AUDIT_CHECKS.includes(c as AuditCheck)) usage(`unknown check: ${c}`);
      return c as AuditCheck;
    })
  : AUDIT_CHECKS;
const { intervalMs, slices } = config.audit;

function summary(r: AuditReport, what: string): string {
  const looked = Object.entries(r.looked)
    .map(([check, n]) => `${check} ${n.toLocaleString('en-US')}`)
    .join(', ');
  return (
    `[audit] ${what}: ${r.findings.length ? `${r.findings.length} FINDINGS (above)` : 'no finding'}` +
    `; looked at ${looked}; ${r.oversoldUnits} units oversold (${r.seconds.toFixed(1)} s)`
  );
}

async function once(): Promise<number> {
  const ports = await auditPorts();
  let findings = 0;
  // The log, Redis and the read models once; the migrated records slice by slice, all of them.
  for (let run = 0; run < slices; run++) {
    const r = await runAudit(ports, {
      run,
      slices,
      checks: run === 0 ? checks : checks.filter((c) => c === 'migrated-purchases' || c === 'crm-documents'),
    });
    flushMetrics();
    for (const f of r.findings)
      console.log(`[audit] FINDING ${f.check}: ${f.what} ${JSON.stringify(f.keys)}`);
    findings += r.findings.length;
    if (run === 0 || r.findings.length) console.log(summary(r, `slice ${run + 1} of ${slices}`));
  }
  console.log(`[audit] cycle done: ${findings ? `${findings} FINDINGS` : 'no finding'}`);
  return findings ? 1 : 0;
}

async function watch(): Promise<number> {
  let stopping = false;
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => (stopping = true));
  console.log(`[audit] a run every ${intervalMs / 1000} s, 1/${slices} of the migrated customers each`);
  const ports = await auditPorts();
  for (let run = Math.floor(Date.now() / intervalMs); !stopping; run++) {
    try {
      const r = await runAudit(ports, { run, slices, checks });
      flushMetrics();
      for (const f of r.findings)
        console.log(`[audit] FINDING ${f.check}: ${f.what} ${JSON.stringify(f.keys)}`);
      if (r.findings.length) console.log(summary(r, `run ${run}`));
    } catch (err) {
      console.error(
        `[audit] run failed (next in ${intervalMs / 1000} s): ${err instanceof Error ? err.message : String(err)}`,
      );
    }
    for (let waited = 0; waited < intervalMs && !stopping; waited += 200)
      await new Promise((r) => setTimeout(r, 200));
  }
  return 0;
}

runToExit('audit', values.watch ? watch : once, closeAll);
