// Signing out on a shared phone and on the staff app: unsent checks are warned about, stay
// on the phone and sync after the next sign-in; the token stops working on the server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiLogin, phonePage, useServerAndBrowser } from './harness.mjs';
import { AccessibilityLog, chooseStall, recordCheck, recordsOnServer, signIn, waitAllSynced } from './volunteer.mjs';

const ctx = useServerAndBrowser();
const menu = (page, name) => page.getByRole('navigation').getByRole('button', { name }).click();

test('signing out keeps unsent checks and warns first', async () => {
  const axe = new AccessibilityLog();
  const { context, page } = await phonePage(ctx.browser);
  await page.goto(ctx.server.url);
  await signIn(page, 'volunteer', 'volunteer-demo');
  await chooseStall(page);
  await context.setOffline(true);
  await recordCheck(page, { readings: [[121, 77]] });

  await menu(page, 'Sign out');
  const warning = page.getByTestId('signout-warning');
  await warning.waitFor();
  assert.match(await warning.textContent(), /1 checks are not on the server yet/);
  await axe.check(page, 'sign-out warning');
  await page.getByRole('button', { name: 'Stay signed in' }).click();
  await warning.waitFor({ state: 'detached' });
  await menu(page, 'Sign out');
  await page.getByRole('button', { name: 'Sign out anyway' }).click();
  await page.getByText('1 checks are on this phone and will be sent when you sign in.').waitFor();

  await context.setOffline(false);
  await signIn(page, 'volunteer', 'volunteer-demo');
  await waitAllSynced(page);
  const coordinator = await apiLogin(ctx.server.url, 'coordinator', 'coordinator-demo');
  assert.equal((await recordsOnServer(ctx.server.url, coordinator.token)).length, 1);

  // Online and with nothing waiting, signing out asks nothing and ends the token.
  const token = await page.evaluate(() => new Promise((resolve) => {
    const open = indexedDB.open('stallside');
    open.onsuccess = () => {
      const get = open.result.transaction('meta').objectStore('meta').get('session');
      get.onsuccess = () => resolve(JSON.parse(get.result).token);
    };
  }));
  await menu(page, 'Sign out');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  const me = await fetch(`${ctx.server.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  assert.equal(me.status, 401, 'the token no longer works');
  assert.deepEqual(axe.found, []);
});

test('staff sign out of their app too', async () => {
  const { page } = await phonePage(ctx.browser);
  await page.goto(`${ctx.server.url}/staff/`);
  await signIn(page, 'supervisor', 'supervisor-demo');
  await page.getByRole('heading', { name: 'Flagged readings' }).waitFor();
  await menu(page, 'Sign out');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
});
