import { spawn } from 'node:child_process';
import { E2E_BASE_URL } from './env';
import { startOffline, stopOffline } from './offline-server';

/**
 * Serves the API with `serverless offline` on a test port (./offline-server) for the e2e
 * tier, with the projector beside it, and stops both afterwards. Their environment points
 * at the test tables.
 */
export default async function setup(): Promise<() => Promise<void>> {
  const { child, output } = startOffline(); // started already by the stack's setup, as a rule

  const deadline = Date.now() + 120_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`serverless offline exited early:\n${output()}`);
    try {
      const res = await fetch(`${E2E_BASE_URL}/health`);
      if (res.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) throw new Error(`serverless offline did not start in 120 s:\n${output()}`);
    await new Promise((r) => setTimeout(r, 250));
  }

  // The projector, as `npm run dev` runs it: order events -> read models (the test tables).
  const projector = spawn('npx', ['tsx', 'scripts/projector.ts'], {
    env: { ...process.env },
    stdio: ['ignore', 'ignore', 'inherit'],
    detached: true,
  });

  return async () => {
    if (projector.pid) process.kill(-projector.pid, 'SIGTERM');
    stopOffline();
    await new Promise((r) => setTimeout(r, 300));
  };
}
