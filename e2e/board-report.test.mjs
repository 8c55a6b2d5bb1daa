// The printable board report: a coordinator opens it from the dashboard, Chromium prints it to
// PDF (its own print to PDF, with the print stylesheet), and the PDF's text holds no count of
// 1 to 4, only "<5" and "*" in their place; the report passes axe-core.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { artifacts, phonePage, useServerAndBrowser } from './harness.mjs';
import { AccessibilityLog, chooseStall, recordCheck, signIn, waitAllSynced } from './volunteer.mjs';

const ctx = useServerAndBrowser();

/** Every text run of the PDF, page by page. */
async function pdfText(bytes) {
  const pdf = await getDocument({ data: new Uint8Array(bytes), useSystemFonts: true }).promise;
  const runs = [];
  for (let n = 1; n <= pdf.numPages; n += 1) {
    const content = await (await pdf.getPage(n)).getTextContent();
    runs.push(...content.items.map((item) => item.str).filter((s) => s.trim() !== ''));
  }
  return runs;
}

/** Where a count of 1 to 4 would stand: a cell on its own, "3 (50%)", "3 of 6", "of 3", "; 3 area". */
const SMALL_COUNT = [/^[1-4]$/, /^[1-4] \(/, /(^|[^\d])[1-4] of /, / of [1-4]([^\d%]|$)/, /; [1-4] area/];

test('the printable report, printed to PDF by Chromium, shows no count under 5', async () => {
  const axe = new AccessibilityLog();
  const { page: phone } = await phonePage(ctx.browser);
  await phone.goto(ctx.server.url);
  await signIn(phone, 'volunteer', 'volunteer-demo');
  await chooseStall(phone);
  for (const readings of [[[124, 79]], [[118, 72]], [[121, 80]], [[150, 95], [146, 92]], [[131, 84]], [[192, 122], [188, 121]]]) {
    await recordCheck(phone, { readings });
  }
  await waitAllSynced(phone);

  const context = await ctx.browser.newContext({ viewport: { width: 1280, height: 800 } });
  const laptop = await context.newPage();
  laptop.on('pageerror', (error) => console.error('page error:', error.message));
  await laptop.goto(`${ctx.server.url}/staff/`);
  await signIn(laptop, 'coordinator', 'coordinator-demo');
  await laptop.getByRole('heading', { name: 'Reach and equity' }).waitFor();
  await laptop.waitForFunction(() => document.querySelector('[data-testid="totals"]')?.dataset.checks === '6');
  const denominator = await laptop.getByTestId('core20-denominator').textContent();
  assert.match(denominator, /^Core20: \d+ of \d+ checks with a known area; \d+ unknown$/);

  await laptop.getByTestId('board-report-open').click();
  const report = laptop.getByTestId('board-report');
  await report.getByRole('heading', { name: 'Reach' }).waitFor();
  await axe.check(laptop, 'board report');
  assert.deepEqual(axe.found, []);

  await laptop.emulateMedia({ media: 'print' });
  const pdf = await laptop.pdf({ format: 'A4', printBackground: true });
  writeFileSync(path.join(artifacts, 'board-report.pdf'), pdf);
  const runs = await pdfText(pdf);
  const text = runs.join('\n');
  assert.match(text, /report for the board/);
  assert.match(text, /People checked/);
  assert.match(text, /<5/, 'six checks leave small groups, shown as <5');
  assert.doesNotMatch(text, /Print or save as PDF|Reach and equity/, 'the print stylesheet leaves only the report');
  const leaks = runs.filter((run) => SMALL_COUNT.some((pattern) => pattern.test(run)));
  assert.deepEqual(leaks, [], 'no count of 1 to 4 on paper');
});
