// The stall flow in a hurried volunteer's hands (issue 10), upright (390×844) and sideways
// (844×390): the five journeys of the issue and an irregular pulse, each with the order of its screens, the exact words on the
// volunteer's card and the person's screen, and its taps; axe-core finds nothing on any
// screen; and a check part-way through survives the back button, the Checks tab and a reload.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { LANDSCAPE, PHONE, artifacts, phonePage, quickHand, useServerAndBrowser } from './harness.mjs';
import { AccessibilityLog, assertNoSidewaysScroll, chooseStall, openAsVolunteer, signIn, takeCheck } from './volunteer.mjs';

const ctx = useServerAndBrowser();

const STALL = 'Saturday health stall';
const HIGH_999 = 'Call 999 if you get chest pain, a severe headache, changes in your vision, confusion or breathlessness.';
const LOW_999 = 'Call 999 if you faint and do not wake up quickly, or get chest pain or breathlessness.';
const IRREGULAR_999 = 'Call 999 if you get chest pain or breathlessness, feel faint, or notice signs of a stroke: a drooping face, a weak arm or slurred speech.';
const FLOW = ['New check', 'Symptoms now', 'About the person', 'Result', 'Check your answers', 'Your numbers'];

const JOURNEYS = [
  {
    name: 'healthy',
    check: { readings: [[118, 76]] },
    screens: FLOW,
    taps: 14,
    band: 'normal',
    advice: ['lifestyle'],
    texts: {
      label: 'Healthy range',
      sayThis: 'Your blood pressure is in the healthy range. Keep active and eat well, and have it checked again in 5 years.',
      safetyNet: null,
      personMessage: 'Your blood pressure is in the healthy range, between 90/60 and 120/80. Have it checked again in 5 years.',
      personSafetyNet: null,
      personReading: 'Blood pressure 118/76',
    },
  },
  {
    name: 'stage 1 with a second reading',
    check: { readings: [[152, 92], [148, 90]] },
    screens: FLOW,
    // The second reading (3 typed, Continue) and the person's answer about contact.
    taps: 14 + 4 + 1,
    band: 'stage1',
    advice: ['lifestyle', 'gp', 'pharmacy'],
    texts: {
      label: 'Raised (stage 1)',
      sayThis: 'Your blood pressure is a bit high. Please have it checked again at a pharmacy or by your GP within 3 weeks. They may ask you to wear a small monitor at home for a day.',
      safetyNet: HIGH_999,
      personMessage: 'Your blood pressure is a bit high. Please have it checked again at a pharmacy or by your GP within 3 weeks.',
      personSafetyNet: HIGH_999,
      personReading: 'Blood pressure 148/90',
    },
  },
  {
    name: 'very high with contact',
    check: { readings: [[190, 125], [186, 121]], phone: '07700 900123' },
    screens: FLOW,
    // The second reading, then "yes" to contact and the number.
    taps: 14 + 4 + 2,
    band: 'severe',
    advice: ['gp', 'nhs_111'],
    texts: {
      label: 'Very high',
      sayThis: 'Your blood pressure is very high. You need to see a doctor today: call your GP surgery, call NHS 111, or go to an urgent treatment centre.',
      safetyNet: HIGH_999,
      personMessage: 'Your blood pressure is very high. Please see a doctor today: call your GP surgery, call NHS 111, or go to an urgent treatment centre.',
      personSafetyNet: HIGH_999,
      personReading: 'Blood pressure 186/121',
    },
  },
  {
    name: 'low with fainting',
    check: { readings: [[85, 55]], lowSymptoms: ['fainting'] },
    screens: ['New check', 'Symptoms now', 'About the person', 'Low blood pressure', 'Result', 'Check your answers', 'Your numbers'],
    // "Yes", "Fainted recently", Continue; then the person's answer about contact.
    taps: 14 + 3 + 1,
    band: 'low_urgent',
    advice: ['gp'],
    texts: {
      label: 'Low, with fainting or a fall',
      sayThis: 'Your blood pressure is low, and you have fainted or fallen recently. Please see your GP today.',
      safetyNet: LOW_999,
      personMessage: 'Your blood pressure is low, and you have fainted or fallen recently. Please see your GP today.',
      personSafetyNet: LOW_999,
      personReading: 'Blood pressure 85/55',
    },
  },
  {
    name: 'irregular pulse',
    check: { readings: [[128, 82, true]], pulseStillIrregular: true },
    screens: ['New check', 'Symptoms now', 'About the person', 'Check the pulse again', 'Result', 'Check your answers', 'Your numbers'],
    // The irregular box; "Yes, still irregular" and Continue; the person's answer about contact.
    taps: 14 + 1 + 2 + 1,
    band: 'irregular_pulse',
    advice: ['gp'],
    texts: {
      label: 'Irregular pulse',
      sayThis: 'Your pulse is not regular. Please see your GP today to get it checked: it can be a heart rhythm problem, and it can make this blood pressure reading less reliable.',
      safetyNet: IRREGULAR_999,
      personMessage: 'Your pulse was not regular. Please see your GP today to get it checked.',
      personSafetyNet: IRREGULAR_999,
      personReading: 'Blood pressure 128/82',
    },
  },
  {
    name: 'emergency',
    check: { redFlags: ['red-flags'] },
    screens: ['New check', 'Symptoms now', 'Call 999 now', 'Saved'],
    // Consent, chest pain, "Call 999 now", "Save what you have".
    taps: 4,
    band: 'emergency',
    texts: {
      label: 'Emergency: call 999',
      sayThis: 'I am worried about these symptoms, so I am calling 999 for you now. Please stay sitting down with me.',
      safetyNet: 'Call 999 now. Stay with the person, and call again if they get worse while you wait.',
    },
  },
];

