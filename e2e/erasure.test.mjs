// Erasure on request reaches the phone: a phone holds a synced check; the person asks for it
// to be erased; a coordinator erases it in the staff app, confirming first; after the phone's
// next sync the check is gone from its IndexedDB and its list.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiLogin, phonePage, useServerAndBrowser } from './harness.mjs';
import {
  AccessibilityLog, chooseStall, recordCheck, recordsOnPhone, recordsOnServer, signIn, storedOnPhone,
  syncNow, waitAllSynced,
} from './volunteer.mjs';

const ctx = useServerAndBrowser();
const LAPTOP = { width: 1280, height: 800 };

test('a record erased on request in the staff app leaves the phone at its next sync', async () => {
  const axe = new AccessibilityLog();
  const { page } = await phonePage(ctx.browser);
  await page.goto(ctx.server.url);
  await signIn(page, 'volunteer', 'volunteer-demo');
  await chooseStall(page);
  await recordCheck(page, { readings: [[124, 79]] });
  await waitAllSynced(page);
  const coordinatorToken = (await apiLogin(ctx.server.url, 'coordinator', 'coordinator-demo')).token;
  const [id] = await recordsOnServer(ctx.server.url, coordinatorToken);
  assert.ok(id, 'the check reached the server');
  assert.ok((await storedOnPhone(page)).checks.includes(id), 'the phone holds the record');
  assert.equal((await recordsOnPhone(page)).length, 1);

  const laptop = await (await ctx.browser.newContext({ viewport: LAPTOP })).newPage();
  await laptop.goto(`${ctx.server.url}/staff/`);
  await signIn(laptop, 'coordinator', 'coordinator-demo');
  await laptop.getByRole('navigation').getByRole('button', { name: 'Review' }).click();
  const row = laptop.getByTestId('review-row');
  await row.waitFor();
  await row.getByText('Erase this record (the person asked)').click();
  await row.getByTestId('erase').click();
  await row.getByTestId('erase-confirm').waitFor();
  await axe.check(laptop, 'review (confirm erasure)');
  assert.deepEqual(await recordsOnServer(ctx.server.url, coordinatorToken), [id], 'nothing erased before the confirmation');
  await row.getByRole('button', { name: 'Yes, erase this record' }).click();
  await laptop.getByText('Record erased. Phones drop their copy at their next sync.').waitFor();
  await axe.check(laptop, 'review (erased)');
  assert.deepEqual(await recordsOnServer(ctx.server.url, coordinatorToken), []);
  assert.ok((await storedOnPhone(page)).checks.includes(id), 'the phone still has it until it syncs');

  await syncNow(page);
  for (let i = 0; i < 150 && (await storedOnPhone(page)).checks.includes(id); i += 1) {
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  const stored = await storedOnPhone(page);
  assert.ok(!stored.checks.includes(id), 'its document and entry are gone from IndexedDB');
  assert.deepEqual(await recordsOnPhone(page), [], 'and from the list');
  await axe.check(page, 'checks after erasure');
  assert.deepEqual(axe.found, []);
});
