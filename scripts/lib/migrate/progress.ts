/**
 * Progress for long work: one self-rewriting line on a terminal, a plain line every few
 * seconds otherwise (CI logs, pipes). Shows done/total, rate and ETA.
 */
export class Progress {
  private readonly started = performance.now();
  private lastPrint = 0;
  private done = 0;
  /** Done before this run (resumed work): counted in the total, not in the rate. */
  private skipped = 0;

  constructor(
    private readonly label: string,
    private readonly total: number,
    private readonly unit: string,
    /** null: silent. */
    private readonly out: NodeJS.WriteStream | null = process.stderr,
  ) {}

  skip(n: number): void {
    this.skipped += n;
  }

  add(n: number): void {
    this.done += n;
    const now = performance.now();
    const interval = this.out?.isTTY ? 200 : 2000;
    if (now - this.lastPrint >= interval) {
      this.lastPrint = now;
      this.print(false);
    }
  }

  finish(): number {
    this.print(true);
    return (performance.now() - this.started) / 1000;
  }

  private print(final: boolean): void {
    if (!this.out) return;
    const secs = (performance.now() - this.started) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const all = this.done + this.skipped;
    const pct = this.total > 0 ? Math.min(100, (100 * all) / this.total) : 100;
    const eta = rate > 0 ? Math.max(0, (this.total - all) / rate) : 0;
    const line =
      `${this.label}: ${all.toLocaleString('en-US')}/${this.total.toLocaleString('en-US')} ${this.unit}` +
      ` (${pct.toFixed(1)}%) ${Math.round(rate).toLocaleString('en-US')} ${this.unit}/s` +
      (final ? ` in ${secs.toFixed(1)} s` : ` ETA ${eta.toFixed(0)} s`);
    if (this.out.isTTY) this.out.write(`\r\x1b[2K${line}${final ? '\n' : ''}`);
    else this.out.write(line + '\n');
  }
}
