// The person checked, in their own language (issue 14), on a phone at 390×844: a check done
// in Arabic (right to left) and one in Bengali. The consent explanation and "Your numbers" are
// in the person's language with the volunteer's draft marker, numbers and the date are written
// the locale's way, the QR code decoded from the screen is exactly the take-away card's text
// (holding no identifier), axe-core finds nothing, and once seen a language opens offline.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { PHONE, artifacts, phonePage, useServerAndBrowser } from './harness.mjs';
import { AccessibilityLog, chooseStall, openAsVolunteer, takeCheck } from './volunteer.mjs';

const ctx = useServerAndBrowser();
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The messages of a language's Fluent file, with term references filled in. */
function messages(code) {
  const source = readFileSync(path.join(root, 'shared', 'locales', `${code}.ftl`), 'utf8');
  const entries = Object.fromEntries(
    source.split('\n').map((line) => line.match(/^(-?[a-z0-9-]+) = (.*)$/)).filter(Boolean).map((m) => [m[1], m[2]]),
  );
  return Object.fromEntries(Object.entries(entries).map(([id, text]) => [
    id, text.replace(/\{ (-[a-z0-9-]+) \}/g, (_, term) => entries[term]),
  ]));
}

const CASES = [
  {
    code: 'ar', dir: 'rtl', readings: [[152, 94], [150, 94]], situation: 'stage1', advice: ['lifestyle', 'gp', 'pharmacy'],
    sys: 150, dia: 94, script: /[\u0600-\u06FF]/,
  },
  {
    code: 'bn', dir: 'ltr', readings: [[118, 76]], situation: 'healthy', advice: ['lifestyle'],
    sys: 118, dia: 76, script: /[\u0980-\u09FF]/,
  },
];

/** Decodes the QR code on the screen from a screenshot of it. */
async function decodeQr(page) {
  const shot = await page.getByTestId('take-away-qr').locator('svg').screenshot();
  const png = PNG.sync.read(shot);
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.ok(found, 'the QR code on the screen decodes');
  return Buffer.from(found.binaryData).toString('utf8');
}

for (const c of CASES) {
  test(`a check in ${c.code} at ${PHONE.width}×${PHONE.height}: consent, Your numbers and the take-away card`, async () => {
    const words = messages(c.code);
    const axe = new AccessibilityLog();
    const { context, page } = await phonePage(ctx.browser, PHONE);
    await openAsVolunteer(page, ctx.server.url, axe);
    await chooseStall(page);

    const onConsent = async () => {
      const explanation = page.getByTestId('consent-explanation');
      await explanation.getByRole('heading', { name: words['consent-title'] }).waitFor();
      const person = page.getByTestId('for-person');
      assert.equal(await person.getAttribute('lang'), c.code);
      assert.equal(await person.getAttribute('dir'), c.dir);
      assert.equal((await explanation.locator('p').allTextContents()).join('\n'), `${words['consent-what']}\n${words['consent-privacy']}`);
      const privacy = page.getByTestId('privacy');
      assert.equal((await privacy.locator('summary').textContent()).trim(), words['privacy-title']);
      await privacy.locator('summary').click();
      assert.equal((await privacy.locator('[data-key="privacy-what"]').textContent()), words['privacy-what'], 'the privacy explanation in the language');
      assert.equal(await privacy.locator('h3').first().textContent(), words['privacy-what-heading']);
      assert.equal(await page.getByTestId('draft-translation').count(), 1, 'the volunteer sees the draft marker');
      assert.equal(await page.locator(`[data-language="${c.code}"]`).getAttribute('aria-pressed'), 'true');
      assert.equal(await page.getByRole('heading', { level: 1 }).textContent(), 'New check', "the volunteer's screen stays English");
      await axe.check(page, `consent in ${c.code}`);
      await page.screenshot({ path: path.join(artifacts, `language-${c.code}-consent.png`), fullPage: true });
    };
    const result = await takeCheck(page, {
      readings: c.readings, postcode: 'n1 9gu', language: c.code, onConsent, numbersHeading: words['your-numbers'], axe,
    });
    await page.screenshot({ path: path.join(artifacts, `language-${c.code}-your-numbers.png`), fullPage: true });

    assert.deepEqual(result.texts.advice, c.advice);
    assert.equal(result.texts.personMessage, words[`${c.situation}-message`], 'the message is the translation of the same row');
    const safetyNet = words[`${c.situation}-safety-net`] ?? null;
    assert.equal(result.texts.personSafetyNet, safetyNet);
    const person = page.getByTestId('for-person');
    assert.equal(await person.getAttribute('dir'), c.dir);
    // Numbers and the date the locale's way (the browser's Intl data: Bengali digits; Latin
    // digits for Arabic, as CLDR now has it and as the monitor shows them), top number first.
    const reading = (await page.locator('.stallside-your-numbers__reading span[dir="ltr"]').textContent()).trim();
    const expected = await page.evaluate(([code, sys, dia]) => `${sys.toLocaleString(code)}/${dia.toLocaleString(code)}`, [c.code, c.sys, c.dia]);
    assert.equal(reading, expected);
    if (c.code === 'bn') assert.match(reading, /^[০-৯]+\/[০-৯]+$/);
    assert.match(await page.getByTestId('checked-on').textContent(), c.script, 'the date in the language');
    const advice = await page.getByTestId('person-advice').locator('li').allTextContents();
    assert.deepEqual([...advice].sort(), c.advice.map((a) => words[`advice-${a.replace('_', '-')}`]).sort());

    const card = await page.getByTestId('take-away-card').textContent();
    assert.equal(await decodeQr(page), card, 'the QR code holds exactly the card');
    for (const part of [words['card-title'], expected, words[`${c.situation}-message`], ...advice]) {
      assert.ok(card.includes(part), `the card holds ${part}`);
    }
    assert.doesNotMatch(card, /[0-9a-f]{8}-[0-9a-f]{4}-|Saturday health stall|volunteer|N1 9GU|E01/i, 'no identifier on the card');
    assert.equal(await page.getByTestId('print-card').textContent(), words['print-card']);
    // Debian's headless Chromium has no speech voices: read-aloud is hidden, not broken.
    const voices = await page.evaluate((code) => speechSynthesis.getVoices().some((v) => v.lang.startsWith(code)), c.code);
    await page.waitForTimeout(1_200);
    assert.equal(await page.getByTestId('read-aloud').count(), voices ? 1 : 0);

    // Printing shows the card and nothing of the app's buttons.
    await page.emulateMedia({ media: 'print' });
    assert.ok(await page.getByTestId('take-away-card').isVisible(), 'the card prints');
    assert.equal(await page.getByTestId('print-card').isVisible(), false);
    await page.screenshot({ path: path.join(artifacts, `language-${c.code}-print.png`), fullPage: true });
    await page.emulateMedia({ media: 'screen' });

    // Once seen, the language is on the phone: it opens with no network.
    await page.getByRole('button', { name: 'Next check' }).click();
    await page.getByRole('heading', { name: 'New check' }).waitFor();
    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'New check' }).waitFor();
    await page.locator(`[data-language="${c.code}"]`).click();
    await page.getByTestId('consent-explanation').getByRole('heading', { name: words['consent-title'] }).waitFor();
    assert.equal(await page.getByTestId('language-fallback').count(), 0);
    await context.close();
    assert.deepEqual(axe.found, []);
  });
}
