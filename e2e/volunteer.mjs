// What a volunteer does on the phone, as steps a test can take (clicking labels and typing,
// as a person does).
import assert from 'node:assert/strict';
import { allViolations } from './harness.mjs';

/** Collects axe-core's violations, of any impact, per screen. */
export class AccessibilityLog {
  constructor() {
    this.found = [];
  }

  async check(page, screen) {
    for (const violation of await allViolations(page)) this.found.push(`${screen}: ${violation}`);
  }
}

/** Opens the app and signs the demo volunteer in, checking both screens on the way. */
export async function openAsVolunteer(page, url, axe) {
  await page.goto(url);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await axe.check(page, 'sign in');
  await signIn(page, 'volunteer', 'volunteer-demo');
  await page.getByRole('heading', { name: "Today's stall" }).waitFor();
  await axe.check(page, 'stall');
}

/** [`openAsVolunteer`], then one load with the service worker in control, so the app reloads
 * with no signal. */
export async function openOfflineReady(page, url, axe) {
  await openAsVolunteer(page, url, axe);
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
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

/** Asserts every button, and every label of a radio or checkbox, is at least 44 by 44 pixels. */
export async function assertTargetsAtLeast44(page, screen) {
  const small = await page.evaluate(() => [...document.querySelectorAll('button, .nhsuk-radios__label, .nhsuk-checkboxes__label')]
    .map((target) => ({ target, box: target.getBoundingClientRect() }))
    .filter(({ box }) => box.width > 0 && (box.width < 44 || box.height < 44))
    .map(({ target, box }) => `${target.textContent.trim()} (${Math.round(box.width)}×${Math.round(box.height)})`));
  assert.deepEqual(small, [], `${screen}: touch targets smaller than 44 px`);
}

/** Asserts the page does not scroll sideways at its width. */
export async function assertNoSidewaysScroll(page) {
  const { scroll, width } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, width: window.innerWidth }));
  assert.ok(scroll <= width, `no sideways scrolling (page is ${scroll}px wide, screen ${width}px)`);
}

/**
 * Takes one check through the capture flow as a volunteer does, and notes what happened:
 * the screens in order (their headings), the taps (a click, a typed field or a choice from
 * a list each count as one), and the words shown on the volunteer's card and the person's
 * screen. Every screen must arrive with focus on its heading, never on a button.
 *
 * readings: [[systolic, diastolic, irregular?], ...] typed in order (the protocol decides how
 * many are asked for); redFlags: ids of red flags to tick (an emergency); lowSymptoms: codes of
 * low blood pressure symptoms (for a low reading), [] for none; phone: the contact number for
 * a flagged result (without one the person says no); postcode: looked up on the phone;
 * pulseStillIrregular: the answer on the pulse recheck; onAbout: called on "About the person"
 * before it is filled in (a participant card is entered there); shots: a path prefix for a screenshot of
 * each screen (of the whole page, or with fullPage false what is in view on arrival).
 */
