import { describe, expect, it } from 'vitest';
import { renderServiceHistoryPage } from '#shared/crm/report-page';
import { toServiceHistory, type ArchivedCall } from '#shared/crm/service-history';
import { NotFoundError } from '#shared/platform/errors';
import { escapeHtml } from '#shared/platform/http/escape';
import { MARKUP_DETAILS } from '../../scripts/lib/seed/hr';

const call = (cshId: number, callDate: string, over: Partial<ArchivedCall> = {}): ArchivedCall => ({
  custId: 7,
  name: 'Mary Schaefer',
  email: 'mary@example.com',
  phoneNumber: '010-1234-5678',
  address: '1 Main St, Seoul',
  royalty: 'Gold',
  cshId,
  callDate,
  details: `call ${cshId}`,
  ...over,
});

describe('toServiceHistory', () => {
  it('puts the customer once and every call oldest first, same instants in id order', () => {
    const h = toServiceHistory(7, [
      call(3, '2018-02-01T00:00:00.000Z'),
      call(9, '2017-05-05T10:00:00.000Z'),
      call(2, '2017-05-05T10:00:00.000Z'),
    ]);
    expect(h.calls.map((c) => c.cshId)).toEqual([2, 9, 3]);
    const { cshId: _id, callDate: _date, details: _details, ...customer } = call(3, '');
    expect(h.customer).toEqual(customer);
    expect(Object.keys(h.calls[0]!)).toEqual(['cshId', 'callDate', 'details']);
  });

  it('takes the customer fields from the newest call (the freshest copy in the archive)', () => {
    const h = toServiceHistory(7, [
      call(5, '2018-01-01T00:00:00.000Z', { address: 'new address' }),
      call(1, '2016-09-01T00:00:00.000Z', { address: 'old address' }),
    ]);
    expect(h.customer.address).toBe('new address');
  });

  it('is NotFound without calls', () => {
    expect(() => toServiceHistory(7, [])).toThrow(NotFoundError);
  });
});

describe('escapeHtml', () => {
  it('escapes the five characters that matter in content and quoted attributes', () => {
    expect(escapeHtml(`<a href="x" title='y'>&</a>`)).toBe(
      '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;',
    );
    expect(escapeHtml(42)).toBe('42');
  });
});

describe('the report page', () => {
  const hostile = '"><img src=x onerror=alert(1)><script>alert(2)</script>';
  const history = toServiceHistory(7, [
    call(1, '2016-08-19T09:12:00.000Z', { details: MARKUP_DETAILS }),
    call(2, '2018-12-31T23:59:59.000Z', {
      name: hostile,
      email: hostile,
      phoneNumber: hostile,
      address: hostile,
      royalty: hostile,
      details: 'line one\nline two',
    }),
  ]);
  const page = renderServiceHistoryPage(history, { cutoff: new Date('2019-01-01'), source: 'test' });

  it('escapes every value: no markup from data survives', () => {
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<script>');
    expect(page).not.toMatch(/<[^>]*\bon\w+=/i); // no tag carries an event handler
    expect(page).toContain('&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;');
    expect(page).toContain(escapeHtml(hostile));
  });

  it('lists every call oldest first with its line breaks kept', () => {
    const rows = [...page.matchAll(/<tr data-csh-id="(\d+)">/g)].map((m) => Number(m[1]));
    expect(rows).toEqual([1, 2]);
    expect(page).toContain('line one\nline two');
    expect(page).toMatch(/td\.details \{ white-space: pre-wrap;/);
    expect(page).toContain('2 calls before 2019-01-01 from 2016-08-19 09:12 UTC to 2018-12-31 23:59 UTC');
  });
});
