import { createHash } from 'node:crypto';

/**
 * An order-independent content checksum of a set of records: the sum, modulo 2^64, of a
 * 64-bit hash of each record's canonical JSON (keys sorted). With the count alongside it,
 * a lost, duplicated or altered record changes the result.
 */
export class SetChecksum {
  count = 0;
  private sum = 0n;

  add(record: unknown): void {
    const digest = createHash('sha256').update(canonicalJson(record)).digest();
    this.sum = (this.sum + digest.readBigUInt64BE(0)) & 0xffff_ffff_ffff_ffffn;
    this.count++;
  }

  merge(other: { count: number; sum: string }): void {
    this.count += other.count;
    this.sum = (this.sum + BigInt(`0x${other.sum}`)) & 0xffff_ffff_ffff_ffffn;
  }

  toJSON(): { count: number; sum: string } {
    return { count: this.count, sum: this.sum.toString(16).padStart(16, '0') };
  }
}

/** JSON with object keys sorted at every level, so equal content gives equal text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
