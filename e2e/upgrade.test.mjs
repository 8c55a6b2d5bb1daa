// A phone that recorded a check offline on the version that kept each document and each
// entry in stores of their own opens this version: the check is still listed, still waiting,
// and goes to the server once the signal returns.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiLogin, phonePage, useServerAndBrowser } from './harness.mjs';
import { AccessibilityLog, chooseStall, openOfflineReady, recordCheck, recordsOnPhone, recordsOnServer, storedOnPhone, waitAllSynced } from './volunteer.mjs';

const ctx = useServerAndBrowser();

test('a check waiting on a phone of the first store layout is kept through the upgrade and synced', async () => {
  const axe = new AccessibilityLog();
  const { context, page } = await phonePage(ctx.browser);
  await openOfflineReady(page, ctx.server.url, axe);
  await chooseStall(page);
  await context.setOffline(true);
  await recordCheck(page, { readings: [[186, 118], [184, 117]], phone: '07700 900321', axe });
  const before = await recordsOnPhone(page);
  assert.equal(before.length, 1);

  // Away from the app (its service worker serves the manifest offline), the phone's store is
  // rewritten as the first version kept it: documents and entries apart, by record id.
  await page.goto(`${ctx.server.url}/manifest.webmanifest`);
  const moved = await page.evaluate(() => new Promise((resolve, reject) => {
    const done = (request) => new Promise((ok, fail) => {
      request.onsuccess = () => ok(request.result);
      request.onerror = () => fail(request.error);
    });
    (async () => {
      const now = await done(indexedDB.open('stallside'));
      const tx = now.transaction(['checks', 'meta'], 'readonly');
      const [ids, checks, names, values] = await Promise.all([
        done(tx.objectStore('checks').getAllKeys()),
        done(tx.objectStore('checks').getAll()),
        done(tx.objectStore('meta').getAllKeys()),
        done(tx.objectStore('meta').getAll()),
      ]);
      now.close();
      await done(indexedDB.deleteDatabase('stallside'));
      const open = indexedDB.open('stallside', 1);
      open.onupgradeneeded = () => ['docs', 'records', 'meta'].forEach((name) => open.result.createObjectStore(name));
      const v1 = await done(open);
      const write = v1.transaction(['docs', 'records', 'meta'], 'readwrite');
      ids.forEach((id, i) => {
        write.objectStore('docs').put(checks[i].doc, id);
        write.objectStore('records').put(checks[i].entry, id);
      });
      names.forEach((name, i) => write.objectStore('meta').put(values[i], name));
      write.oncomplete = () => { v1.close(); resolve(ids.length); };
      write.onerror = () => reject(write.error);
    })().catch(reject);
  }));
  assert.equal(moved, 1);

  await page.goto(ctx.server.url);
  const after = await recordsOnPhone(page);
  assert.deepEqual(after, before, 'the same check, still on this phone only');
  const stored = await storedOnPhone(page);
  assert.deepEqual(Object.keys(stored).sort(), ['checks', 'meta'], 'the old stores are gone');
  await axe.check(page, 'checks after the upgrade');

  await context.setOffline(false);
  await waitAllSynced(page);
  const coordinator = await apiLogin(ctx.server.url, 'coordinator', 'coordinator-demo');
  const onServer = await recordsOnServer(ctx.server.url, coordinator.token);
  assert.equal(onServer.length, 1);
  assert.deepEqual(axe.found, []);
});