for (const [orientation, viewport] of [['upright', PHONE], ['sideways', LANDSCAPE]]) {
  test(`every journey at ${viewport.width}×${viewport.height}: screens, words and taps`, async () => {
    const axe = new AccessibilityLog();
    const { context, page } = await phonePage(ctx.browser, viewport);
    await openAsVolunteer(page, ctx.server.url, axe);
    await chooseStall(page, STALL);

    const taken = {};
    for (const journey of JOURNEYS) {
      const shots = path.join(artifacts, `stall-${orientation}-${journey.name.replace(/ /g, '-')}`);
      const result = await takeCheck(page, { ...journey.check, axe, shots, fullPage: orientation === 'upright' });
      taken[journey.name] = result.taps;
      assert.deepEqual(result.screens, journey.screens, journey.name);
      assert.equal(result.band, journey.band, journey.name);
      assert.equal(result.taps, journey.taps, `${journey.name}: taps`);
      assert.equal(result.texts.stall, STALL, 'the stall is named on the capture screens');
      for (const [key, expected] of Object.entries(journey.texts)) {
        assert.equal(result.texts[key], expected, `${journey.name}: ${key}`);
      }
      if (journey.advice) {
        assert.deepEqual(result.texts.advice, journey.advice, `${journey.name}: advice ticked from the band`);
        assert.equal(result.chrome, 0, 'the person sees their numbers with no app around them');
        assert.ok(result.answers.length >= 15, `${journey.name}: every answer is listed`);
        assert.ok(
          result.answers.every(([key, , change]) => change === (key !== 'Result')),
          `${journey.name}: each answer with a Change link (the result follows from them)`,
        );
        assert.ok(result.answers.some(([key, value]) => key === 'Result' && value === journey.texts.label));
        await page.getByRole('button', { name: 'Next check' }).click();
      } else {
        await page.getByRole('button', { name: 'Record another check' }).click();
      }
      await page.getByRole('heading', { name: 'New check' }).waitFor();
      await assertNoSidewaysScroll(page);
    }
    assert.ok(taken.healthy <= 14, 'a one-reading healthy check in at most 14 taps');

    // Everything recorded is on the phone, the emergency among them.
    await page.getByRole('button', { name: 'Checks' }).click();
    await page.getByRole('heading', { name: 'Checks on this phone' }).waitFor();
    await axe.check(page, 'checks');
    // (At least: the other orientation's checks, synced, come back to this phone too.)
    assert.ok((await page.getByTestId('record').count()) >= JOURNEYS.length);
    assert.ok(await page.locator('[data-testid="record"][data-band="emergency"]').count());
    await page.screenshot({ path: path.join(artifacts, `stall-${orientation}-checks.png`), fullPage: true });
    await context.close();
    assert.deepEqual(axe.found, []);
  });
}

