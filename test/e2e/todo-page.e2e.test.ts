import '../support/env';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Todo } from '#shared/todos/todo';
import { launchBrowser, watchedPage } from '../support/browser';
import { E2E_BASE_URL } from '../support/env';
import { apiAs } from '../support/http';
import { customerToken, tokenFor } from '../support/tokens';

const expiredToken = () => tokenFor('customer', 1, -3600);

const api = apiAs(await customerToken(1));

describe('the todo page in headless Chromium', () => {
  let browser: Browser;
  let page: Page;
  let dialogs: string[];

  beforeAll(async () => {
    browser = await launchBrowser();
    ({ page, dialogs } = await watchedPage(browser));
  });
  afterAll(async () => {
    await browser?.close();
  });

  /** Opens the page signed in (the sign-in form asks the dev issuer, as a user would). */
  const open = async () => {
    await page.goto(E2E_BASE_URL + '/');
    if (await page.locator('#signin').isVisible()) {
      await page.selectOption('#role', 'customer');
      await page.fill('#customer-id', '1');
      await page.click('#signin-form button[type=submit]');
    }
    await page.waitForSelector('body[data-loaded="true"]');
  };
  const rowOf = (id: number) => page.locator(`li[data-id="${id}"]`);

  it('asks who you are first, shows nothing before, and signs in and out', async () => {
    const fresh = await browser.newPage();
    const calls: string[] = [];
    fresh.on('request', (r) => calls.push(new URL(r.url()).pathname));
    await fresh.goto(E2E_BASE_URL + '/');
    await fresh.locator('#signin-form').waitFor();
    expect(await fresh.locator('#app').isVisible()).toBe(false);
    expect(calls.filter((p) => p.startsWith('/todos'))).toEqual([]);
    await fresh.selectOption('#role', 'staff');
    await fresh.click('#signin-form button[type=submit]');
    await fresh.waitForSelector('body[data-loaded="true"]');
    expect(await fresh.locator('#who-text').textContent()).toBe('Signed in as staff');
    await fresh.click('#signout');
    await fresh.locator('#signin-form').waitFor();
    expect(await fresh.evaluate(() => sessionStorage.getItem('oshop.idToken'))).toBeNull();
    // An expired token in the tab: back to the form, with a word about why.
    await fresh.evaluate((t) => sessionStorage.setItem('oshop.idToken', t), await expiredToken());
    await fresh.reload();
    await fresh.locator('#signin-form').waitFor();
    expect(await fresh.locator('#error').textContent()).toMatch(/expired/);
    await fresh.close();
  });

  it('lists, adds, completes and deletes todos', async () => {
    const existing = await api<Todo>('POST', '/todos', { title: 'already there' });
    await open();
    await expect(rowOf(existing.body.id).locator('.title').textContent()).resolves.toBe('already there');

    await page.fill('#title', 'added in the browser');
    await page.click('#add button[type=submit]');
    const added = page.locator('li', { hasText: 'added in the browser' });
    await added.waitFor();
    const id = Number(await added.getAttribute('data-id'));
    expect((await api<Todo>('GET', `/todos/${id}`)).body.title).toBe('added in the browser');

    await added.locator('input[type=checkbox]').check();
    await page.waitForSelector(`li[data-id="${id}"].done`);
    expect((await api<Todo>('GET', `/todos/${id}`)).body.completed).toBe(true);

    await added.locator('button', { hasText: 'Delete' }).click();
    await added.waitFor({ state: 'detached' });
    expect((await api('GET', `/todos/${id}`)).status).toBe(404);
  });

  it('shows the API error for an empty title and adds nothing', async () => {
    await open();
    const before = await page.locator('li').count();
    await page.fill('#title', '   ');
    await page.click('#add button[type=submit]');
    await page.waitForFunction(() => document.getElementById('error')?.textContent !== '');
    expect(await page.locator('#error').textContent()).toMatch(/title/);
    expect(await page.locator('li').count()).toBe(before);
  });

  it('shows markup in a title as text and runs none of it', async () => {
    const evil = `<img src=x onerror="alert('xss')"><script>alert('xss')</script>`;
    const created = await api<Todo>('POST', '/todos', { title: evil });
    await open();
    await expect(rowOf(created.body.id).locator('.title').textContent()).resolves.toBe(evil);
    expect(await rowOf(created.body.id).locator('img, script').count()).toBe(0);
    expect(dialogs).toEqual([]);
  });
});
