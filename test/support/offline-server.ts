import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { E2E_LAMBDA_PORT, E2E_OFFLINE_LOG, E2E_PORT, TEST_METRICS_FILE } from './env';

/**
 * The e2e tier's `serverless offline` (the fast in-process mode), started once per run. The
 * stack's setup starts it when the run has e2e tests, so its 12-17 s start (the framework,
 * 26 esbuild bundles) goes on while the stores are seeded; the e2e setup then waits for it.
 * Held on globalThis: each project's global setup may load this module anew.
 */
interface OfflineServer {
  child: ChildProcess;
  output: () => string;
}
const KEY = Symbol.for('oshop.e2e.offline');
const held = globalThis as { [KEY]?: OfflineServer };

export function startOffline(): OfflineServer {
  const running = held[KEY];
  if (running) return running;
  const child = spawn(
    'npx',
    [
      'serverless',
      'offline',
      'start',
      '--httpPort',
      String(E2E_PORT),
      '--lambdaPort',
      String(E2E_LAMBDA_PORT),
      '--useInProcess',
      '--noTimeout',
    ],
    {
      env: {
        ...process.env,
        LOG_LEVEL: 'WARN',
        OSHOP_ESBUILD_DIR: '.esbuild-test',
        OSHOP_METRICS_FILE: TEST_METRICS_FILE,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    },
  );
  let output = '';
  // Also in a file: test files run in workers of their own and read what the API logged there.
  mkdirSync(dirname(E2E_OFFLINE_LOG), { recursive: true });
  const log = createWriteStream(E2E_OFFLINE_LOG);
  const keep = (d: Buffer) => {
    output += d.toString();
    log.write(d);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  held[KEY] = { child, output: () => output };
  return held[KEY];
}

export function stopOffline(): void {
  const running = held[KEY];
  if (running?.child.pid) process.kill(-running.child.pid, 'SIGTERM');
  held[KEY] = undefined;
}
