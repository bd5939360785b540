import { readdirSync, readFileSync } from 'node:fs';

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

/** The processes a local run is made of, as the CPU split names them. */
export const CPU_ROLES = [
  'api',
  'dynamodb',
  'ferretdb',
  'postgres',
  'redis',
  'projector',
  'sweeper',
  'audit',
  'capture',
  'load',
  'bench',
] as const;
export type CpuRole = (typeof CPU_ROLES)[number];

/** Which role a process plays, by its command line (undefined: not one of the run's). */
function roleOf(cmdline: string): CpuRole | undefined {
  if (/serverless(\.js)? offline/.test(cmdline)) return 'api';
  if (/DynamoDBLocal|dynamodb\.services\.local/.test(cmdline)) return 'dynamodb';
  if (/ferretdb/.test(cmdline)) return 'ferretdb';
  if (/^postgres|\/postgres /.test(cmdline)) return 'postgres';
  if (/^redis-server/.test(cmdline)) return 'redis';
  if (/scripts\/projector\.ts/.test(cmdline)) return 'projector';
  if (/scripts\/sweeper\.ts/.test(cmdline)) return 'sweeper';
  if (/scripts\/audit\.ts/.test(cmdline)) return 'audit';
  if (/scripts\/migrate\.ts.*--follow/.test(cmdline)) return 'capture';
  if (/artillery/.test(cmdline)) return 'load';
  if (/scripts\/bench\.ts/.test(cmdline)) return 'bench';
  return undefined;
}

/**
 * CPU time (user + system, ms) each role's processes have spent so far, from
 * /proc/<pid>/stat (a process that exits between two readings is not counted: the
 * stores, the API and the generator live through a run). Undefined without /proc.
 */
export function processCpuMs(apiPort?: number): Record<CpuRole, number> | undefined {
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((p) => /^\d+$/.test(p));
  } catch {
    return undefined;
  }
  const out = Object.fromEntries(CPU_ROLES.map((r) => [r, 0])) as Record<CpuRole, number>;
  for (const pid of pids) {
    try {
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ').trim();
      const role = roleOf(cmdline);
      if (!role) continue;
      // With a port: only the API serving the run is `api` (another one idling beside it is
      // not the run's: the dev API while a second one serves a scenario).
      if (role === 'api' && apiPort !== undefined && !cmdline.includes(`--httpPort ${apiPort}`)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      // After the command: state is field 3, utime 14 and stime 15 (1-based), in USER_HZ (100).
      out[role] += (Number(fields[11]) + Number(fields[12])) * 10;
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
