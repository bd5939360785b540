import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

/**
 * `npm run dev`, stopped as a terminal stops it: SIGINT to the whole foreground process
 * group, with its output piped (`| tee`, whose reader dies of the same Ctrl-C). Everything
 * it started must stop: serverless offline, the projector, and the local stack. It runs on
 * ports and a data folder of its own (the installed servers are shared), so the stack the
 * other tests use is not touched.
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const PORTS = {
  OSHOP_DYNAMODB_PORT: '28100',
  OSHOP_MONGO_PORT: '47117',
  OSHOP_REDIS_PORT: '26479',
  OSHOP_PG_PORT: '25532',
  PORT: '3400',
  LAMBDA_PORT: '3412',
};

const dir = mkdtempSync(join(tmpdir(), 'oshop-dev-'));
let devGroup: number | undefined;
afterAll(async () => {
  // A failed run must not leave its servers behind either.
  if (devGroup && groupAlive(devGroup)) {
    process.kill(-devGroup, 'SIGINT');
    for (let i = 0; i < 60 && groupAlive(devGroup); i++) await sleep(500);
  }
  rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const listening = async (port: string) => {
  const { createConnection } = await import('node:net');
  return new Promise<boolean>((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port: Number(port) });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
};
const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('npm run dev, stopped with Ctrl-C', () => {
  it('restarts a sweeper that died, and says so; stops serverless offline, the projector, the sweeper and the stack it started, even with its output piped', async () => {
    chmodSync(dir, 0o755); // PostgreSQL runs as its own user and must reach its data folder
    for (const installed of ['dynamodb-local', 'ferretdb'])
      symlinkSync(join(ROOT, '.local', installed), join(dir, installed));
    const env = {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? dir,
      LANG: 'C.UTF-8',
      ...PORTS,
      OSHOP_LOCAL_DIR: dir,
      OSHOP_SEED_SCALE: '0.001',
      OSHOP_ESBUILD_DIR: '.esbuild-dev-test',
    };
    const dev = spawn('bash', ['-c', `npm run dev 2>&1 | tee ${join(dir, 'dev.log')} >/dev/null`], {
      cwd: ROOT,
      env,
      detached: true, // its own process group, as a terminal's foreground job is
      stdio: 'ignore',
    });
    devGroup = dev.pid;
    const log = () => readFileSync(join(dir, 'dev.log'), 'utf8');

    const deadline = Date.now() + 180_000;
    for (;;) {
      const ok = await fetch(`http://127.0.0.1:${PORTS.PORT}/ping`).then(
        (r) => r.ok,
        () => false,
      );
      if (ok) break;
      if (dev.exitCode !== null || Date.now() > deadline)
        throw new Error(`npm run dev did not serve:\n${log()}`);
      await sleep(500);
    }
    for (const port of Object.values(PORTS).slice(0, 4)) expect(await listening(port), port).toBe(true);

    // Served, seeded and migrated: the CRM report (FerretDB) for customer 1, as staff, with a
    // token from this run's own dev issuer (its keys are under its own data folder).
    const token = spawnSync('npm', ['run', '-s', 'token', '--', 'staff'], {
      cwd: ROOT,
      env,
      encoding: 'utf8',
    });
    expect(token.status, token.stderr).toBe(0);
    const report = await fetch(`http://127.0.0.1:${PORTS.PORT}/crm/customers/1/service-history`, {
      headers: { authorization: `Bearer ${token.stdout.trim()}` },
    });
    expect(report.status, log()).toBe(200);
    expect(((await report.json()) as { customer: { name: string } }).customer.name).toBe('Mary Schaefer');

    // The sweeper killed (an OOM kill, a crash): npm run dev says so and starts it again.
    const sweepers = () =>
      spawnSync('pgrep', ['-g', String(dev.pid), '-f', 'scripts/sweeper.ts'], { encoding: 'utf8' })
        .stdout.split('\n')
        .filter(Boolean);
    const first = sweepers();
    expect(first.length, log()).toBeGreaterThan(0);
    spawnSync('pkill', ['-KILL', '-g', String(dev.pid), '-f', 'scripts/sweeper.ts']);
    const restartBy = Date.now() + 30_000;
    while (Date.now() < restartBy && (log().match(/\[sweeper\] finishing orders/g) ?? []).length < 2)
      await sleep(250);
    expect(log()).toMatch(/the sweeper stopped \(exit 137\); restarting it/);
    expect(log().match(/\[sweeper\] finishing orders/g), log()).toHaveLength(2);
    expect(sweepers().filter((p) => !first.includes(p)).length).toBeGreaterThan(0);

    process.kill(-dev.pid!, 'SIGINT');

    const stopBy = Date.now() + 60_000;
    let open: string[] = Object.values(PORTS);
    while (Date.now() < stopBy) {
      open = [];
      for (const port of Object.values(PORTS)) if (await listening(port)) open.push(port);
      if (open.length === 0 && !groupAlive(dev.pid!)) break;
      await sleep(500);
    }
    expect(open, `still listening after Ctrl-C:\n${log()}`).toEqual([]);
    expect(groupAlive(dev.pid!)).toBe(false);
    expect(readFileSync(join(dir, 'log', 'stack-down.log'), 'utf8')).toMatch(/stopped postgres/);
  }, 300_000);
});
