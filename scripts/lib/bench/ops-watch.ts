import { existsSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';

/**
 * `npm run bench -- rush --ops-page`: the live operations page (GET /ops of the dev API)
 * open in headless Chromium while a rush's new path runs, as an operator would watch it:
 * what it showed (orders/s and the stock left, sampled twice a second), a screenshot half
 * way, and whether it ended at the bench's own sold count. Opt-in: the page's polling is
 * load on the dev API beside the measured one.
 */
export interface OpsPageWatch {
  /** The new side's orders placed per second the page showed, distinct values above 0. */
  placedPerSecond: number[];
  /** Distinct stock-left figures it showed during the rush. */
  remainingSeen: number;
  /** Units it counted sold during the rush, and the bench's count. */
  soldOnPage: number;
  soldByBench: number;
  matched: boolean;
  screenshot: string;
}

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export async function watchOpsPage(
  base: string,
  screenshot: string,
): Promise<{ shoot(): Promise<void>; finish(sold: number): Promise<OpsPageWatch> } | string> {
  if (!existsSync(CHROMIUM))
    return `no Chromium at ${CHROMIUM} (npm test installs it): the page was not watched`;
  const { chromium } = await import('playwright-core');
  const browser: Browser = await chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking'],
  });
  const page: Page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const figure = async (id: string) => (await page.locator(`#${id}`).textContent())?.trim() ?? '';
  try {
    await page.goto(`${base}/ops`);
    for (let waited = 0; !/\d+:\d+/.test(await figure('updated')); waited += 250) {
      if (waited > 10_000) throw new Error('the operations page did not update in 10 s');
      await new Promise((r) => setTimeout(r, 250));
    }
  } catch (err) {
    await browser.close();
    return `the operations page could not be watched: ${err instanceof Error ? err.message : String(err)}`;
  }
  const soldBefore = Number(await figure('sold-new'));
  const placed = new Set<number>();
  const remaining = new Set<string>();
  let watching = true;
  const sampling = (async () => {
    while (watching) {
      placed.add(Number(await figure('placed-per-s-new')));
      remaining.add(await figure('remaining-new'));
      await new Promise((r) => setTimeout(r, 500));
    }
  })();
  return {
    shoot: async () => {
      await page.screenshot({ path: screenshot, fullPage: true });
    },
    async finish(soldByBench) {
      // The page catches up within a couple of its one-second refreshes.
      let soldOnPage = 0;
      for (let waited = 0; waited <= 10_000; waited += 500) {
        soldOnPage = Number(await figure('sold-new')) - soldBefore;
        if (soldOnPage === soldByBench) break;
        await new Promise((r) => setTimeout(r, 500));
      }
      watching = false;
      await sampling;
      await browser.close();
      return {
        placedPerSecond: [...placed].filter((n) => n > 0).sort((a, b) => a - b),
        remainingSeen: remaining.size,
        soldOnPage,
        soldByBench,
        matched: soldOnPage === soldByBench,
        screenshot,
      };
    },
  };
}
