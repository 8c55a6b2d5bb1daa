// Smoke: the served app opens at a phone viewport in Chromium.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { artifacts, phonePage, useServerAndBrowser } from './harness.mjs';

const ctx = useServerAndBrowser();

test('the app opens on a phone and shows the NHS header', async () => {
  const { page } = await phonePage(ctx.browser);
  const errors = [];
  page.on('pageerror', (e) => errors.push(e.message));
  await page.goto(ctx.server.url);
  await page.getByRole('banner').waitFor();
  await page.locator('h1').first().waitFor();
  assert.match(await page.title(), /Stallside/);
  const width = await page.evaluate(() => document.documentElement.scrollWidth);
  assert.ok(width <= 390, `no sideways scrolling on a phone (page is ${width}px wide)`);
  await page.screenshot({ path: path.join(artifacts, 'smoke-phone.png'), fullPage: true });
  assert.deepEqual(errors, []);
});
