/**
 * What lets change batches overlap safely. The apply code writes whole state re-read from
 * the legacy database, so any write whose read came after a batch's commits holds every
 * change up to them. Two batches in flight at once (a product's fan-out of batch k still
 * rewriting while batch k+1's new purchases are applied) can still race on one item: k's
 * older copy landing after k+1's newer one. `ItemWrites` orders the writes per item key:
 * a write waits for another write of the same key already in flight, and a batch's write
 * is dropped when a later batch has written that key (its copy is at least as new).
 */
export class ItemWrites {
  /** Key -> the latest batch that wrote it. */
  private readonly latest = new Map<string, number>();
  private readonly inFlight = new Map<string, Promise<void>>();

  /**
   * Sends `items` (those still current for batch `seq`) with `send`, after any write of
   * the same keys already under way. Resolves with the items it sent.
   */
  async write<T>(
    seq: number,
    items: T[],
    keyOf: (item: T) => string,
    send: (current: T[]) => Promise<void>,
  ): Promise<T[]> {
    for (;;) {
      const pending = items.flatMap((i) => this.inFlight.get(keyOf(i)) ?? []);
      if (pending.length === 0) break;
      await Promise.all(pending);
    }
    // From here to the registration below nothing yields: no other write can slip between.
    const current = items.filter((i) => {
      const key = keyOf(i);
      if ((this.latest.get(key) ?? -1) > seq) return false;
      this.latest.set(key, seq);
      return true;
    });
    if (current.length === 0) return current;
    const sending = send(current);
    const settled = sending.then(
      () => undefined,
      () => undefined,
    );
    for (const i of current) this.inFlight.set(keyOf(i), settled);
    try {
      await sending;
    } finally {
      for (const i of current) if (this.inFlight.get(keyOf(i)) === settled) this.inFlight.delete(keyOf(i));
    }
    return current;
  }

  /** Every batch up to `seq` is done: its marks can never stop a write again. */
  forgetThrough(seq: number): void {
    if (this.latest.size < 50_000) return; // a sweep costs a pass over the map
    for (const [key, s] of this.latest) if (s <= seq) this.latest.delete(key);
  }
}

/**
 * Runs at most `n` tasks at a time, urgent ones first, and at most `laterMax` of the later
 * ones: the legacy pool and DynamoDB are shared by every batch in flight, and a new
 * purchase must not queue behind a popular product's hundreds of rewrites, here or in
 * DynamoDB's own request queue.
 */
export function priorityLimiter(n: number, laterMax = n) {
  let active = 0;
  let activeLater = 0;
  const urgent: (() => void)[] = [];
  const later: (() => void)[] = [];
  // A freed slot is handed over (counted here, before the waiter wakes), so none is given twice.
  const startNext = () => {
    while (active < n) {
      const next = urgent.shift();
      if (next) {
        active++;
        next();
        continue;
      }
      const page = activeLater < laterMax ? later.shift() : undefined;
      if (!page) return;
      active++;
      activeLater++;
      page();
    }
  };
  return async <T>(task: () => Promise<T>, priority: 'urgent' | 'later' = 'urgent'): Promise<T> => {
    const isLater = priority === 'later';
    if (active < n && (isLater ? activeLater < laterMax && later.length === 0 : urgent.length === 0)) {
      active++;
      if (isLater) activeLater++;
    } else await new Promise<void>((resolve) => (isLater ? later : urgent).push(resolve));
    try {
      return await task();
    } finally {
      active--;
      if (isLater) activeLater--;
      startNext();
    }
  };
}
export type PriorityLimiter = ReturnType<typeof priorityLimiter>;
