// The programme settings screen: a coordinator's bad input gets the NHS error summary and
// changes nothing; "only reviewed translations" switched on there reaches a phone with its next
// sync, which then offers no draft translation (every translation is a draft, so English alone
// stays), and switched off again brings them back.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { apiLogin, phonePage, useServerAndBrowser } from './harness.mjs';
import { AccessibilityLog, chooseStall, signIn, syncNow } from './volunteer.mjs';

const ctx = useServerAndBrowser();
const LAPTOP = { width: 1280, height: 800 };

/** The languages the phone's picker offers, by code. */
async function offered(page) {
  return page.locator('.stallside-languages [data-language]').evaluateAll(
    (buttons) => buttons.map((b) => b.getAttribute('data-language')),
  );
}

/** Syncs the phone until its picker offers `count` languages. */
async function syncUntilOffered(page, count) {
  for (let i = 0; i < 20 && (await offered(page)).length !== count; i += 1) {
    await syncNow(page);
    await page.waitForTimeout(500);
  }
  return offered(page);
}

test('only reviewed translations, set on the settings screen, reach the phone and leave English', async () => {
  const axe = new AccessibilityLog();
  const { page } = await phonePage(ctx.browser);
  await page.goto(ctx.server.url);
  await signIn(page, 'volunteer', 'volunteer-demo');
  await chooseStall(page);
  const all = await offered(page);
  assert.equal(all.length, 11, `English and ten draft translations: ${all}`);

  const laptop = await (await ctx.browser.newContext({ viewport: LAPTOP })).newPage();
  await laptop.goto(`${ctx.server.url}/staff/`);
  await signIn(laptop, 'coordinator', 'coordinator-demo');
  await laptop.getByRole('navigation').getByRole('button', { name: 'Settings' }).click();
  await laptop.getByRole('heading', { name: 'Programme settings' }).waitFor();
  const days = laptop.getByLabel('Days a contact number is kept');
  await laptop.waitForFunction(() => document.querySelector('#contact-retention-days')?.value === '28');
  await axe.check(laptop, 'settings');

  // Bad input: a negative number of days, words, and zero years. Nothing is saved.
  await days.fill('-3');
  await laptop.getByLabel('Days of warning before it is erased').fill('a week');
  await laptop.getByLabel('Years before a check is pseudonymised').fill('0');
  await laptop.getByRole('button', { name: 'Save settings' }).click();
  const summary = laptop.locator('.nhsuk-error-summary');
  await summary.waitFor();
  const links = await summary.locator('a').evaluateAll((as) => as.map((a) => a.getAttribute('href')));
  assert.deepEqual(links, ['#contact-retention-days', '#contact-warning-days', '#pseudonymise-after-years']);
  assert.equal(await laptop.locator('.nhsuk-error-message').count(), 3, 'each field shows its problem');
  await axe.check(laptop, 'settings (errors)');
  const coordinatorToken = (await apiLogin(ctx.server.url, 'coordinator', 'coordinator-demo')).token;
  const stored = async () => (await fetch(`${ctx.server.url}/api/settings`, {
    headers: { authorization: `Bearer ${coordinatorToken}` },
  })).json();
  assert.deepEqual(await stored(), {
    contact_retention_days: 28, contact_warning_days: 7, pseudonymise_after_years: 8, reviewed_languages_only: false,
  }, 'nothing was saved');

  // Good input, with only reviewed translations.
  await days.fill('30');
  await laptop.getByLabel('Days of warning before it is erased').fill('5');
  await laptop.getByLabel('Years before a check is pseudonymised').fill('8');
  await laptop.getByLabel('Yes: only reviewed translations').check();
  await laptop.getByRole('button', { name: 'Save settings' }).click();
  await laptop.getByText('Settings saved. Phones get them at their next sync.').waitFor();
  assert.equal(await summary.count(), 0);
  await axe.check(laptop, 'settings (saved)');
  assert.equal((await stored()).reviewed_languages_only, true);

  assert.deepEqual(await syncUntilOffered(page, 1), ['en'], 'every translation is a draft: English alone stays');
  assert.equal(await page.locator('[data-language="ar"]').count(), 0);
  await axe.check(page, 'consent with reviewed translations only');

  await laptop.getByLabel('No: drafts too, marked as drafts for the volunteer').check();
  await laptop.getByRole('button', { name: 'Save settings' }).click();
  await laptop.waitForFunction(() => /Settings saved/.test(document.body.textContent));
  assert.equal((await syncUntilOffered(page, 11)).length, 11, 'drafts are offered again');
  assert.deepEqual(axe.found, []);
});
