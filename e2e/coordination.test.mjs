// The people behind the volunteers: a coordinator creates an event, a volunteer's phone picks
// it up and records checks there, the dashboard's numbers match, a supervisor records two
// attempts and releases the severe flag, a second supervisor claims and closes it, the phone
// shows the outcome, and the export holds exactly the records, named by table and day.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
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
  await coordinator.getByRole('button', { name: 'Create event' }).click();
  await coordinator.locator('.nhsuk-error-summary').getByRole('link', { name: /Venue type: choose one/ }).waitFor();
  await axe.check(coordinator, 'events (a problem)');
  await coordinator.locator('label[for="event-venue-type-food_bank"]').click();
  await coordinator.getByRole('button', { name: 'Create event' }).click();
  await coordinator.locator('.nhsuk-error-summary').getByRole('link', { name: /^Event name:/ }).waitFor();
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
  const day = /^\d{4}-\d{2}-\d{2}$/;
  const named = (file, table) => file.startsWith(`stallside-${table}-`) && day.test(file.slice(`stallside-${table}-`.length, -'.csv'.length)) && file.endsWith('.csv');
  assert.ok(named(download.suggestedFilename(), 'records'), download.suggestedFilename());
  const csv = readFileSync(await download.path(), 'utf8').trim().split('\n');
  const exported = csv.slice(1).map((line) => line.split(',')[0]).sort();
  const token = (await apiLogin(ctx.server.url, 'coordinator', 'coordinator-demo')).token;
  assert.deepEqual(exported, (await recordsOnServer(ctx.server.url, token)).sort());
  const [table] = await Promise.all([
    coordinator.waitForEvent('download'),
    coordinator.getByRole('button', { name: 'Table: by borough (CSV, numbers under 5 hidden)' }).click(),
  ]);
  assert.ok(named(table.suggestedFilename(), 'by_borough'), table.suggestedFilename());

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

  // A supervisor claims the severe flag, calls twice, and releases it.
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
  const attempt = (name) => Promise.all([
    supervisor.waitForResponse((r) => r.url().endsWith('/attempts') && r.ok()),
    severe.getByRole('button', { name }).click(),
  ]);
  await attempt('No answer');
  await attempt('Spoke to them');
  await axe.check(supervisor, 'flag claimed');
  await severe.getByText('The check').click();
  const context = severe.getByTestId('record-context');
  await context.getByTestId('attempts').waitFor();
  const attempts = await context.getByTestId('attempts').locator('li').allTextContents();
  assert.equal(attempts.length, 2, `both attempts stay listed: ${attempts}`);
  assert.match(attempts[0], /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}, Grace \(supervisor\): no answer$/, 'when, who, result');
  assert.match(attempts[1], /Grace \(supervisor\): spoke to them$/);
  assert.match(await context.textContent(), /Amina \(volunteer\)/, 'who took the check');
  assert.match(await context.textContent(), /Readings.*\d+\/\d+ \(pulse/, 'every reading');
  await context.getByTestId('history').waitFor();
  const history = await context.getByTestId('history').textContent();
  assert.match(history, /Amina \(volunteer\), volunteer changed created/, history);
  assert.match(history, /Grace \(supervisor\), supervisor changed .*follow_up\.attempts/, history);
  await axe.check(supervisor, 'flag context');
  await severe.getByRole('button', { name: 'Release to the queue' }).click();
  await supervisor.locator('[data-testid="flag"][data-band="severe"][data-state="open"]').waitFor();

  // A second supervisor claims it, sees both attempts, and closes it after confirming.
  execFileSync(path.join(import.meta.dirname, '..', 'target', 'release', 'stallside-server'), [
    'add-user', '--data-dir', ctx.server.dataDir, '--username', 'second-supervisor',
    '--display-name', 'Sam (supervisor)', '--role', 'supervisor', '--areas', 'E09000003,E09000019',
  ], { env: { ...process.env, STALLSIDE_PASSWORD: 'second-supervisor-pass' } });
  const { page: second } = await phonePage(ctx.browser);
  await second.goto(`${ctx.server.url}/staff/`);
  await signIn(second, 'second-supervisor', 'second-supervisor-pass');
  const handed = second.locator('[data-testid="flag"][data-band="severe"]');
  // The claim comes back on the live stream too, and the queue redraws: open the check after.
  const redrawn = second.waitForResponse((r) => r.url().endsWith('/api/flags') && r.request().method() === 'GET');
  await handed.getByRole('button', { name: 'Claim' }).click();
  await handed.getByRole('button', { name: 'Close flag' }).waitFor();
  await redrawn;
  await second.waitForTimeout(500);
  await handed.getByText('The check').click();
  await handed.getByTestId('attempts').waitFor();
  assert.equal(await handed.getByTestId('attempts').locator('li').count(), 2, 'the attempts stay with the flag');
  await handed.getByRole('button', { name: 'Close flag' }).click();
  await handed.getByText('Choose an outcome from the list').waitFor();
  await handed.getByLabel('Outcome').selectOption('urgent_care');
  await handed.getByRole('button', { name: 'Close flag' }).click();
  await handed.getByTestId('confirm-close').waitFor();
  await axe.check(second, 'confirm close');
  await handed.getByRole('button', { name: 'Yes, close the flag' }).click();
  await second.locator('[data-testid="flag"][data-band="severe"][data-state="closed"]').waitFor();
  await second.screenshot({ path: path.join(artifacts, 'flags-phone.png'), fullPage: true });

  // The volunteer's phone shows the outcome.
  await syncNow(phone);
  await phone.getByRole('button', { name: 'Checks' }).click();
  await phone.getByTestId('outcome').filter({ hasText: 'Sent to urgent care' }).waitFor({ timeout: 20_000 });
  const onPhone = await recordsOnPhone(phone);
  assert.equal(onPhone.length, 3);

  assert.deepEqual(axe.found, []);
});
