import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const TSX = fileURLToPath(new URL('../../node_modules/.bin/tsx', import.meta.url));

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs one of the project's CLIs (`tsx scripts/...`, as `npm run` does) as a user would, with extra env,
 * optionally killing it (SIGKILL, whole process group) once `killWhen` holds.
 */
export function runCli(
  args: string[],
  env: Record<string, string> = {},
  killWhen?: () => boolean,
): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    // tsx itself, not through npx (which costs a third of a second of npm per run).
    const child = spawn(TSX, args, {
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true, // its own process group: a kill reaches node, not just the npx wrapper
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = killWhen
      ? setInterval(() => {
          if (killWhen() && child.pid) process.kill(-child.pid, 'SIGKILL');
        }, 20)
      : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearInterval(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}
