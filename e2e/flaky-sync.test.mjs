// The connection drops in the middle of a sync: the server commits but the phone never hears
// back. Retries must deliver every record exactly once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiLogin, phonePage, useServerAndBrowser } from './harness.mjs';
import { chooseStall, recordCheck, recordsOnPhone, recordsOnServer, signIn, waitAllSynced } from './volunteer.mjs';

const ctx = useServerAndBrowser();

test('a sync cut off after the server committed delivers every record exactly once', async () => {
  const { context, page } = await phonePage(ctx.browser);
  await page.goto(ctx.server.url);
  await signIn(page, 'volunteer', 'volunteer-demo');
  await chooseStall(page);
  await context.setOffline(true);
  for (let i = 0; i < 4; i += 1) {
    await recordCheck(page, { readings: [[118 + i, 76]] });
  }

  let cut = 0;
  let cutBefore = 0;
  await page.route('**/api/sync', async (route) => {
    const body = route.request().postDataJSON();
    if (body.push.length > 0 && cutBefore === 0) {
      cutBefore += 1;
      await route.abort('connectionreset'); // never reaches the server
    } else if (body.push.length > 0 && cut === 0) {
      cut += 1;
      await route.fetch(); // the server commits ...
      await route.abort('connectionreset'); // ... and the answer is lost
    } else {
      await route.continue();
    }
  });
  await context.setOffline(false);
  await waitAllSynced(page, 60_000);
  assert.equal(cutBefore, 1);
  assert.equal(cut, 1);

  const onPhone = await recordsOnPhone(page);
  assert.equal(onPhone.length, 4);
  assert.ok(onPhone.every((r) => r.status === 'Synced'));
  const coordinator = await apiLogin(ctx.server.url, 'coordinator', 'coordinator-demo');
  const ids = await recordsOnServer(ctx.server.url, coordinator.token);
  assert.equal(ids.length, 4);
  assert.equal(new Set(ids).size, 4);
});