export async function takeCheck(page, {
  readings = [], redFlags, lowSymptoms, phone, postcode, known = 'no', pulseStillIrregular = false, axe, shots, fullPage = true,
  language, onConsent, onAbout, numbersHeading = 'Your numbers',
} = {}) {
  const journey = { screens: [], taps: 0, texts: {} };
  const tap = async (locator) => {
    await locator.click();
    journey.taps += 1;
  };
  const pick = (id) => tap(page.locator(`label[for="${id}"]`));
  const type = async (selector, value) => {
    await page.fill(selector, String(value));
    journey.taps += 1;
  };
  const button = (name) => page.getByRole('button', { name, exact: true });
  const screen = async (name) => {
    await page.getByRole('heading', { level: 1, name, exact: true }).waitFor();
    await page.waitForFunction(
      (heading) => document.activeElement?.tagName === 'H1' && document.activeElement.textContent === heading,
      name,
      { timeout: 5_000 },
    );
    journey.screens.push(name);
    await assertTargetsAtLeast44(page, name);
    await axe?.check(page, name);
    if (shots) {
      const file = `${shots}-${journey.screens.length}-${name.toLowerCase().replace(/[^a-z0-9]+/g, '-')}.png`;
      await page.screenshot({ path: file, fullPage });
    }
  };
  const text = async (testId) => {
    const found = page.getByTestId(testId);
    return (await found.count()) ? (await found.textContent()).trim() : null;
  };
  const readCard = async () => {
    journey.band = await page.getByTestId('result').getAttribute('data-band');
    journey.texts.label = (await page.locator('[data-testid="result"] h2').textContent()).trim();
    journey.texts.sayThis = await text('say-this');
    journey.texts.safetyNet = await text('safety-net');
  };

  await screen('New check');
  journey.texts.stall = await text('stall-name');
  if (language) await tap(page.locator(`[data-language="${language}"]`));
  await onConsent?.();
  await tap(button('Yes, they agree'));
  await screen('Symptoms now');
  if (redFlags) {
    for (const flag of redFlags) await pick(flag);
    await tap(button('Call 999 now'));
    await screen('Call 999 now');
    await readCard();
    await tap(button('Save what you have'));
    await screen('Saved');
    return journey;
  }
  await tap(button('None of these'));
  await screen('About the person');
  await onAbout?.();
  await pick('age-band-50_59');
  await pick('sex');
  await page.selectOption('#ethnicity', 'black_caribbean');
  journey.taps += 1;
  await pick('english');
  if (postcode) {
    await type('#postcode', postcode);
    await tap(button('Find area'));
    await page.getByTestId('area').filter({ hasText: 'Area found' }).waitFor();
  }
  await pick(known === 'no' ? 'known-hypertension' : `known-hypertension-${known}`);
  await pick('smoking');
  for (const [index, [systolic, diastolic, irregular]] of readings.entries()) {
    const n = index + 1;
    if (n > 1) {
      await page.getByTestId('reading-prompt').waitFor();
      await page.waitForFunction(() => document.activeElement?.dataset.testid === 'reading-prompt');
      await axe?.check(page, `reading ${n}`);
    }
    await type(`#reading-${n}-systolic`, systolic);
    await type(`#reading-${n}-diastolic`, diastolic);
    await type(`#reading-${n}-pulse`, 72);
    if (irregular) await pick(`reading-${n}-irregular`);
    await tap(button('Continue'));
  }
  if (readings.some(([, , irregular]) => irregular)) {
    await screen('Check the pulse again');
    await pick(pulseStillIrregular ? 'pulse-repeat' : 'pulse-repeat-no');
    await tap(button('Continue'));
  }
  if (lowSymptoms) {
    await screen('Low blood pressure');
    if (lowSymptoms.length) {
      await pick('any-low-symptom');
      for (const code of lowSymptoms) await pick(code === 'fainting' ? 'low-symptoms' : `low-symptoms-${code}`);
    } else {
      await pick('any-low-symptom-no');
    }
    await tap(button('Continue'));
  }
  await screen('Result');
  await readCard();
  journey.texts.higherThanLast = await text('higher-than-last');
  journey.texts.advice = await page.locator('input[name="advice"]:checked').evaluateAll((boxes) => boxes.map((b) => b.value));
  if (await page.locator('#contact-consent').count()) {
    if (phone) {
      await pick('contact-consent');
      await type('#phone', phone);
    } else {
      await pick('contact-consent-no');
    }
  } else {
    assert.equal(phone, undefined, 'a contact number was given for a reading that is not flagged');
  }
  await tap(button('Continue'));
  await screen('Check your answers');
  journey.answers = await page.locator('.nhsuk-summary-list__row').evaluateAll((rows) => rows.map((row) => [
    row.querySelector('dt').textContent.trim(),
    row.querySelector('.nhsuk-summary-list__value').textContent.trim(),
    row.querySelector('.nhsuk-summary-list__actions button')?.textContent.trim().startsWith('Change') ?? false,
  ]));
  await tap(page.getByTestId('save'));
  await screen(numbersHeading);
  journey.texts.personMessage = await text('person-message');
  journey.texts.personSafetyNet = await text('person-safety-net');
  journey.texts.personHigherThanLast = await text('person-higher-than-last');
  journey.texts.personReading = (await page.locator('.stallside-your-numbers__reading').textContent()).trim();
  journey.chrome = await page.locator('header, [data-testid="syncbar"], .nhsuk-back-link').count();
  await page.getByTestId('saved').waitFor();
  return journey;
}

/**
 * Records one check through the whole flow and waits for "Saved", then starts the next.
 * readings: [[sys, dia], ...] typed in order (the protocol decides how many are asked for).
 * Returns the band.
 */
export async function recordCheck(page, { readings, phone, axe, screenshots } = {}) {
  const low = readings.at(-1)[0] < 90 || readings.at(-1)[1] < 60;
  const journey = await takeCheck(page, {
    readings, phone, axe, shots: screenshots, postcode: 'n1 9gu', lowSymptoms: low ? [] : undefined,
  });
  await page.getByRole('button', { name: 'Next check' }).click();
  return journey.band;
}

/** Opens the sync status in the header and asks for a sync now. */
export async function syncNow(page) {
  const status = page.getByTestId('syncbar');
  if ((await status.getAttribute('aria-expanded')) !== 'true') await status.click();
  await page.getByRole('button', { name: 'Sync now' }).click();
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

/** The keys of every entry in each of the phone's IndexedDB stores, by store name. */
export async function storedOnPhone(page) {
  return page.evaluate(() => new Promise((resolve, reject) => {
    const open = indexedDB.open('stallside');
    open.onerror = () => reject(open.error);
    open.onsuccess = () => {
      const db = open.result;
      const names = [...db.objectStoreNames];
      const tx = db.transaction(names, 'readonly');
      const counts = {};
      for (const name of names) {
        const request = tx.objectStore(name).getAllKeys();
        request.onsuccess = () => { counts[name] = request.result; };
      }
      tx.oncomplete = () => { db.close(); resolve(counts); };
      tx.onerror = () => reject(tx.error);
    };
  }));
}
