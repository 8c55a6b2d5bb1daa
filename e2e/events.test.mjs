// Events as the programme runs them (issue 12), at 390×844: a stall started on a phone with
// no signal, its conversations tallied and its debrief filed offline, reaches the
// coordinator's events list after sync with its figures; the coordinator edits, cancels and
// copies it, and the phone learns of the cancellation; axe-core finds nothing on the new screens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { apiLogin, artifacts, phonePage, quickHand, useServerAndBrowser, waitNotice } from './harness.mjs';
import { AccessibilityLog, openOfflineReady, recordCheck, signIn, syncNow, waitAllSynced } from './volunteer.mjs';

const ctx = useServerAndBrowser();

const STALL = 'Friday prayers stall';

/** Waits until the coordinator's events list (through the API) holds an event named `name`. */
async function eventOnServer(url, token, name, timeout = 30_000) {
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    const response = await fetch(`${url}/api/events/overview`, { headers: { authorization: `Bearer ${token}` } });
    const found = (await response.json()).find((e) => e.event.name === name);
    if (found) return found;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${name} never reached the server`);
}

test('a stall started offline with a debrief and tallies reaches the coordinator, who edits, cancels and copies it', async () => {
  const axe = new AccessibilityLog();
  const { context, page } = await phonePage(ctx.browser);
  await openOfflineReady(page, ctx.server.url, axe);

  // No signal: the stall is started on the phone.
  await context.setOffline(true);
  await page.getByText('Start a stall on this phone').click();
  await page.fill('#event-name', STALL);
  await page.fill('#event-venue', 'Community mosque');
  await page.locator('label[for="event-venue-type-place_of_worship"]').click();
  await page.locator('label[for="event-borough"]').click();
  await axe.check(page, 'start a stall');
  await page.getByRole('button', { name: 'Start stall' }).click();
  await page.getByRole('heading', { name: 'New check' }).waitFor();

  await recordCheck(page, { readings: [[124, 79]], axe });

  // Conversations without a check, tallied on the capture screen.
  await page.getByRole('heading', { name: 'New check' }).waitFor();
  const more = page.getByRole('button', { name: 'One more conversation' });
  await more.click();
  await more.click();
  await more.click();
  await page.getByRole('button', { name: 'One fewer conversation' }).click();
  assert.equal(await page.getByTestId('tally').textContent(), '2');
  await axe.check(page, 'new check with the tally');

  // The debrief, after the stall.
  await page.getByRole('button', { name: 'Stall', exact: true }).click();
  await page.getByTestId('todays-stall').filter({ hasText: STALL }).waitFor();
  await more.click();
  assert.equal(await page.getByTestId('tally').textContent(), '3');
  await page.fill('#debrief-footfall', '120');
  await page.fill('#debrief-leaflets', 'nine');
  await page.getByRole('button', { name: 'Save debrief' }).click();
  await page.locator('.nhsuk-error-summary').getByRole('link', { name: /Leaflets given: enter a whole number/ }).waitFor();
  await axe.check(page, 'debrief (a problem)');
  await page.fill('#debrief-leaflets', '9');
  await page.fill('#debrief-kit', '2 cuffs');
  await page.fill('#debrief-note', 'Busy after prayers: bring a second cuff');
  await page.getByRole('button', { name: 'Save debrief' }).click();
  await page.getByTestId('debrief-saved').waitFor();
  await axe.check(page, 'debrief');
  await page.screenshot({ path: path.join(artifacts, 'debrief.png'), fullPage: true });

  // Kept as tapped: a reload with no signal still has them.
  await page.reload();
  await page.getByRole('button', { name: 'Stall', exact: true }).click();
  await page.getByTestId('todays-stall').waitFor();
  assert.equal(await page.getByTestId('tally').textContent(), '3');
  assert.equal(await page.inputValue('#debrief-note'), 'Busy after prayers: bring a second cuff');

  // Signal back: the stall, its check and its debrief reach the server.
  await context.setOffline(false);
  await syncNow(page);
  await waitAllSynced(page);
  const coordinatorApi = await apiLogin(ctx.server.url, 'coordinator', 'coordinator-demo');
  const arrived = await eventOnServer(ctx.server.url, coordinatorApi.token, STALL);
  assert.equal(arrived.started_on_phone, true);
  assert.equal(arrived.checks, 1);
  assert.equal(arrived.conversations, 3);

  // The coordinator's events list, on a phone-sized screen too.
  const { page: staff } = await phonePage(ctx.browser);
  await staff.goto(`${ctx.server.url}/staff/`);
  await signIn(staff, 'coordinator', 'coordinator-demo');
  await staff.getByRole('heading', { name: 'Reach and equity' }).waitFor();
  await staff.waitForFunction(() => document.querySelector('[data-testid="totals"]')?.dataset.reached === '4');
  await staff.getByRole('navigation').getByRole('button', { name: 'Events' }).click();
  const card = staff.getByTestId('event-card').filter({ hasText: STALL });
  await card.waitFor();
  assert.match(await card.getByTestId('event-figures').textContent(), /^1 checks, 3 conversations without a check, 9 leaflets, about 120 passed$/);
  assert.match(await card.textContent(), /Started on a phone/);
  assert.match(await card.textContent(), /kit used 2 cuffs\. Busy after prayers: bring a second cuff/);
  await axe.check(staff, 'events list');

  // Edit: the venue corrected, by a quick hand that taps into the venue at once: the focus
  // stays where it was put, so the typing goes there.
  assert.equal(await quickHand(staff, `Edit ${STALL}`, '#event-venue'), 'event-venue');
  await staff.getByRole('heading', { name: 'Edit event' }).waitFor();
  assert.equal(await staff.inputValue('#event-name'), STALL);
  await staff.fill('#event-venue', 'East Street mosque hall');
  await axe.check(staff, 'edit event');
  await staff.getByRole('button', { name: 'Save changes' }).click();
  await waitNotice(staff, `${STALL} saved.`);
  await card.filter({ hasText: 'East Street mosque hall' }).waitFor();

  // Cancel: it keeps its check.
  await staff.getByRole('button', { name: `Cancel event ${STALL}` }).click();
  await waitNotice(staff, 'Its checks are kept');
  await card.filter({ hasText: 'Cancelled' }).waitFor();
  assert.match(await card.getByTestId('event-figures').textContent(), /^1 checks/);

  // Copy to next week.
  const nextWeek = new Date(Date.now() + 7 * 86_400_000).toISOString().slice(0, 10);
  await card.getByLabel(`Copy ${STALL} to`).fill(nextWeek);
  await staff.getByRole('button', { name: `Copy ${STALL}`, exact: true }).click();
  await waitNotice(staff, `copied to ${nextWeek}`);
  const copies = staff.getByTestId('event-card').filter({ hasText: STALL });
  await staff.waitForFunction((name) => [...document.querySelectorAll('[data-testid="event-card"]')].filter((c) => c.textContent.includes(name)).length === 2, STALL);
  assert.match(await copies.first().textContent(), new RegExp(nextWeek), 'newest first');
  await axe.check(staff, 'events after edit, cancel and copy');
  await staff.screenshot({ path: path.join(artifacts, 'events-coordinator.png'), fullPage: true });

  // The phone learns of the cancellation with its next sync.
  await syncNow(page);
  await page.getByText('Your coordinator cancelled this event.').waitFor({ timeout: 20_000 });
  await axe.check(page, 'cancelled stall');

  assert.deepEqual(axe.found, []);
});
