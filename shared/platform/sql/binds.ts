import type { Bind, Binds } from './types';

const BIND = /(?<![:\w]):([A-Za-z_]\w*)/g;

/** Rewrites `:name` binds to PostgreSQL's `$n`, returning the order of names. Cached per text. */
const pgCache = new Map<string, { text: string; names: string[] }>();
export function toPostgres(sql: string): { text: string; names: string[] } {
  let hit = pgCache.get(sql);
  if (!hit) {
    const names: string[] = [];
    const text = sql.replace(BIND, (_m, name: string) => {
      let i = names.indexOf(name);
      if (i < 0) i = names.push(name) - 1;
      return `$${i + 1}`;
    });
    hit = { text, names };
    pgCache.set(sql, hit);
  }
  return hit;
}

export function bindValues(names: readonly string[], binds: Binds): Bind[] {
  return names.map((n) => {
    if (!(n in binds)) throw new Error(`missing bind variable :${n}`);
    return binds[n] as Bind;
  });
}
