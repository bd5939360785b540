import * as z from 'zod';

const DepState = z.enum(['ok', 'down']);
export type DepState = z.infer<typeof DepState>;

/** GET /health: every store's state (the one definition: type inferred, OpenAPI generated). */
export const Health = z.object({
  status: z.enum(['ok', 'degraded']),
  deps: z.object({ dynamodb: DepState, redis: DepState, mongo: DepState, legacy: DepState }),
});
export type Health = z.infer<typeof Health>;

/** One check per store: it resolves when the store answers. */
export type HealthProbes = Record<keyof Health['deps'], () => Promise<unknown>>;

const PROBE_TIMEOUT_MS = 1500;

/** Probes one store; a store that errors or answers too slowly is "down". */
async function probe(check: () => Promise<unknown>): Promise<DepState> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('timeout')), PROBE_TIMEOUT_MS);
  });
  try {
    await Promise.race([check(), timeout]);
    return 'ok';
  } catch {
    return 'down';
  } finally {
    clearTimeout(timer);
  }
}

/** Checks every store in parallel. */
export async function checkHealth(probes: HealthProbes): Promise<Health> {
  const [dynamodb, redis, mongo, legacy] = await Promise.all([
    probe(probes.dynamodb),
    probe(probes.redis),
    probe(probes.mongo),
    probe(probes.legacy),
  ]);
  const allOk = [dynamodb, redis, mongo, legacy].every((s) => s === 'ok');
  return { status: allOk ? 'ok' : 'degraded', deps: { dynamodb, redis, mongo, legacy } };
}
