// Participant cards (issue 12) on a phone at 390×844: a coordinator prints a sheet of cards;
// a volunteer, offline, enters one card's code by typing it (in lower case, without spaces)
// at two checks, and the second shows the first's reading from the phone, with "higher than
// last time" for the volunteer and the person; a mistyped code gets a clear message and the
// check goes on without a card. After sync, a phone that never held those checks (a new
// volunteer's) shows the earlier readings from the server. A second test feeds the printed
// card's QR code to the camera (Chromium's fake capture device playing a Y4M made from the
// print page) and shows jsQR is fetched only when the camera opens. axe-core on every screen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';
import { PHONE, apiLogin, artifacts, launchBrowser, phonePage, useServerAndBrowser } from './harness.mjs';
import { AccessibilityLog, chooseStall, signIn, syncNow, takeCheck, waitAllSynced } from './volunteer.mjs';

const ctx = useServerAndBrowser();
const LAPTOP = { width: 1280, height: 800 };
/** Shared by the two tests: the printed cards' codes and the QR image of the first. */
const printed = {};

/** The coordinator's print page: ten cards, each QR code decoding to its printed code. */
async function printCards(browser, axe) {
  const context = await browser.newContext({ viewport: LAPTOP });
  const page = await context.newPage();
  await page.goto(`${ctx.server.url}/staff/`);
  await signIn(page, 'coordinator', 'coordinator-demo');
  await page.getByRole('heading', { name: 'Reach and equity' }).waitFor();
  await page.getByRole('navigation').getByRole('button', { name: 'Cards' }).click();
  await page.getByRole('heading', { name: 'Participant cards' }).waitFor();
  await axe.check(page, 'print cards');
  const codes = await page.getByTestId('card-code').allTextContents();
  assert.equal(codes.length, 10);
  assert.equal(new Set(codes).size, 10, 'every card is a fresh code');
  for (const code of codes) assert.match(code, /^[0-9A-HJKMNP-TV-Z]{4} [0-9A-HJKMNP-TV-Z]{4} [0-9A-HJKMNP-TV-Z]{3}$/);
  const shot = await page.getByTestId('participant-card').first().locator('svg').screenshot();
  const png = PNG.sync.read(shot);
  const found = jsQR(new Uint8ClampedArray(png.data), png.width, png.height);
  assert.equal(found?.data, codes[0].replaceAll(' ', ''), 'the QR code holds the printed code');
  await page.emulateMedia({ media: 'print' });
  await page.screenshot({ path: path.join(artifacts, 'cards-print.png'), fullPage: true });
  assert.equal(await page.getByRole('button', { name: 'Print' }).isVisible(), false, 'the sheet prints without the controls');
  const fresh = await page.getByTestId('card-code').allTextContents();
  await page.emulateMedia({ media: 'screen' });
  await page.getByRole('button', { name: 'Make new cards' }).click();
  await page.waitForFunction((old) => document.querySelector('[data-testid="card-code"]').textContent !== old, fresh[0]);
  await context.close();
  return { codes, png };
}

/** What the earlier-visits box shows: the readings (oldest first) and its note. */
async function earlierVisits(page) {
  const box = page.getByTestId('earlier-visits');
  await box.waitFor();
  await page.getByTestId('visits-note').waitFor();
  const rows = await box.getByTestId('earlier-visit').locator('td:nth-child(2)').allTextContents();
  return { readings: rows, note: await page.getByTestId('visits-note').textContent() };
}