test('a check part-way through survives the back button, the Checks tab, a correction and a reload', async () => {
  const axe = new AccessibilityLog();
  const { context, page } = await phonePage(ctx.browser);
  await page.goto(ctx.server.url);
  await signIn(page, 'volunteer', 'volunteer-demo');
  await chooseStall(page, STALL);
  // A saved check, to correct part-way through the next one.
  await takeCheck(page, { readings: [[116, 74]] });
  await page.getByRole('button', { name: 'Next check' }).click();

  await page.getByRole('button', { name: 'Yes, they agree' }).click();
  // A hurried volunteer taps into the first reading as the screen appears: the heading's
  // focus, a frame later, does not take the field (and the typing) away.
  await page.getByRole('heading', { name: 'Symptoms now' }).waitFor();
  assert.equal(await quickHand(page, 'None of these', '#reading-1-systolic'), 'reading-1-systolic');
  await page.getByRole('heading', { name: 'About the person' }).waitFor();
  await page.locator('label[for="age-band-60_69"]').click();
  await page.locator('label[for="sex-male"]').click();
  await page.fill('#reading-1-systolic', '131');
  const kept = () => page.waitForFunction(() => document.body.dataset.draft === 'saved');
  const answersShown = async () => {
    await page.getByRole('heading', { name: 'About the person' }).waitFor();
    assert.ok(await page.locator('#age-band-60_69').isChecked(), 'age kept');
    assert.ok(await page.locator('#sex-male').isChecked(), 'sex kept');
    assert.equal(await page.inputValue('#reading-1-systolic'), '131', 'reading kept');
  };

  // The browser's back button goes back a screen; forward again, nothing is lost.
  await kept();
  await page.goBack();
  await page.getByRole('heading', { name: 'Symptoms now' }).waitFor();
  await page.getByRole('button', { name: 'None of these' }).click();
  await answersShown();

  // The Checks tab asks first, and New check carries on where it was.
  await page.getByRole('button', { name: 'Checks' }).click();
  await page.getByRole('heading', { name: 'Leave this check?' }).waitFor();
  await axe.check(page, 'leave this check');
  await page.screenshot({ path: path.join(artifacts, 'stall-draft-leave.png'), fullPage: true });
  await page.getByRole('button', { name: 'Leave the check' }).click();
  await page.getByRole('heading', { name: 'Checks on this phone' }).waitFor();
  await page.getByRole('button', { name: 'New check' }).first().click();
  await page.getByTestId('restored').waitFor();
  await answersShown();

  // Correcting a saved check in between keeps its own draft, apart from the new check's.
  await page.getByRole('button', { name: 'Checks' }).click();
  await page.getByRole('button', { name: 'Leave the check' }).click();
  await page.getByRole('button', { name: /^Correct/ }).first().click();
  await page.getByTestId('stall-name').filter({ hasText: 'Correcting a saved check' }).waitFor();
  await page.locator('label[for="smoking-current"]').click();
  await kept();
  await page.getByRole('button', { name: 'Checks' }).click();
  await page.getByRole('button', { name: 'Leave the check' }).click();
  await page.getByRole('button', { name: 'New check' }).first().click();
  await page.getByTestId('restored').waitFor();
  await answersShown();

  // A reload (or the phone killing the browser) restores it and says so.
  await kept();
  await page.reload();
  await page.getByTestId('restored').waitFor();
  await answersShown();
  await axe.check(page, 'restored');
  await page.screenshot({ path: path.join(artifacts, 'stall-draft-restored.png'), fullPage: true });

  // A missing answer is named in the error summary, which takes the focus.
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.waitForFunction(() => document.activeElement?.classList.contains('nhsuk-error-summary'));
  assert.match(await page.locator('.nhsuk-error-summary').textContent(), /Choose an ethnic group/);
  await axe.check(page, 'problems');

  // Finishing the check forgets the draft.
  await page.selectOption('#ethnicity', 'white_british');
  for (const id of ['english', 'known-hypertension', 'smoking']) await page.locator(`label[for="${id}"]`).click();
  await page.fill('#reading-1-diastolic', '84');
  await page.fill('#reading-1-pulse', '70');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByRole('heading', { name: 'Result' }).waitFor();
  assert.equal(await page.locator('[data-testid="result"] h2').textContent(), 'At risk of high blood pressure');
  await page.getByRole('button', { name: 'Continue' }).click();
  await page.getByTestId('save').click();
  await page.getByTestId('your-numbers').waitFor();
  await kept();
  await page.reload();
  await page.getByRole('heading', { name: 'New check' }).waitFor();
  assert.equal(await page.getByTestId('restored').count(), 0, 'nothing to restore after saving');
  await context.close();
  assert.deepEqual(axe.found, []);
});
