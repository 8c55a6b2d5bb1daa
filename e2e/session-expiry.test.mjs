// A session that ends (a coordinator signs a lost phone out) never discards unsynced checks:
// they wait, visible, until the volunteer signs in again, then sync.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiLogin, phonePage, useServerAndBrowser } from './harness.mjs';
import { chooseStall, recordCheck, recordsOnPhone, recordsOnServer, signIn, waitAllSynced } from './volunteer.mjs';

const ctx = useServerAndBrowser();

test('checks wait through an ended session and sync after signing in again', async () => {
  const { context, page } = await phonePage(ctx.browser);
  await page.goto(ctx.server.url);
  await signIn(page, 'volunteer', 'volunteer-demo');
  await chooseStall(page);
  await context.setOffline(true);
  await recordCheck(page, { readings: [[121, 77]] });
  await recordCheck(page, { readings: [[117, 74]] });

  // The coordinator signs the volunteer out of every phone.
  const volunteer = await apiLogin(ctx.server.url, 'volunteer', 'volunteer-demo', 'e2e-other-phone');
  const coordinator = await apiLogin(ctx.server.url, 'coordinator', 'coordinator-demo');
  const revoked = await fetch(`${ctx.server.url}/api/users/${volunteer.user.id}/revoke-sessions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator.token}` },
    body: '{}',
  });
  assert.equal(revoked.status, 204);

  await context.setOffline(false);
  await page.getByRole('button', { name: 'Sign in again' }).waitFor({ timeout: 20_000 });
  assert.match(await page.getByTestId('syncbar').textContent(), /2 not sent: sign in again/);
  await page.getByRole('button', { name: 'Sign in again' }).click();
  await page.getByText('2 checks are on this phone and will be sent when you sign in.').waitFor();
  await signIn(page, 'volunteer', 'volunteer-demo');
  await waitAllSynced(page);
  const onPhone = await recordsOnPhone(page);
  assert.equal(onPhone.length, 2);
  assert.ok(onPhone.every((r) => r.status === 'Synced'));
  assert.equal((await recordsOnServer(ctx.server.url, coordinator.token)).length, 2);
});
