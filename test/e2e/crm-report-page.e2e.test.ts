import '../support/env';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceHistory } from '#shared/crm/service-history';
import { CRM, MARKUP_DETAILS } from '../../scripts/lib/seed/hr';
import { launchBrowser, watchedPage } from '../support/browser';
import { E2E_BASE_URL } from '../support/env';
import { apiAs } from '../support/http';
import { bearer, staffToken } from '../support/tokens';

const api = apiAs(await staffToken());

describe.each([
  ['new (DocumentDB)', '/crm/customers'],
  ['legacy (RDBMS)', '/legacy/crm/customers'],
])('the %s report page in headless Chromium', (_name, base) => {
  let browser: Browser;
  let page: Page;
  let dialogs: string[];
  let requests: string[];

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page, dialogs, requests } = await watchedPage(browser));
    // Staff, as the CRM viewer (/crm) would send: a navigation carries no token of its own.
    await page.setExtraHTTPHeaders(bearer(await staffToken()));
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Navigates as a user would: the browser's own Accept header asks for HTML. */
  const open = async (custId: number) => {
    const res = await page.goto(`${E2E_BASE_URL}${base}/${custId}/service-history`);
    expect(res?.status()).toBe(200);
    expect(res?.headers()['content-type']).toMatch(/^text\/html/);
  };
  const rowIds = () =>
    page
      .locator('#calls tbody tr')
      .evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-csh-id'))));

  it('shows Mary Schaefer with every pre-2019 call, oldest first, line breaks kept', async () => {
    const { body } = await api<ServiceHistory>('GET', `${base}/1/service-history`);
    await open(1);
    expect(await page.locator('#name').textContent()).toBe('Mary Schaefer');
    expect(await page.title()).toContain('Mary Schaefer');
    expect(await rowIds()).toEqual(body.calls.map((c) => c.cshId));
    const first = page.locator('#calls tbody tr').first().locator('td.details');
    expect(await first.textContent()).toBe(body.calls[0]!.details);
    // Rendered with its line breaks: the visible text has as many lines as DETAILS.
    const shown = await first.innerText();
    expect(shown.split('\n').length).toBe(body.calls[0]!.details.split('\n').length);
    expect(await page.locator('#summary').textContent()).toContain(`${body.calls.length} call`);
  });

  it('shows pasted <script> and "><img onerror=...> as text and runs none of it', async () => {
    await open(CRM.markupCustomer);
    const cell = page.locator('#calls td.details', { hasText: 'Customer pasted this' });
    expect(await cell.textContent()).toBe(MARKUP_DETAILS);
    expect(await page.locator('#calls script, #calls img, body script, body img').count()).toBe(0);
    await page.waitForTimeout(200); // give an onerror the chance it must not have
    expect(dialogs).toEqual([]);
    expect(requests.filter((u) => !u.includes('/service-history'))).toEqual([]); // no img src=x fetched
  });
});

describe('the CRM viewer (GET /crm) in headless Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
  });

  const signIn = async (page: Page, role: 'staff' | 'customer') => {
    await page.goto(`${E2E_BASE_URL}/crm`);
    await page.selectOption('#role', role);
    await page.fill('#customer-id', '1');
    await page.click('#signin-form button[type=submit]');
    await page.locator('#lookup').waitFor();
  };

  it.each([
    ['new', ''],
    ['legacy', '/legacy'],
  ])('signs staff in and shows the %s report of the customer they name, escaped', async (_name, source) => {
    const { page, dialogs } = await watchedPage(browser);
    await signIn(page, 'staff');
    await page.fill('#cust-id', '1');
    await page.selectOption('#source', source);
    await page.click('#lookup button[type=submit]');
    await expect(page.locator('#report #name').textContent()).resolves.toBe('Mary Schaefer');
    expect(await page.locator('#report #calls tbody tr').count()).toBeGreaterThan(0);
    await page.fill('#cust-id', String(CRM.markupCustomer));
    await page.click('#lookup button[type=submit]');
    const cell = page.locator('#report #calls td.details', { hasText: 'Customer pasted this' });
    expect(await cell.textContent()).toBe(MARKUP_DETAILS);
    expect(await page.locator('#report script, #report img').count()).toBe(0);
    expect(dialogs).toEqual([]);
    await page.close();
  });

  it('tells a customer the CRM is not theirs (403), and shows nothing', async () => {
    const { page } = await watchedPage(browser);
    await signIn(page, 'customer');
    await page.click('#lookup button[type=submit]');
    await page.waitForFunction(() => document.getElementById('error')?.textContent !== '');
    expect(await page.locator('#error').textContent()).toMatch(/staff/);
    expect(await page.locator('#report #name').count()).toBe(0);
    await page.close();
  });
});
