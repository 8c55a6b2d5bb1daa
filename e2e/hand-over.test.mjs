// A coordinator on a phone hands a supervisor's claimed flag to a second supervisor of the
// borough, whom they invited with an email address, and who then holds it (and the person's
// number); then releases it to the queue.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { apiLogin, artifacts, phonePage, useServerAndBrowser, waitNotice } from './harness.mjs';
import {
  AccessibilityLog, assertNoSidewaysScroll, chooseStall, recordCheck, signIn, waitAllSynced,
} from './volunteer.mjs';

const ctx = useServerAndBrowser();

test('a coordinator hands a claimed flag to another supervisor, then releases it', async () => {
  const axe = new AccessibilityLog();

  // A severe reading with a number, claimed by the demo supervisor.
  const { page: phone } = await phonePage(ctx.browser);
  await phone.goto(ctx.server.url);
  await signIn(phone, 'volunteer', 'volunteer-demo');
  await chooseStall(phone);
  await recordCheck(phone, { readings: [[192, 122], [188, 121]], phone: '07700 900456' });
  await waitAllSynced(phone);
  const supervisor = (await apiLogin(ctx.server.url, 'supervisor', 'supervisor-demo')).token;
  const api = async (method, url) => fetch(`${ctx.server.url}${url}`, {
    method,
    headers: { authorization: `Bearer ${supervisor}`, 'content-type': 'application/json' },
    body: method === 'POST' ? '{}' : undefined,
  });
  const [flag] = await (await api('GET', '/api/flags')).json();
  assert.equal((await api('POST', `/api/flags/${flag.id}/claim`)).status, 200);

  // The coordinator, on a phone, invites a second supervisor with an email address for
  // escalation: a bad address is refused first, naming the field.
  const { page: coordinator } = await phonePage(ctx.browser);
  await coordinator.goto(`${ctx.server.url}/staff/`);
  await signIn(coordinator, 'coordinator', 'coordinator-demo');
  await coordinator.getByRole('heading', { name: 'Reach and equity' }).waitFor();
  const nav = (name) => coordinator.getByRole('navigation').getByRole('button', { name }).click();
  await nav('Volunteers');
  await coordinator.locator('label[for="invite-role-supervisor"]').click();
  await coordinator.fill('#invite-name', 'Sam (supervisor)');
  await coordinator.fill('#invite-username', 'second-supervisor');
  await coordinator.fill('#invite-email', 'sam@@islington');
  await coordinator.getByRole('button', { name: 'Invite', exact: true }).click();
  await coordinator.locator('.nhsuk-error-summary').getByRole('link', { name: /^Email:/ }).waitFor();
  await axe.check(coordinator, 'invite a supervisor (a problem)');
  await coordinator.fill('#invite-email', 'sam@islington.test');
  await coordinator.getByRole('button', { name: 'Invite', exact: true }).click();
  const invited = await waitNotice(coordinator, 'Invited second-supervisor');
  const password = invited.match(/first password is (\S+) /)[1];

  // The queue: the claim is named, and a coordinator has no Claim.
  await nav('Flags');
  const card = coordinator.locator(`#flag-${flag.id}`);
  await card.getByTestId('claimed-by').waitFor();
  assert.equal(await card.getByRole('button', { name: 'Claim' }).count(), 0);
  await card.getByLabel('Hand over to').locator('option', { hasText: 'Sam (supervisor)' }).waitFor({ state: 'attached' });
  await axe.check(coordinator, 'flags (coordinator)');

  // Nobody chosen: the error summary says so and links to the choice.
  await card.getByRole('button', { name: 'Hand over' }).click();
  await coordinator.locator('.nhsuk-error-summary')
    .getByRole('link', { name: 'Choose the supervisor to hand the flag to' }).waitFor();
  await axe.check(coordinator, 'hand over (a problem)');

  await card.getByLabel('Hand over to').selectOption({ label: 'Sam (supervisor)' });
  await card.getByRole('button', { name: 'Hand over' }).click();
  await card.getByTestId('confirm-hand-over').getByText('Hand this flag to Sam (supervisor)?').waitFor();
  await axe.check(coordinator, 'hand over (confirm)');
  await assertNoSidewaysScroll(coordinator);
  await coordinator.screenshot({ path: path.join(artifacts, 'hand-over-phone.png'), fullPage: true });
  await card.getByRole('button', { name: 'Yes, hand it over' }).click();
  await card.getByTestId('claimed-by').filter({ hasText: 'Claimed by Sam (supervisor)' }).waitFor();
  assert.equal(await coordinator.locator('.nhsuk-error-summary').count(), 0);

  // The second supervisor finds it theirs, with the person's number to call.
  const { page: second } = await phonePage(ctx.browser);
  await second.goto(`${ctx.server.url}/staff/`);
  await signIn(second, 'second-supervisor', password);
  const theirs = second.locator(`#flag-${flag.id}`);
  await theirs.getByRole('button', { name: 'Close flag' }).waitFor();
  await theirs.getByRole('button', { name: 'Show contact number' }).click();
  assert.equal(await theirs.getByTestId('contact').locator('a').getAttribute('href'), 'tel:+447700900456');
  await axe.check(second, 'flags (handed over)');

  // While Sam follows the flag up, the coordinator cannot disable Sam's account: nobody else
  // would see the person until the flag went overdue.
  await nav('Volunteers');
  const sam = coordinator.getByRole('row', { name: /Sam \(supervisor\)/ });
  await sam.getByRole('cell', { name: 'Supervisor', exact: true }).waitFor();
  await sam.getByRole('button', { name: /^Disable/ }).click();
  await waitNotice(coordinator, 'This supervisor is following up 1 flag');
  await axe.check(coordinator, 'volunteers and supervisors');
  await nav('Flags');

  // The coordinator releases it back to the queue, after confirming.
  await card.getByRole('button', { name: 'Release to the queue' }).click();
  await card.getByTestId('confirm-hand-over').getByText('Release this flag to the queue?').waitFor();
  await card.getByRole('button', { name: 'Yes, release it' }).click();
  await coordinator.locator(`#flag-${flag.id}[data-state="open"]`).waitFor();

  // Holding no flag now, Sam's account can be disabled.
  await nav('Volunteers');
  await sam.getByRole('button', { name: /^Disable/ }).click();
  await waitNotice(coordinator, 'Account disabled');
  await sam.getByRole('cell', { name: 'Disabled', exact: true }).waitFor();

  assert.deepEqual(axe.found, []);
});
