/**
 * A calendar date `YYYY-MM-DD` as midnight UTC, or undefined when it is not a real date
 * (2019-02-30 is refused, not rolled over). The legacy TIMESTAMPs hold UTC wall-clock time,
 * so a cut-off date means the same instant on every path and in every time zone.
 */
export function parseUtcDate(text: string): Date | undefined {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(text)) return undefined;
  const date = new Date(`${text}T00:00:00.000Z`);
  return !Number.isNaN(date.getTime()) && date.toISOString().startsWith(text) ? date : undefined;
}
