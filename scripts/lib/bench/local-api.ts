import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { benchEnv, ROOT } from './artillery';

/** True when the API answers /health with every store ok. */
export async function healthy(target: string): Promise<boolean> {
  try {
    const res = await fetch(`${target}/health`, { signal: AbortSignal.timeout(3000) });
    return res.ok && ((await res.json()) as { status: string }).status === 'ok';
  } catch {
    return false;
  }
}

async function waitHealthy(target: string, child: ChildProcess, seconds: number, what: string) {
  const deadline = Date.now() + seconds * 1000;
  while (!(await healthy(target))) {
    if (child.exitCode !== null) throw new Error(`${what} exited before the API was ready`);
    if (Date.now() > deadline) throw new Error(`${what} was not ready within ${seconds} s`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * Starts `npm run dev` when the local API is not answering, its output in `log` (the
 * migrations it ran are timed there); returns it so it can be stopped.
 */
export async function ensureLocalApi(
  target: string,
  say: (line: string) => void,
  log: string,
): Promise<ChildProcess | undefined> {
  if (await healthy(target)) return undefined;
  say(`no healthy API at ${target}: starting npm run dev (stack, seed, migration; output in ${log})`);
  const out = openSync(log, 'w');
  const dev = spawn('bash', ['scripts/dev.sh'], {
    cwd: ROOT,
    env: benchEnv,
    stdio: ['ignore', out, out],
    detached: true,
  });
  closeSync(out);
  await waitHealthy(target, dev, 600, 'npm run dev');
  return dev;
}

/** A second local API on `port` with extra settings (a slower payment), on the same stack. */
export async function startLocalApi(port: number, env: Record<string, string>): Promise<ChildProcess> {
  const api = spawn(
    'npx',
    ['serverless', 'offline', 'start', '--httpPort', String(port), '--lambdaPort', String(port + 10)].concat([
      '--useInProcess',
      '--noTimeout',
    ]),
    {
      cwd: ROOT,
      env: { ...benchEnv, ...env, OSHOP_ESBUILD_DIR: '.esbuild-bench' },
      stdio: 'ignore',
      detached: true,
    },
  );
  await waitHealthy(`http://localhost:${port}`, api, 120, `the API on :${port}`);
  return api;
}

/**
 * Stops a process group started above and waits until it has exited (then the next API
 * can take its port: a second API started on a port the first still held exited at once,
 * and its run met ECONNREFUSED). After `graceMs` the group is killed.
 */
export async function stop(
  child: ChildProcess | undefined,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 30_000,
): Promise<void> {
  if (!child?.pid || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const group = -child.pid;
  process.kill(group, signal);
  const timer = setTimeout(() => {
    try {
      process.kill(group, 'SIGKILL');
    } catch {
      // already gone
    }
  }, graceMs);
  await exited;
  clearTimeout(timer);
  // The group's other members (esbuild's service, the handler workers) go with their parent.
  for (let i = 0; i < 50 && groupAlive(group); i++) await new Promise((r) => setTimeout(r, 100));
}

const groupAlive = (group: number) => {
  try {
    process.kill(group, 0);
    return true;
  } catch {
    return false;
  }
};