test(`a typed card shows earlier readings offline from the phone and online from the server, at ${PHONE.width}×${PHONE.height}`, async () => {
  const axe = new AccessibilityLog();
  Object.assign(printed, await printCards(ctx.browser, axe));
  const [card] = printed.codes;
  const typed = card.replaceAll(' ', '').toLowerCase();

  const { context, page } = await phonePage(ctx.browser, PHONE);
  await page.goto(ctx.server.url);
  await signIn(page, 'volunteer', 'volunteer-demo');
  await chooseStall(page);
  await page.waitForFunction(() => navigator.serviceWorker?.controller);
  await context.setOffline(true);

  // First check with the card: nothing earlier anywhere.
  const first = await takeCheck(page, {
    readings: [[128, 80]],
    axe,
    onAbout: async () => {
      await page.fill('#card', typed);
      await page.locator('#card').blur();
      const { readings, note } = await earlierVisits(page);
      assert.deepEqual(readings, []);
      assert.match(note, /No connection: showing the 0 earlier checks this phone holds/);
      await axe.check(page, 'card entered, offline, nothing earlier');
    },
  });
  assert.equal(first.texts.higherThanLast, null);
  await page.getByRole('button', { name: 'Next check' }).click();

  // Second visit, still offline: the first reading from the phone, and higher than last time.
  const second = await takeCheck(page, {
    readings: [[152, 96], [150, 95]],
    axe,
    onAbout: async () => {
      await page.fill('#card', card);
      await page.locator('#card').blur();
      const { readings, note } = await earlierVisits(page);
      assert.deepEqual(readings, ['128/80']);
      assert.match(note, /showing the 1 earlier checks this phone holds/);
      assert.equal(await page.getByTestId('visits-chart').locator('circle').count(), 2);
      await page.screenshot({ path: path.join(artifacts, 'cards-earlier-offline.png'), fullPage: true });
      await axe.check(page, 'earlier visits from the phone');
    },
  });
  assert.match(second.texts.higherThanLast, /^Higher than last time: 128\/80 on /);
  assert.equal(second.band, 'stage1', 'triage of today is unchanged');
  assert.match(second.texts.personHigherThanLast, /^Your blood pressure is higher than at your last check, on /);
  await page.getByRole('button', { name: 'Next check' }).click();

  // A mistyped code (two neighbouring symbols swapped): a clear message, and the check goes on
  // without it.
  const compact = card.replaceAll(' ', '');
  const at = [...compact].findIndex((c, i) => c !== compact[i + 1]);
  const swapped = compact.slice(0, at) + compact[at + 1] + compact[at] + compact.slice(at + 2);
  const third = await takeCheck(page, {
    readings: [[118, 76]],
    axe,
    onAbout: async () => {
      await page.fill('#card', swapped);
      await page.locator('#card').blur();
      const error = page.getByTestId('card-error');
      await error.waitFor();
      assert.match(await error.textContent(), /mistyped or two are swapped/);
      await axe.check(page, 'a mistyped card');
      await page.getByTestId('without-card').click();
      assert.equal(await page.locator('#card').inputValue(), '');
      assert.equal(await error.count(), 0);
    },
  });
  assert.equal(third.screens.at(-1), 'Your numbers', 'saved without a card');
  await page.getByRole('button', { name: 'Next check' }).click();

  await context.setOffline(false);
  await syncNow(page);
  await waitAllSynced(page);
  await context.close();

  // A phone that never held those checks: a new volunteer's, the earlier readings from the server.
  const coordinator = await apiLogin(ctx.server.url, 'coordinator', 'coordinator-demo');
  const invited = await fetch(`${ctx.server.url}/api/users`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${coordinator.token}` },
    body: JSON.stringify({ username: 'kofi', display_name: 'Kofi (volunteer)', areas: ['E09000003', 'E09000019'] }),
  }).then((r) => r.json());
  const other = await phonePage(ctx.browser, PHONE);
  await other.page.goto(ctx.server.url);
  await signIn(other.page, 'kofi', invited.temporary_password);
  await chooseStall(other.page);
  await takeCheck(other.page, {
    readings: [[124, 78]],
    axe,
    onAbout: async () => {
      await other.page.fill('#card', card.toLowerCase());
      await other.page.locator('#card').blur();
      const { readings, note } = await earlierVisits(other.page);
      assert.deepEqual(readings, ['128/80', '150/95']);
      assert.match(note, /2 earlier checks: 0 on this phone, the rest from the server/);
      await other.page.screenshot({ path: path.join(artifacts, 'cards-earlier-server.png'), fullPage: true });
      await axe.check(other.page, 'earlier visits from the server');
    },
  });
  await other.page.getByRole('button', { name: 'Next check' }).click();
  await waitAllSynced(other.page);
  await other.context.close();
  assert.deepEqual(axe.found, []);
});

/** A Y4M video (4:2:0, grey) of the image centred on a white 640×480 frame, scaled 2×. */
function y4mOf(png, file) {
  const [width, height] = [640, 480];
  const luma = Buffer.alloc(width * height, 255);
  const [left, top] = [(width - 2 * png.width) >> 1, (height - 2 * png.height) >> 1];
  for (let y = 0; y < 2 * png.height; y += 1) {
    for (let x = 0; x < 2 * png.width; x += 1) {
      const i = ((y >> 1) * png.width + (x >> 1)) * 4;
      const [r, g, b] = [png.data[i], png.data[i + 1], png.data[i + 2]];
      luma[(top + y) * width + left + x] = Math.round(0.299 * r + 0.587 * g + 0.114 * b);
    }
  }
  const chroma = Buffer.alloc((width * height) / 2, 128);
  const frame = Buffer.concat([Buffer.from('FRAME\n'), luma, chroma]);
  const header = Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`);
  writeFileSync(file, Buffer.concat([header, frame, frame, frame]));
}

test('a card scanned with the camera: the scanner and jsQR are fetched only when the camera opens, and the earlier readings follow', async () => {
  assert.ok(printed.png, 'the first test printed the cards');
  const video = path.join(mkdtempSync(path.join(tmpdir(), 'stallside-camera-')), 'card.y4m');
  y4mOf(printed.png, video);
  const browser = await launchBrowser([
    '--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${video}`,
  ]);
  try {
    const axe = new AccessibilityLog();
    const { context, page } = await phonePage(browser, PHONE);
    await context.grantPermissions(['camera'], { origin: ctx.server.url });
    const fetched = [];
    const scanner = [];
    page.on('request', (request) => {
      if (request.url().includes('/vendor/jsQR.js')) fetched.push(request.url());
      if (new URL(request.url()).pathname === '/scan-card.js' && !request.serviceWorker()) scanner.push(request.url());
    });
    await page.goto(ctx.server.url);
    await signIn(page, 'volunteer', 'volunteer-demo');
    await chooseStall(page);
    await page.getByRole('button', { name: 'Yes, they agree' }).click();
    await page.getByRole('button', { name: 'None of these' }).click();
    await page.getByRole('heading', { name: 'About the person' }).waitFor();
    assert.deepEqual(fetched, [], 'nothing of the QR reader before the camera opens');
    assert.deepEqual(scanner, [], 'the page does not load the scanner before the camera opens');
    await page.getByTestId('scan-card').click();
    await page.getByTestId('card-camera').waitFor();
    await axe.check(page, 'camera open');
    await page.waitForFunction((code) => document.querySelector('#card')?.value === code, printed.codes[0], { timeout: 20_000 });
    const usesBrowserDetector = await page.evaluate(() => 'BarcodeDetector' in window);
    if (!usesBrowserDetector) assert.equal(fetched.length, 1, 'jsQR fetched once, when the camera opened');
    assert.equal(scanner.length, 1, 'the page imports the scanner once, when the camera opens');
    const { readings } = await earlierVisits(page);
    assert.deepEqual(readings, ['128/80', '150/95', '124/78'], "this phone's two and the other volunteer's one");
    assert.equal(await page.getByTestId('card-camera').count(), 0, 'the camera is closed after a read');
    await axe.check(page, 'scanned card');
    assert.deepEqual(axe.found, []);
  } finally {
    await browser.close();
  }
});
