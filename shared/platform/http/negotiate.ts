import { AppError } from '../errors';

interface MediaRange {
  type: string;
  subtype: string;
  q: number;
}

function parseAccept(accept: string): MediaRange[] {
  const ranges: MediaRange[] = [];
  for (const part of accept.split(',')) {
    const [range = '', ...params] = part.split(';').map((s) => s.trim().toLowerCase());
    const [type, subtype] = range.split('/');
    if (!type || !subtype) continue;
    let q = 1;
    for (const p of params) {
      const m = /^q=([01](?:\.\d{0,3})?)$/.exec(p);
      if (m) q = Math.min(1, Number(m[1]));
    }
    ranges.push({ type, subtype, q });
  }
  return ranges;
}

/** The q an Accept header gives one media type: the most specific matching range wins (RFC 9110). */
function qualityOf(ranges: MediaRange[], mediaType: string): number {
  const [type, subtype] = mediaType.split('/');
  let best: { specificity: number; q: number } | undefined;
  for (const r of ranges) {
    const specificity =
      r.type === type && r.subtype === subtype
        ? 2
        : r.type === type && r.subtype === '*'
          ? 1
          : r.type === '*'
            ? 0
            : -1;
    if (specificity >= 0 && (!best || specificity > best.specificity)) best = { specificity, q: r.q };
  }
  return best?.q ?? 0;
}

/**
 * Picks what to answer from `offered` (first = the default): the highest q, ties to the
 * earlier offer. No Accept header means the default. A header that accepts none of them
 * is a 406 with the contract's JSON error body.
 */
export function negotiate<T extends string>(accept: string | undefined, offered: readonly [T, ...T[]]): T {
  if (!accept?.trim()) return offered[0];
  const ranges = parseAccept(accept);
  if (ranges.length === 0) return offered[0];
  let chosen: T | undefined;
  let bestQ = 0;
  for (const type of offered) {
    const q = qualityOf(ranges, type);
    if (q > bestQ) [chosen, bestQ] = [type, q];
  }
  if (!chosen)
    throw new AppError(406, 'NOT_ACCEPTABLE', `This resource is available as ${offered.join(' or ')}`);
  return chosen;
}
