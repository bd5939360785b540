import { readFileSync } from 'node:fs';

/**
 * CPU time the whole machine has spent so far, every core and process, in ms (Linux
 * /proc/stat: user, nice, system, irq, softirq, steal; USER_HZ 100). Undefined where there
 * is no /proc/stat. Taken around a local run it says what the run cost on these cores: the
 * API, the stores and Artillery together, whatever queued behind what.
 */
export function machineCpuMs(): number | undefined {
  let line: string | undefined;
  try {
    line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  } catch {
    return undefined;
  }
  const f = line?.trim().split(/\s+/).slice(1, 9).map(Number) ?? [];
  if (f.length < 8 || f.some((n) => !Number.isFinite(n))) return undefined;
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = f;
  return (user + nice + system + irq + softirq + steal) * 10;
}
