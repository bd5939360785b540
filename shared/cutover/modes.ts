import * as z from 'zod';

/**
 * Which side answers a service while both run (README: Live migration): `legacy` the
 * RDBMS path, `new` the purpose-built store, `shadow` the legacy answer with the new
 * path read too and compared. Read at run time, so a switch (and the switch back, the
 * rollback) is a parameter write, not a deploy.
 */
export const SERVICE_MODES = ['legacy', 'shadow', 'new'] as const;
export type ServiceMode = (typeof SERVICE_MODES)[number];
export const CUTOVER_SERVICES = ['purchases', 'crm', 'hotdeals'] as const;
export type CutoverService = (typeof CUTOVER_SERVICES)[number];
export type ServiceModes = Record<CutoverService, ServiceMode>;

/** Until told otherwise every service answers from its new store (the contract's routes as built). */
export const DEFAULT_MODES: ServiceModes = { purchases: 'new', crm: 'new', hotdeals: 'new' };

const Mode = z.enum(SERVICE_MODES);
/** The stored document: any subset of services (the rest keep their defaults); nothing else. */
export const StoredModes = z.strictObject({
  purchases: Mode.optional(),
  crm: Mode.optional(),
  hotdeals: Mode.optional(),
});

export function parseModes(text: string, defaults: ServiceModes): ServiceModes {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new Error('the service modes are not JSON');
  }
  const parsed = StoredModes.safeParse(json);
  if (!parsed.success)
    throw new Error(
      `the service modes are not {"purchases"|"crm"|"hotdeals": "legacy"|"shadow"|"new"}: ${parsed.error.issues
        .map((i) => `${i.path.join('.')}: ${i.message}`)
        .join('; ')}`,
    );
  return { ...defaults, ...parsed.data };
}

/** Where the modes are kept: read whole (one document for the three services), written whole. */
export interface ModeStore {
  read(): Promise<ServiceModes>;
  write(modes: ServiceModes): Promise<void>;
  /**
   * One service's mode, the others' left as they are now: two switches at once (of two
   * services) must not undo each other (seen: a shadow switch of the hot deals lost to the
   * purchases' switch written from the same old read).
   */
  set(service: keyof ServiceModes, mode: ServiceModes[keyof ServiceModes]): Promise<void>;
}

export interface ModeSource {
  /** The service's mode, at most `ttlMs` old. */
  modeOf(service: CutoverService): Promise<ServiceMode>;
  /** The service's mode read now (a router that saw the mode change under it looks again). */
  freshModeOf(service: CutoverService): Promise<ServiceMode>;
}

/**
 * The modes as a container sees them: looked up again once older than `ttlMs`, so a switch
 * reaches every container within that. A store that cannot be read keeps the last modes
 * known (and the defaults before any): a lost parameter read must not switch a service.
 */
export function cachedModes(
  store: Pick<ModeStore, 'read'>,
  ttlMs: number,
  defaults: ServiceModes,
  onReadError: (err: unknown) => void = () => undefined,
  now: () => number = Date.now,
): ModeSource {
  let known: ServiceModes = defaults;
  let at = -Infinity;
  let loading: Promise<ServiceModes> | undefined;
  const load = (): Promise<ServiceModes> =>
    (loading ??= store
      .read()
      .then(
        (modes) => {
          known = modes;
          return modes;
        },
        (err: unknown) => {
          onReadError(err);
          return known;
        },
      )
      .finally(() => {
        at = now();
        loading = undefined;
      }));
  return {
    async modeOf(service) {
      if (now() - at < ttlMs) return known[service];
      return (await load())[service];
    },
    async freshModeOf(service) {
      return (await load())[service];
    },
  };
}
