// Signing out on a shared phone and on the staff app: unsent checks are warned about, stay
// on the phone and sync after the next sign-in; the token stops working on the server; each
// volunteer who shares the phone is sent what changed on their own checks.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { apiLogin, phonePage, useServerAndBrowser } from './harness.mjs';
import {
  AccessibilityLog, chooseStall, recordCheck, recordsOnServer, signIn, storedOnPhone, syncNow,
  waitAllSynced,
} from './volunteer.mjs';

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

test('a volunteer sharing a phone is sent the outcome of their check after another volunteer synced', async () => {
  execFileSync(path.join(import.meta.dirname, '..', 'target', 'release', 'stallside-server'), [
    'add-user', '--data-dir', ctx.server.dataDir, '--username', 'second-volunteer',
    '--display-name', 'Bo (volunteer)', '--role', 'volunteer', '--areas', 'E09000003,E09000019',
  ], { env: { ...process.env, STALLSIDE_PASSWORD: 'second-volunteer-pass' } });
  const { page } = await phonePage(ctx.browser);
  // The phone ran a version that kept one cursor for everyone.
  await page.goto(`${ctx.server.url}/manifest.webmanifest`);
  await page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('stallside', 1);
    open.onupgradeneeded = () => ['docs', 'records', 'meta'].forEach((name) => open.result.createObjectStore(name));
    open.onsuccess = () => {
      const tx = open.result.transaction('meta', 'readwrite');
      tx.objectStore('meta').put('987654', 'cursor');
      tx.oncomplete = () => { open.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
    open.onerror = () => reject(open.error);
  }));
  await page.goto(ctx.server.url);
  await signIn(page, 'volunteer', 'volunteer-demo');
  await chooseStall(page);
  await recordCheck(page, { readings: [[192, 122], [188, 121]], phone: '07700 900456' });
  await waitAllSynced(page);
  await menu(page, 'Sign out');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();

  // While Amina is signed out, a supervisor follows her severe reading up and closes it.
  const supervisor = (await apiLogin(ctx.server.url, 'supervisor', 'supervisor-demo')).token;
  const post = (url, body) => fetch(`${ctx.server.url}${url}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const flags = await (await fetch(`${ctx.server.url}/api/flags`, {
    headers: { authorization: `Bearer ${supervisor}` },
  })).json();
  const flag = flags.find((f) => f.band === 'severe');
  assert.equal((await post(`/api/flags/${flag.id}/claim`, {})).status, 200);
  assert.equal((await post(`/api/flags/${flag.id}/close`, { outcome: 'urgent_care' })).status, 200);

  // Bo takes the phone and syncs a check of their own: their pull goes past that change.
  // The stall chosen on the phone stays chosen.
  await signIn(page, 'second-volunteer', 'second-volunteer-pass');
  await page.getByRole('heading', { name: 'New check' }).waitFor();
  await recordCheck(page, { readings: [[121, 77]] });
  await waitAllSynced(page);
  await menu(page, 'Sign out');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();

  // Amina signs in again: her check shows the supervisor's outcome.
  await signIn(page, 'volunteer', 'volunteer-demo');
  await page.getByRole('heading', { name: 'New check' }).waitFor();
  await syncNow(page);
  await page.getByRole('button', { name: 'Checks' }).click();
  await page.getByTestId('outcome').filter({ hasText: 'Sent to urgent care' }).waitFor({ timeout: 20_000 });
  const cursors = (await storedOnPhone(page)).meta.filter((key) => key.startsWith('cursor'));
  assert.equal(cursors.length, 2, `a cursor a volunteer, the shared one gone: ${cursors}`);
  assert.ok(cursors.every((key) => key.startsWith('cursor:')), `${cursors}`);
});

test('staff sign out of their app too', async () => {
  const { page } = await phonePage(ctx.browser);
  await page.goto(`${ctx.server.url}/staff/`);
  await signIn(page, 'supervisor', 'supervisor-demo');
  await page.getByRole('heading', { name: 'Flagged readings' }).waitFor();
  await menu(page, 'Sign out');
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
});
