// The people behind the volunteers: a coordinator creates an event, a volunteer's phone picks
// it up and records checks there, the dashboard's numbers match, a supervisor works the severe
// flag to a close, the phone shows the outcome, and the export holds exactly the records.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { apiLogin, artifacts, phonePage, useServerAndBrowser } from './harness.mjs';
import { AccessibilityLog, recordCheck, recordsOnPhone, recordsOnServer, signIn, syncNow, waitAllSynced } from './volunteer.mjs';

const ctx = useServerAndBrowser();
const LAPTOP = { width: 1280, height: 800 };

async function laptopPage(browser) {
  const context = await browser.newContext({ viewport: LAPTOP, acceptDownloads: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  return page;
}

const nav = (page, name) => page.getByRole('navigation').getByRole('button', { name }).click();

test('from event to outcome, with the dashboard and export matching the records', async () => {
  const axe = new AccessibilityLog();
  const today = new Date().toISOString().slice(0, 10);

  // A coordinator creates today's event and staffs it.
  const coordinator = await laptopPage(ctx.browser);
  await coordinator.goto(`${ctx.server.url}/staff/`);
  await signIn(coordinator, 'coordinator', 'coordinator-demo');
  await coordinator.getByRole('heading', { name: 'Reach and equity' }).waitFor();
  await axe.check(coordinator, 'dashboard (empty)');
  await nav(coordinator, 'Events');
  await coordinator.getByRole('heading', { name: 'New event' }).waitFor();
  await coordinator.fill('#event-name', 'Food bank health check');
  await coordinator.fill('#event-date', today);
  await coordinator.fill('#event-venue', "St Mary's food bank");
  await coordinator.locator('label[for="event-venue-type-food_bank"]').click();
  await coordinator.locator('label[for="event-borough"]').click();
  await coordinator.getByLabel('Amina (volunteer)').check({ force: true });
  await axe.check(coordinator, 'events');
  await coordinator.getByRole('button', { name: 'Create event' }).click();
  await coordinator.getByTestId('events').filter({ hasText: 'Food bank health check' }).waitFor();

  // The volunteer's phone picks it up and records three checks there.
  const { page: phone } = await phonePage(ctx.browser);
  await phone.goto(ctx.server.url);
  await signIn(phone, 'volunteer', 'volunteer-demo');
  await phone.getByRole('button', { name: /Food bank health check/ }).click();
  await recordCheck(phone, { readings: [[124, 79]] });
  await recordCheck(phone, { readings: [[150, 95], [146, 92]] });
  await recordCheck(phone, { readings: [[192, 122], [188, 121]], phone: '07700 900456' });
  await waitAllSynced(phone);

  // The dashboard's numbers are the records' numbers.
  await nav(coordinator, 'Dashboard');
  const totals = coordinator.getByTestId('totals');
  await coordinator.waitForFunction(() => document.querySelector('[data-testid="totals"]')?.dataset.checks === '3');
  assert.equal(await totals.getAttribute('data-newly'), '2', 'stage 1 and severe, no previous diagnosis');
  assert.equal(await totals.getAttribute('data-severe'), '1');
  await axe.check(coordinator, 'dashboard');
  await coordinator.screenshot({ path: path.join(artifacts, 'dashboard-laptop.png'), fullPage: true });

  // The export holds exactly the synced records.
  const [download] = await Promise.all([
    coordinator.waitForEvent('download'),
    coordinator.getByRole('button', { name: 'All records (CSV, no personal details)' }).click(),
  ]);
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
  const exported = csv.slice(1).map((line) => line.split(',')[0]).sort();
  const token = (await apiLogin(ctx.server.url, 'coordinator', 'coordinator-demo')).token;
  assert.deepEqual(exported, (await recordsOnServer(ctx.server.url, token)).sort());

  // Review and volunteers' screens.
  await nav(coordinator, 'Review');
  await coordinator.getByTestId('review-row').first().waitFor();
  await axe.check(coordinator, 'review');
  const firstRow = coordinator.getByTestId('review-row').first();
  await firstRow.getByText('The check').click();
  await firstRow.getByTestId('record-context').getByText('Readings').waitFor();
  await axe.check(coordinator, 'review row opened');
  const rowsBefore = await coordinator.getByTestId('review-row').count();
  await firstRow.getByRole('button', { name: 'Approve' }).click();
  await coordinator.waitForFunction((n) => document.querySelectorAll('[data-testid="review-row"]').length === n - 1, rowsBefore);
  assert.equal(await coordinator.evaluate(() => document.activeElement?.id), 'notice', 'focus leaves the rows, so a second press marks nothing');
  await nav(coordinator, 'Volunteers');
  await coordinator.getByRole('heading', { name: 'Invite a volunteer' }).waitFor();
  await axe.check(coordinator, 'volunteers');

  // A supervisor claims the severe flag, calls, and closes it.
  const { page: supervisor } = await phonePage(ctx.browser);
  await supervisor.goto(`${ctx.server.url}/staff/`);
  await signIn(supervisor, 'supervisor', 'supervisor-demo');
  const severe = supervisor.locator('[data-testid="flag"][data-band="severe"]');
  await severe.waitFor();
  assert.equal(await supervisor.getByTestId('flag').first().getAttribute('data-band'), 'severe', 'most urgent first');
  await axe.check(supervisor, 'flags');
  await severe.getByRole('button', { name: 'Claim' }).click();
  await severe.getByRole('button', { name: 'Show contact number' }).click();
  const call = severe.getByTestId('contact').getByRole('link');
  await call.filter({ hasText: '07700 900456' }).waitFor();
  assert.equal(await call.getAttribute('href'), 'tel:+447700900456', 'the number is a link that calls');
  await severe.getByRole('button', { name: 'Spoke to them' }).click();
  await axe.check(supervisor, 'flag claimed');
  await severe.getByText('The check').click();
  const context = severe.getByTestId('record-context');
  await context.getByTestId('attempts').waitFor();
  assert.equal(await context.getByTestId('attempts').locator('li').count(), 1, 'the attempt stays listed');
  assert.match(await context.textContent(), /Amina \(volunteer\)/, 'who took the check');
  assert.match(await context.textContent(), /Readings.*\d+\/\d+ \(pulse/, 'every reading');
  await axe.check(supervisor, 'flag context');
  await severe.getByRole('button', { name: 'Close flag' }).click();
  await severe.getByText('Choose an outcome from the list').waitFor();
  await severe.getByLabel('Outcome').selectOption('urgent_care');
  await severe.getByRole('button', { name: 'Close flag' }).click();
  await severe.getByTestId('confirm-close').waitFor();
  await axe.check(supervisor, 'confirm close');
  await severe.getByRole('button', { name: 'Yes, close the flag' }).click();
  await supervisor.locator('[data-testid="flag"][data-band="severe"][data-state="closed"]').waitFor();
  await supervisor.screenshot({ path: path.join(artifacts, 'flags-phone.png'), fullPage: true });

  // The volunteer's phone shows the outcome.
  await syncNow(phone);
  await phone.getByRole('button', { name: 'Checks' }).click();
  await phone.getByTestId('outcome').filter({ hasText: 'Sent to urgent care' }).waitFor({ timeout: 20_000 });
  const onPhone = await recordsOnPhone(phone);
  assert.equal(onPhone.length, 3);

  assert.deepEqual(axe.found, []);
});
