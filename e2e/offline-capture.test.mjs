// The volunteer's day: sign in online, lose signal (and the server), record three checks,
// reload offline, come back online, sync, and see the supervisor's outcome.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { apiLogin, artifacts, phonePage, startServer, useServerAndBrowser } from './harness.mjs';
import { AccessibilityLog, chooseStall, openOfflineReady, recordCheck, recordsOnPhone, recordsOnServer, syncNow, waitAllSynced } from './volunteer.mjs';

const ctx = useServerAndBrowser();

test('three checks recorded offline survive a reload and sync when the signal returns', async () => {
  const axe = new AccessibilityLog();
  const { context, page } = await phonePage(ctx.browser);

  await openOfflineReady(page, ctx.server.url, axe);
  await chooseStall(page);

  // No signal, and the server is down too.
  const port = ctx.server.port;
  const dataDir = ctx.server.dataDir;
  await ctx.server.kill();
  await context.setOffline(true);

  const shots = path.join(artifacts, 'capture');
  const bands = [];
  bands.push(await recordCheck(page, { readings: [[122, 78]], axe, screenshots: `${shots}-normal` }));
  bands.push(await recordCheck(page, { readings: [[152, 92], [148, 90]], axe }));
  bands.push(await recordCheck(page, { readings: [[190, 125], [186, 121]], phone: '07700 900123', axe, screenshots: `${shots}-severe` }));
  assert.deepEqual(bands, ['normal', 'stage1', 'severe']);
  assert.equal(await page.getByTestId('syncbar').getAttribute('data-unsynced'), '3');

  await page.reload();
  let onPhone = await recordsOnPhone(page);
  await axe.check(page, 'records');
  await page.screenshot({ path: path.join(artifacts, 'records-offline.png'), fullPage: true });
  assert.equal(onPhone.length, 3);
  assert.ok(onPhone.every((r) => r.status === 'On this phone'), JSON.stringify(onPhone));
  assert.match(await page.getByTestId('syncbar').textContent(), /3 checks on this phone only/);

  // Signal and server back.
  ctx.server = await startServer({ dataDir, port });
  await context.setOffline(false);
  await waitAllSynced(page);
  onPhone = await recordsOnPhone(page);
  assert.ok(onPhone.every((r) => r.status === 'Synced'), JSON.stringify(onPhone));
  const coordinator = await apiLogin(ctx.server.url, 'coordinator', 'coordinator-demo');
  assert.equal((await recordsOnServer(ctx.server.url, coordinator.token)).length, 3);

  // A supervisor follows up the severe reading through the API.
  const supervisor = await apiLogin(ctx.server.url, 'supervisor', 'supervisor-demo');
  const call = async (method, url, body) => {
    const response = await fetch(`${ctx.server.url}${url}`, {
      method,
      headers: { 'content-type': 'application/json', authorization: `Bearer ${supervisor.token}` },
      body: body && JSON.stringify(body),
    });
    assert.equal(response.status, 200, `${method} ${url}`);
    return response.json();
  };
  const queue = await call('GET', '/api/flags');
  const severe = queue.find((f) => f.band === 'severe');
  assert.ok(severe, JSON.stringify(queue));
  await call('POST', `/api/flags/${severe.id}/claim`, {});
  assert.equal((await call('GET', `/api/flags/${severe.id}/contact`)).phone, '07700900123');
  await call('POST', `/api/flags/${severe.id}/attempts`, { reached: true });
  await call('POST', `/api/flags/${severe.id}/close`, { outcome: 'urgent_care' });

  await syncNow(page);
  await page.getByTestId('outcome').filter({ hasText: 'Supervisor: Sent to urgent care' }).waitFor({ timeout: 20_000 });
  onPhone = await recordsOnPhone(page);
  assert.equal(onPhone.find((r) => r.band === 'severe').outcome, 'Supervisor: Sent to urgent care');
  await page.screenshot({ path: path.join(artifacts, 'records-synced.png'), fullPage: true });

  assert.deepEqual(axe.found, []);
});
