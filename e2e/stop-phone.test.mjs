// A lost phone: its coordinator sees the checks still waiting on it and stops it; at its next
// sync it sends the checks it held, then erases everything on it and says so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiLogin, phonePage, useServerAndBrowser } from './harness.mjs';
import {
  AccessibilityLog, chooseStall, recordCheck, recordsOnServer, signIn, storedOnPhone,
} from './volunteer.mjs';

const ctx = useServerAndBrowser();
const LAPTOP = { width: 1280, height: 800 };

test('a stopped phone sends its checks, then erases itself', async () => {
  const axe = new AccessibilityLog();
  const { context, page } = await phonePage(ctx.browser);
  await page.goto(ctx.server.url);
  await signIn(page, 'volunteer', 'volunteer-demo');
  await chooseStall(page);
  const coordinatorToken = (await apiLogin(ctx.server.url, 'coordinator', 'coordinator-demo')).token;
  const devices = async () => (await fetch(`${ctx.server.url}/api/devices`, {
    headers: { authorization: `Bearer ${coordinatorToken}` },
  })).json();
  for (let i = 0; i < 100 && (await devices()).length === 0; i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  assert.equal((await devices()).length, 1, 'the phone reported itself at its first sync');

  await context.setOffline(true);
  await recordCheck(page, { readings: [[121, 77]] });
  await recordCheck(page, { readings: [[117, 74]] });
  await recordCheck(page, { readings: [[132, 84]] });

  // A weak signal: the phone says what it holds, but every upload is cut before it reaches
  // the server.
  await page.route('**/api/sync', (route) => route.abort('connectionreset'));
  const reported = page.waitForResponse((r) => r.url().endsWith('/api/devices/report'));
  await context.setOffline(false);
  assert.equal((await reported).status(), 204);

  // The phone is reported lost: its coordinator sees the 3 checks waiting on it and stops it,
  // confirming first.
  const laptop = await (await ctx.browser.newContext({ viewport: LAPTOP })).newPage();
  await laptop.goto(`${ctx.server.url}/staff/`);
  await signIn(laptop, 'coordinator', 'coordinator-demo');
  await laptop.getByRole('navigation').getByRole('button', { name: 'Phones' }).click();
  await laptop.getByTestId('phone').first().waitFor();
  assert.equal((await laptop.getByTestId('waiting').first().textContent()).trim(), '3', '3 checks waiting');
  assert.equal((await recordsOnServer(ctx.server.url, coordinatorToken)).length, 0, 'none reached the server');
  await axe.check(laptop, 'phones');
  await laptop.getByRole('button', { name: /Stop this phone/ }).click();
  await laptop.getByRole('button', { name: 'Yes, stop this phone' }).waitFor();
  await axe.check(laptop, 'phones (confirm stop)');
  await laptop.getByRole('button', { name: 'Yes, stop this phone' }).click();
  await laptop.getByTestId('stop-status').waitFor();
  assert.match(await laptop.getByTestId('stop-status').textContent(), /Stop asked/);

  // Signal returns: the phone sends all three, then erases itself.
  await page.unroute('**/api/sync');
  await context.setOffline(true);
  await context.setOffline(false);
  await page.getByTestId('stopped').waitFor({ timeout: 30_000 });
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await axe.check(page, 'sign-in after stop');
  assert.equal((await recordsOnServer(ctx.server.url, coordinatorToken)).length, 3);
  const stored = await storedOnPhone(page);
  assert.deepEqual(stored.checks, [], 'no checks (documents or entries) left');
  assert.ok(!stored.meta.includes('session'), `no session left: ${stored.meta}`);
  assert.ok(!stored.meta.some((key) => key.startsWith('cursor')), `no cursor left: ${stored.meta}`);

  await laptop.getByRole('button', { name: 'Refresh' }).click();
  await laptop.waitForFunction(() => /Stopped: told to erase itself/.test(document.body.textContent));

  // The stop is in the audit trail, under the coordinator's name.
  await laptop.getByRole('navigation').getByRole('button', { name: 'Audit' }).click();
  await laptop.getByLabel('Action').selectOption('device_stop');
  const row = laptop.getByTestId('audit-row').filter({ hasText: 'Stopped a phone' });
  await row.waitFor();
  assert.match(await row.textContent(), /Dev \(coordinator\)/);
  await axe.check(laptop, 'audit');
  assert.deepEqual(axe.found, []);
});
