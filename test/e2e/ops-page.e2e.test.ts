import '../support/env';
import { randomInt } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, watchedPage } from '../support/browser';
import { E2E_BASE_URL } from '../support/env';
import { apiAs, orderAs } from '../support/http';
import { adminToken } from '../support/tokens';

/**
 * Issue 25: the live operations page (GET /ops, local stage) in headless Chromium during a
 * rush: orders/s and the stock left move while it runs, and the page ends at what the
 * rush sold. Its charts come from the page itself (uPlot from npm): no request leaves the
 * API. A screenshot mid-rush is kept under .local/screenshots.
 */
const asAdmin = apiAs(await adminToken());
const STOCK = 400;
const BUYERS = 60;
const ORDERS = 600;

let browser: Browser;
let page: Page;
let requests: string[];

const figure = async (id: string) => (await page.locator(`#${id}`).textContent())?.trim() ?? '';

beforeAll(async () => {
  browser = await launchBrowser();
  ({ page, requests } = await watchedPage(browser));
});
afterAll(async () => {
  await browser?.close();
});

describe('the live operations page in headless Chromium', () => {
  it('shows orders/s and the stock left moving during a rush, and ends at what it sold', async () => {
    const productId = randomInt(100_000, 2_000_000_000);
    expect((await asAdmin('PUT', `/hotdeals/${productId}`, { quantity: STOCK })).status).toBe(200);
    await page.goto(`${E2E_BASE_URL}/ops`);
    await expect.poll(() => figure('updated'), { timeout: 10_000 }).toMatch(/\d+:\d+/);
    const soldBefore = Number(await figure('sold-new'));

    // The rush: BUYERS callers, each ordering again when answered, until ORDERS are answered.
    let next = 0;
    let sold = 0;
    const seen = { placedPerSecond: new Set<string>(), remaining: new Set<string>() };
    let watching = true;
    const watcher = (async () => {
      while (watching) {
        seen.placedPerSecond.add(await figure('placed-per-s-new'));
        seen.remaining.add(await figure('remaining-new'));
        await new Promise((r) => setTimeout(r, 250));
      }
    })();
    let shot = false;
    await Promise.all(
      Array.from({ length: BUYERS }, async () => {
        while (next < ORDERS) {
          const n = next++;
          const r = await orderAs(1 + (n % 500), `/hotdeals/${productId}/orders`);
          if (r.status === 201) sold++;
          if (n === ORDERS / 2 && !shot) {
            shot = true;
            await mkdir('.local/screenshots', { recursive: true });
            await page.screenshot({ path: '.local/screenshots/ops-page-rush.png', fullPage: true });
          }
        }
      }),
    );
    expect(sold).toBe(STOCK);
    // The page catches up within a couple of refreshes; then its figures are the rush's.
    await expect.poll(() => figure('remaining-new'), { timeout: 10_000 }).toBe('0');
    await expect
      .poll(async () => Number(await figure('sold-new')) - soldBefore, { timeout: 10_000 })
      .toBe(STOCK);
    watching = false;
    await watcher;
    // It moved while the rush ran: several different orders/s figures and stock counts seen.
    expect([...seen.placedPerSecond].filter((v) => Number(v) > 0).length).toBeGreaterThanOrEqual(1);
    expect(seen.remaining.size).toBeGreaterThanOrEqual(3);
    // The charts are drawn (uPlot canvases), and nothing was fetched from anywhere but the API.
    expect(await page.locator('#chart-orders-new canvas').count()).toBeGreaterThan(0);
    expect(requests.every((u) => u.startsWith(E2E_BASE_URL))).toBe(true);
  }, 120_000);
});
