import { describe, expect, it } from 'vitest';
import { CRM, generateCrm, MARKUP_DETAILS } from '../../scripts/lib/seed/hr';

describe('the CRM seed data set', () => {
  const data = generateCrm();
  const cutoff = new Date('2019-01-01T00:00:00Z');
  const before = data.calls.filter((c) => c.call_date < cutoff);
  const after = data.calls.filter((c) => c.call_date >= cutoff);

  it('has exactly 4,286 calls before 2019-01-01, from 2016-08-19 to 2018-12-31, and more after', () => {
    expect(before).toHaveLength(4286);
    expect(before[0]!.call_date.toISOString().slice(0, 10)).toBe('2016-08-19');
    expect(before.at(-1)!.call_date.toISOString().slice(0, 10)).toBe('2018-12-31');
    expect(Math.min(...before.map((c) => c.call_date.getTime()))).toBe(CRM.oldestCall);
    expect(Math.max(...before.map((c) => c.call_date.getTime()))).toBe(CRM.newestArchivedCall);
    expect(after).toHaveLength(714);
    // One call at exactly the cut-off: it is not archived.
    expect(after.some((c) => c.call_date.getTime() === cutoff.getTime())).toBe(true);
  });

  it('numbers calls in time order and gives customer 1 to Mary Schaefer', () => {
    expect(data.calls.map((c) => c.csh_id)).toEqual(data.calls.map((_, i) => i + 1));
    const times = data.calls.map((c) => c.call_date.getTime());
    expect(times).toEqual([...times].sort((a, b) => a - b));
    expect(data.customers[0]?.name).toBe('Mary Schaefer');
  });

  it('gives every archived customer a call before the cut-off, and 2019 customers none', () => {
    const archived = new Set(before.map((c) => c.cust_id));
    expect(archived.size).toBe(CRM.archivedCustomers);
    for (let id = CRM.archivedCustomers + 1; id <= CRM.archivedCustomers + CRM.newCustomers; id++)
      expect(archived.has(id)).toBe(false);
  });

  it('has multi-line DETAILS and one call with pasted markup, for customer 2 before the cut-off', () => {
    expect(data.calls.every((c) => c.details.includes('\n'))).toBe(true);
    const markup = data.calls.filter((c) => c.details === MARKUP_DETAILS);
    expect(markup).toHaveLength(1);
    expect(markup[0]).toMatchObject({ cust_id: CRM.markupCustomer });
    expect(markup[0]!.call_date < cutoff).toBe(true);
  });

  it('is the same on every run (fixed seed)', () => {
    expect(generateCrm()).toEqual(data);
  });
});
