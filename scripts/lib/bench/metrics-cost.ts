import { appendFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { flushMetrics, recordMetric, setMetricsSink } from '#shared/platform/metrics/metrics';

/**
 * The metrics' own CPU per request, measured in this process apart from everything else
 * a request does: what the pipeline records for a sold order (Requests, Latency, its
 * outcome, the units left, its store round trips) and the flush, written as EMF lines to a
 * file as the local functions do, `rounds` times. The on/off runs compare whole APIs (and
 * so carry the noise of two processes); this is the metrics alone.
 */
export function emfCpuMsPerRequest(rounds = 20_000): number {
  const dir = mkdtempSync(join(tmpdir(), 'oshop-emf-'));
  const file = join(dir, 'emf.jsonl');
  const previous = setMetricsSink((line) => appendFileSync(file, `${line}\n`));
  const route = 'POST /hotdeals/{productId}/orders';
  const oneRequest = () => {
    recordMetric('Requests', 1, { route });
    recordMetric('Latency', 12.5, { route });
    recordMetric('StoreRequests', 2, { route, store: 'dynamodb' });
    recordMetric('StoreRequests', 2, { route, store: 'redis' });
    recordMetric('OrdersPlaced', 1, { path: 'new' });
    recordMetric('OrdersConfirmed', 1, { path: 'new' });
    recordMetric('UnitsRemaining', 7, { path: 'new' });
    flushMetrics();
  };
  try {
    for (let i = 0; i < 2000; i++) oneRequest(); // warm
    const t0 = process.cpuUsage();
    for (let i = 0; i < rounds; i++) oneRequest();
    const used = process.cpuUsage(t0);
    return Math.round(((used.user + used.system) / 1000 / rounds) * 1000) / 1000;
  } finally {
    setMetricsSink(previous);
    rmSync(dir, { recursive: true, force: true });
  }
}
