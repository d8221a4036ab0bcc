import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from '../../support/app.ts';
import { launchChromium } from '../../support/browser.ts';

/** Drives the console page in real headless Chromium, as a newcomer would. */
describe('console in a real browser', () => {
  let t: TestApp;
  let browser: Browser;
  let page: Page;

  beforeAll(async () => {
    t = await startTestApp('pglite', {}, '2026-11-30T02:00:00Z', { startDelivery: true });
    browser = await launchChromium();
    page = await browser.newPage();
    await page.goto(t.app.url);
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  async function send(text: string) {
    await page.fill('#text', text);
    await page.press('#text', 'Enter');
  }

  it('an assistant logs a touch and a complaint through a form, and the manager sees the alert', async () => {
    await page.selectOption('#who', 'tom');
    await expect.poll(() => page.textContent('#send')).toBe('Send');

    await send('/kam touch "Acme Corp" call "Discussed the renewal" next="Send the quote" due=tomorrow');
    await page.locator('.entry', { hasText: 'Discussed the renewal' }).last().waitFor();
    expect(await page.locator('.entry.mine').last().textContent()).toContain('/kam touch');
    // The conversation reads in order: what tom typed, then the bot's answer.
    const classes = await page.locator('#log .entry').evaluateAll((els) => els.map((e) => e.className));
    expect(classes.slice(-2)).toEqual(['entry mine', 'entry']);

    await send('/kam feedback');
    const dialog = page.locator('#form-dialog');
    await dialog.waitFor({ state: 'visible' });
    await page.selectOption('select[name=account]', { label: 'Acme Corp' });
    await page.selectOption('select[name=score]', '2');
    await page.selectOption('select[name=category]', 'delivery');
    await page.selectOption('select[name=complaint]', 'yes');
    await page.fill('textarea[name=text]', 'Delivery was late twice this month');
    await page.click('#form-submit');
    await dialog.waitFor({ state: 'hidden' });
    await page.locator('.entry', { hasText: 'Wang Li' }).last().waitFor();

    await page.selectOption('#who', 'wang');
    const alert = page.locator('.entry', { hasText: 'Delivery was late twice this month' });
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain('Acme Corp');
    expect(await alert.textContent()).toContain('Tom Baker');
    expect(await page.getAttribute('html', 'lang')).toBe('zh-CN');

    await alert.locator('button').first().click();
    await expect.poll(async () => (await page.locator('.entry', { hasText: 'Delivery was late twice this month' }).allTextContents()).join(' '))
      .toMatch(/已受理|acknowledged/i);
  }, 90_000);

  it('shows inline errors on a form instead of a separate message', async () => {
    await page.selectOption('#who', 'tom');
    await send('/kam feedback');
    await page.locator('#form-dialog').waitFor({ state: 'visible' });
    await page.click('#form-submit');
    await expect.poll(() => page.locator('[data-error-for="text"]').textContent()).not.toBe('');
    expect(await page.locator('#form-dialog').isVisible()).toBe(true);
    await page.click('#form-cancel');
  }, 60_000);
});
