// The phone's side of the benchmarks, in Debian's Chromium at 390×844: first-visit transfer
// and WASM size, pulling 5,000 records, cold start with 5,000 records on the phone, save
// latency with 5,000 records, and the JS heap. Needs `target/bench/phone-5000` (made by
// `cargo bench -p stallside-server --bench sync`). Writes target/bench/phone.json.
import { cpSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchBrowser, phonePage, startServer } from './harness.mjs';
import { chooseStall, recordCheck, signIn } from './volunteer.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bench = path.join(root, 'target', 'bench');
const dataDir = mkdtempSync(path.join(tmpdir(), 'stallside-bench-phone-'));
cpSync(path.join(bench, 'phone-5000'), dataDir, { recursive: true });

const percentile = (values, q) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * q) - 1)];
};

const server = await startServer({ dataDir });
const browser = await launchBrowser();
const results = {};
try {
  const { context, page } = await phonePage(browser);
  const cdp = await context.newCDPSession(page);
  await cdp.send('Network.enable');
  const transfers = new Map();
  cdp.on('Network.responseReceived', (e) => transfers.set(e.requestId, { url: e.response.url, encoding: e.response.headers['content-encoding'] ?? e.response.headers['Content-Encoding'] ?? 'none', bytes: 0 }));
  cdp.on('Network.loadingFinished', (e) => {
    const t = transfers.get(e.requestId);
    if (t) t.bytes = e.encodedDataLength;
  });

  await page.goto(server.url);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await page.evaluate(async () => navigator.serviceWorker.ready);
  const firstVisit = [...transfers.values()].filter((t) => !t.url.includes('/api/'));
  results.first_visit_bytes = firstVisit.reduce((sum, t) => sum + t.bytes, 0);
  results.first_visit_files = firstVisit.map((t) => ({ file: new URL(t.url).pathname, encoding: t.encoding, bytes: t.bytes }));
  const dist = path.join(root, 'dist');
  const wasm = readdirSync(dist).find((f) => f.endsWith('_bg.wasm'));
  results.wasm_bytes = statSync(path.join(dist, wasm)).size;
  results.wasm_brotli_bytes = statSync(path.join(dist, `${wasm}.br`)).size;
  results.wasm_gzip_bytes = statSync(path.join(dist, `${wasm}.gz`)).size;
  results.app_brotli_bytes = readdirSync(dist)
    .filter((f) => f.endsWith('.br') && !f.startsWith('areas'))
    .reduce((sum, f) => sum + statSync(path.join(dist, f)).size, 0);

  // The pull is timed from the phone's first sync request; sign-in (the server's password
  // hash) is reported beside it, as the total a volunteer waits from pressing "Sign in". Three
  // fresh phones pull (the first is kept for what follows); the median is reported, with every
  // run, as one run on this machine moves by a fifth.
  const pulls = [await pullOnto(page)];
  for (let i = 0; i < 2; i += 1) {
    const fresh = await phonePage(browser);
    await fresh.page.goto(server.url);
    await fresh.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await fresh.page.evaluate(async () => navigator.serviceWorker.ready);
    pulls.push(await pullOnto(fresh.page));
    await fresh.context.close();
  }
  results.pull_5000_ms = percentile(pulls.map((p) => p.pull), 0.5);
  results.pull_5000_runs_ms = pulls.map((p) => p.pull);
  results.sign_in_and_pull_5000_ms = percentile(pulls.map((p) => p.signInAndPull), 0.5);

  const cold = [];
  for (let i = 0; i < 3; i += 1) {
    await page.reload();
    await page.waitForFunction(() => typeof window.stallsideReadyMs === 'number', null, { timeout: 30_000 });
    cold.push(await page.evaluate(() => window.stallsideReadyMs));
  }
  results.cold_start_5000_ms = percentile(cold, 0.5);
  results.cold_start_runs_ms = cold;

  // The same 5,000 as a phone that must send every one again (their server heads forgotten in
  // IndexedDB, as a phone whose acknowledgements were all lost): the app's push, 25 batches of
  // 200, each next one sent ahead of the answer to the last. The server holds every record
  // already, so it judges each against its copy and acknowledges it without storing.
  await page.evaluate(() => new Promise((resolve, reject) => {
    const opening = indexedDB.open('stallside');
    opening.onerror = () => reject(opening.error);
    opening.onsuccess = () => {
      const tx = opening.result.transaction('checks', 'readwrite');
      tx.objectStore('checks').openCursor().onsuccess = (e) => {
        const cursor = e.target.result;
        if (!cursor) return;
        const entry = JSON.parse(cursor.value.entry);
        entry.sync.server_heads = [];
        cursor.update({ ...cursor.value, entry: JSON.stringify(entry) });
        cursor.continue();
      };
      tx.oncomplete = () => { opening.result.close(); resolve(); };
      tx.onerror = () => reject(tx.error);
    };
  }));
  let firstPush = null;
  let pushes = 0;
  let out = 0;
  let mostOut = 0;
  page.on('request', (r) => {
    if (r.url().endsWith('/api/sync')) {
      firstPush ??= Date.now();
      pushes += 1;
      out += 1;
      mostOut = Math.max(mostOut, out);
    }
  });
  page.on('requestfinished', (r) => { if (r.url().endsWith('/api/sync')) out -= 1; });
  page.on('requestfailed', (r) => { if (r.url().endsWith('/api/sync')) out -= 1; });
  await page.reload();
  await page.waitForFunction(
    () => document.querySelector('[data-testid="syncbar"]')?.getAttribute('data-unsynced') === '0'
      && document.querySelector('[data-testid="syncbar"]')?.getAttribute('data-records') === '5000',
    null,
    { timeout: 120_000 },
  );
  results.push_again_5000_ms = Date.now() - firstPush;
  results.push_again_5000_requests = pushes;
  results.push_again_most_requests_out = mostOut;

  await page.getByRole('navigation').getByRole('button', { name: 'Stall', exact: true }).click();
  await chooseStall(page);
  for (let i = 0; i < 20; i += 1) {
    await recordCheck(page, { readings: [[118 + (i % 10), 76]] });
  }
  const saves = await page.evaluate(() => window.stallsideSaveTimes);
  results.save_ms_p50 = percentile(saves, 0.5);
  results.save_ms_p95 = percentile(saves, 0.95);
  results.save_runs = saves.length;
  const heap = await cdp.send('Runtime.getHeapUsage');
  results.js_heap_used_bytes = heap.usedSize;
} finally {
  await browser.close();
  await server.stop();
}
/** Signs the demo volunteer in on `page` and times the pull of their 5,000 records. */
async function pullOnto(page) {
  let firstSync = null;
  const onRequest = (r) => { if (firstSync === null && r.url().endsWith('/api/sync')) firstSync = Date.now(); };
  page.on('request', onRequest);
  const started = Date.now();
  await signIn(page, 'volunteer', 'volunteer-demo');
  await page.waitForFunction(
    () => document.querySelector('[data-testid="syncbar"]')?.getAttribute('data-records') === '5000',
    null,
    { timeout: 120_000 },
  );
  const finished = Date.now();
  page.off('request', onRequest);
  if (firstSync === null) throw new Error('the phone pulled without a sync request');
  return { pull: finished - firstSync, signInAndPull: finished - started };
}

writeFileSync(path.join(bench, 'phone.json'), JSON.stringify(results, null, 2));
console.log(JSON.stringify(results, null, 2));
