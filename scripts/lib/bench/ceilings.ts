import { spawnSync } from 'node:child_process';
import { RESERVE as RESERVE_SCRIPT } from '#shared/hotdeals/stock/lua/reserve';

export interface RedisCeiling {
  clients: number;
  requests: number;
  /** Plain INCR: what one Redis does with nothing on top. */
  incrRps: number;
  /** The hot-deal reserve script itself (EVAL, its two keys), on keys of its own. */
  reserveRps: number;
  reserveP99Ms: number;
}

const BENCH_KEY = 'bench:{p:0}';

/** Parses redis-benchmark --csv: a header line, then one quoted line per test. */
export function parseRedisBenchmarkCsv(csv: string): { rps: number; p99: number }[] {
  const lines = csv
    .trim()
    .split('\n')
    .filter((l) => l.startsWith('"'));
  const header = (lines[0] ?? '').split('","').map((h) => h.replaceAll('"', ''));
  const rps = header.indexOf('rps');
  const p99 = header.indexOf('p99_latency_ms');
  return lines.slice(1).map((line) => {
    // The test name may hold commas (a script); the figures are the last columns.
    const cells = line.split('","').map((c) => c.replaceAll('"', ''));
    const fromEnd = (i: number) => Number(cells[cells.length - (header.length - i)]);
    return { rps: fromEnd(rps), p99: fromEnd(p99) };
  });
}

/**
 * The Redis ceiling, measured with redis-benchmark (Debian's redis-tools) against the local
 * redis-server with as many clients as the hot-deal rush has buyers: plain INCR, and the
 * reserve script the new path runs, on a bench key with stock enough never to run out.
 */
export function measureRedisCeiling(port: number, clients = 150, requests = 100_000): RedisCeiling {
  const cli = (...args: string[]) =>
    spawnSync('redis-cli', ['-h', '127.0.0.1', '-p', String(port), ...args], { encoding: 'utf8' });
  const bench = (...args: string[]) => {
    const r = spawnSync(
      'redis-benchmark',
      [
        '-h',
        '127.0.0.1',
        '-p',
        String(port),
        '--csv',
        '-c',
        String(clients),
        '-n',
        String(requests),
        ...args,
      ],
      { encoding: 'utf8', timeout: 120_000 },
    );
    if (r.status !== 0) throw new Error(`redis-benchmark failed: ${r.stderr || r.error?.message}`);
    const [row] = parseRedisBenchmarkCsv(r.stdout);
    if (!row) throw new Error(`redis-benchmark printed no result: ${r.stdout}`);
    return row;
  };
  const keys = ['stock', 'free', 'buyers', 'pending', 'reservations'].map((k) => `${BENCH_KEY}:${k}`);
  // A setting with units enough never to run out.
  cli(
    'HSET',
    `${BENCH_KEY}:stock`,
    'setting',
    '1',
    'next',
    '1',
    'last',
    String(requests * 1000),
    'limit',
    '0',
    'base',
    '0',
  );
  try {
    const incr = bench('-t', 'incr');
    // The script as the order path runs it: a product's five keys (one hash tag), product, customer, time.
    const reserve = bench('EVAL', RESERVE_SCRIPT.replace(/\s+/g, ' ').trim(), '5', ...keys, '0', '1', '0');
    return { clients, requests, incrRps: incr.rps, reserveRps: reserve.rps, reserveP99Ms: reserve.p99 };
  } finally {
    cli('DEL', ...keys, 'counter:__rand_int__'); // and the key INCR used
  }
}
