// An emergency reaches a supervisor without anyone pressing Refresh: the queue on their phone
// follows the server's live stream and raises an alert when the volunteer's check syncs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { phonePage, useServerAndBrowser } from './harness.mjs';
import { AccessibilityLog, chooseStall, signIn, takeCheck } from './volunteer.mjs';

const ctx = useServerAndBrowser();

test('an emergency flag arrives live on the supervisor\'s phone', async () => {
  const axe = new AccessibilityLog();
  const { page: supervisor } = await phonePage(ctx.browser);
  await supervisor.goto(`${ctx.server.url}/staff/`);
  await signIn(supervisor, 'supervisor', 'supervisor-demo');
  await supervisor.getByText('No flagged readings.').waitFor();

  const { page: phone } = await phonePage(ctx.browser);
  await phone.goto(ctx.server.url);
  await signIn(phone, 'volunteer', 'volunteer-demo');
  await chooseStall(phone);
  await takeCheck(phone, { redFlags: ['red-flags'] });

  const alert = supervisor.getByTestId('live-alert');
  await alert.waitFor({ timeout: 30_000 });
  assert.match(await alert.textContent(), /new emergency flag/);
  await supervisor.locator('[data-testid="flag"][data-band="emergency"]').waitFor();
  await axe.check(supervisor, 'live alert');
  await supervisor.getByRole('button', { name: 'Dismiss' }).click();
  await alert.waitFor({ state: 'detached' });
  assert.deepEqual(axe.found, []);
});
