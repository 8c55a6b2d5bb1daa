// What a volunteer does on the phone, as steps a test can take (clicking labels and typing,
// as a person does).
import assert from 'node:assert/strict';
import { seriousViolations } from './harness.mjs';

/** Collects axe-core's serious and critical violations per screen. */
export class AccessibilityLog {
  constructor() {
    this.found = [];
  }

  async check(page, screen) {
    for (const violation of await seriousViolations(page)) this.found.push(`${screen}: ${violation}`);
  }
}

export async function signIn(page, username, password) {
  await page.fill('#username', username);
  await page.fill('#password', password);
  await page.getByRole('button', { name: 'Sign in', exact: true }).click();
}

export async function chooseStall(page, name = 'Saturday health stall') {
  await page.getByRole('button', { name: new RegExp(name) }).click();
  await page.getByRole('heading', { name: 'New check' }).waitFor();
}

const pick = (page, id) => page.locator(`label[for="${id}"]`).click();
const next = (page) => page.getByRole('button', { name: 'Continue' }).click();

/**
 * Records one check through the whole flow and waits for "Saved".
 * readings: [[sys, dia], ...] typed in order (the protocol decides how many are asked for).
 */
export async function recordCheck(page, { readings, phone, axe, screenshots } = {}) {
  await page.getByRole('heading', { name: 'New check' }).waitFor();
  await axe?.check(page, 'consent');
  await pick(page, 'consent');
  await next(page);
  for (const [index, [systolic, diastolic]] of readings.entries()) {
    const n = index + 1;
    await page.fill(`#reading-${n}-systolic`, String(systolic));
    await page.fill(`#reading-${n}-diastolic`, String(diastolic));
    await page.fill(`#reading-${n}-pulse`, '72');
    if (index === 0) await axe?.check(page, 'readings');
    await next(page);
  }
  await page.getByRole('heading', { name: 'Symptoms and history' }).waitFor();
  await pick(page, 'any-red-flag-no');
  await pick(page, 'known-hypertension');
  await axe?.check(page, 'symptoms');
  await next(page);
  const result = page.getByTestId('result');
  await result.waitFor();
  const band = await result.getAttribute('data-band');
  await axe?.check(page, 'result');
  if (screenshots) await page.screenshot({ path: `${screenshots}-result.png`, fullPage: true });
  await page.getByRole('button', { name: 'Show the person their numbers' }).click();
  await page.getByTestId('your-numbers').waitFor();
  await axe?.check(page, 'your numbers');
  if (screenshots) await page.screenshot({ path: `${screenshots}-your-numbers.png`, fullPage: true });
  await next(page);
  await pick(page, 'age-band');
  await pick(page, 'sex');
  await page.selectOption('#ethnicity', 'black_caribbean');
  await pick(page, 'english');
  await page.fill('#postcode', 'n1 9gu');
  await page.getByRole('button', { name: 'Find area' }).click();
  await page.getByTestId('area').filter({ hasText: 'E01002704' }).waitFor();
  await axe?.check(page, 'about');
  if (screenshots) await page.screenshot({ path: `${screenshots}-about.png`, fullPage: true });
  await next(page);
  await pick(page, 'smoking');
  await axe?.check(page, 'lifestyle');
  await next(page);
  await pick(page, 'advice');
  await page.fill('#goal', 'Walk to the market');
  await axe?.check(page, 'advice');
  await next(page);
  const contact = page.getByRole('heading', { name: 'Follow-up contact' });
  const review = page.getByRole('heading', { name: 'Check your answers' });
  await contact.or(review).waitFor();
  if (await contact.isVisible()) {
    if (phone) {
      await pick(page, 'contact-consent');
      await page.fill('#phone', phone);
    } else {
      await pick(page, 'contact-consent-no');
    }
    await axe?.check(page, 'contact');
    await next(page);
  } else {
    assert.equal(phone, undefined, 'a contact number was given for a reading that is not flagged');
  }
  await page.getByRole('heading', { name: 'Check your answers' }).waitFor();
  await axe?.check(page, 'review');
  await page.getByTestId('save').click();
  await page.getByTestId('saved').waitFor();
  await axe?.check(page, 'saved');
  await page.getByRole('button', { name: 'Record another check' }).click();
  return band;
}

/** The records list as [{ status, band, outcome }]. */
export async function recordsOnPhone(page) {
  await page.getByRole('button', { name: 'Checks' }).click();
  await page.getByRole('heading', { name: 'Checks on this phone' }).waitFor();
  const items = page.getByTestId('record');
  const list = [];
  for (let i = 0; i < (await items.count()); i += 1) {
    const item = items.nth(i);
    const outcome = item.getByTestId('outcome');
    list.push({
      status: await item.getAttribute('data-status'),
      band: await item.getAttribute('data-band'),
      outcome: (await outcome.count()) ? await outcome.textContent() : null,
    });
  }
  return list;
}

/** Waits until the sync bar says every check is on the server. */
export async function waitAllSynced(page, timeout = 30_000) {
  await page.waitForFunction(
    () => document.querySelector('[data-testid="syncbar"]')?.getAttribute('data-unsynced') === '0',
    null,
    { timeout },
  );
  assert.match(await page.getByTestId('syncbar').textContent(), /All checks synced/);
}

/** Record ids the coordinator's review API sees (every page of /api/records). */
export async function recordsOnServer(url, token) {
  const ids = [];
  for (let offset = 0; ; offset += 500) {
    const response = await fetch(`${url}/api/records?limit=500&offset=${offset}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    assert.equal(response.status, 200);
    const rows = await response.json();
    ids.push(...rows.map((row) => row.id));
    if (rows.length < 500) return ids;
  }
}
