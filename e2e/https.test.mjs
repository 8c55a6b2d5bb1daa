// The volunteer's journey over HTTPS served by the server itself (issue 16): a certificate made
// for this test, Chromium told to accept it (--ignore-certificate-errors, for this browser
// only), sign in, the service worker takes control, a check recorded with no signal survives a
// reload from the worker's cache, and syncs when the signal returns. HSTS comes with the page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { launchBrowser, phonePage, startServer } from './harness.mjs';
import { chooseStall, recordCheck, recordsOnPhone, signIn, waitAllSynced } from './volunteer.mjs';

const dir = mkdtempSync(path.join(tmpdir(), 'stallside-tls-'));
const cert = path.join(dir, 'cert.pem');
const key = path.join(dir, 'key.pem');
execFileSync('openssl', [
  'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes',
  '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1',
  '-addext', 'subjectAltName=IP:127.0.0.1,DNS:localhost',
], { stdio: 'ignore' });
const ca = readFileSync(cert);

/** One JSON request to the server, trusting this test's certificate and nothing else. */
function api(url, method, pathname, { token, body } = {}) {
  return new Promise((resolve, reject) => {
    const request = https.request(`${url}${pathname}`, {
      method,
      ca,
      headers: { 'content-type': 'application/json', ...(token && { authorization: `Bearer ${token}` }) },
    }, (response) => {
      let text = '';
      response.on('data', (chunk) => { text += chunk; });
      response.on('end', () => resolve({ status: response.statusCode, json: JSON.parse(text || 'null') }));
    });
    request.on('error', reject);
    request.end(body && JSON.stringify(body));
  });
}

const ctx = {};
before(async () => {
  ctx.server = await startServer({ args: ['--tls-cert', cert, '--tls-key', key] });
  ctx.browser = await launchBrowser(['--ignore-certificate-errors']);
});
after(async () => {
  await ctx.browser?.close();
  await ctx.server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('over HTTPS a volunteer signs in, works offline from the service worker, and syncs', async () => {
  assert.match(ctx.server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
  const { context, page } = await phonePage(ctx.browser);

  const first = await page.goto(ctx.server.url);
  assert.equal(first.headers()['strict-transport-security'], 'max-age=31536000');
  assert.equal(await page.evaluate(() => window.isSecureContext), true);
  await page.getByRole('heading', { name: 'Sign in' }).waitFor();
  await signIn(page, 'volunteer', 'volunteer-demo');
  await page.getByRole('heading', { name: "Today's stall" }).waitFor();
  await page.evaluate(async () => {
    await navigator.serviceWorker.ready;
  });
  await page.reload();
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null);
  await chooseStall(page);

  await context.setOffline(true);
  assert.equal(await recordCheck(page, { readings: [[122, 78]] }), 'normal');
  await page.reload();
  let onPhone = await recordsOnPhone(page);
  assert.deepEqual(onPhone.map((r) => r.status), ['On this phone']);

  await context.setOffline(false);
  await waitAllSynced(page);
  onPhone = await recordsOnPhone(page);
  assert.deepEqual(onPhone.map((r) => r.status), ['Synced']);

  const login = await api(ctx.server.url, 'POST', '/api/login', {
    body: { username: 'coordinator', password: 'coordinator-demo', device_id: 'e2e-https' },
  });
  assert.equal(login.status, 200);
  const records = await api(ctx.server.url, 'GET', '/api/records?limit=10', { token: login.json.token });
  assert.equal(records.status, 200);
  assert.equal(records.json.length, 1);
});
