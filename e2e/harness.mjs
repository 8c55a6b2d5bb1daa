// Shared set-up for the browser tests: the real release server on a loopback port with a
// fresh SQLite file, and Debian's Chromium driven by playwright-core.
import { spawn } from 'node:child_process';
import { mkdtempSync, mkdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before } from 'node:test';
import { chromium } from 'playwright-core';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const artifacts = path.join(root, 'e2e', 'artifacts');
mkdirSync(artifacts, { recursive: true });

/** The phone viewport the volunteers use. */
export const PHONE = { width: 390, height: 844 };
/** The same phone turned sideways. */
export const LANDSCAPE = { width: 844, height: 390 };

/** Starts the server (with extra flags `args`); resolves with { url, dataDir, stop(), kill() }. */
export async function startServer({ dataDir, port = 0, args = [] } = {}) {
  const dir = dataDir ?? mkdtempSync(path.join(tmpdir(), 'stallside-e2e-'));
  const child = spawn(
    path.join(root, 'target', 'release', 'stallside-server'),
    ['--data-dir', dir, '--bind', `127.0.0.1:${port}`, '--dist', path.join(root, 'dist'), '--demo', ...args],
    { stdio: ['ignore', 'pipe', 'inherit'], env: { ...process.env, RUST_LOG: 'warn' } },
  );
  const url = await new Promise((resolve, reject) => {
    let seen = '';
    child.stdout.on('data', (chunk) => {
      seen += chunk;
      const match = seen.match(/running at (https?:\/\/[\d.:]+)/);
      if (match) resolve(match[1]);
    });
    child.on('exit', (code) => reject(new Error(`server exited with ${code}`)));
  });
  const exited = new Promise((resolve) => child.on('exit', resolve));
  return {
    url,
    dataDir: dir,
    port: Number(new URL(url).port),
    async stop() {
      child.kill('SIGTERM');
      await exited;
    },
    async kill() {
      child.kill('SIGKILL');
      await exited;
    },
  };
}

/** Launches Chromium (Debian's) headless with a fresh profile, with extra flags `args`. */
export async function launchBrowser(args = []) {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
      ...args,
    ],
  });
}

/** A phone-sized page in a new browser context (upright unless another viewport is given). */
export async function phonePage(browser, viewport = PHONE) {
  const context = await browser.newContext({ viewport, deviceScaleFactor: 2, isMobile: true, hasTouch: true });
  const page = await context.newPage();
  page.on('pageerror', (error) => console.error('page error:', error.message));
  page.on('console', (message) => { if (message.type() === 'error' && !message.text().includes('net::ERR_')) console.error('console:', message.text()); });
  // A call to the server that failed below HTTP (a reset or refused connection): named, so a
  // flaky run says which call it lost. Calls a test cut off on purpose (offline) are not.
  page.on('requestfailed', (request) => {
    const why = request.failure()?.errorText ?? '';
    const { pathname } = new URL(request.url());
    if (pathname.startsWith('/api/') && !/INTERNET_DISCONNECTED/.test(why)) console.error('request failed:', request.method(), pathname, why);
  });
  return { context, page };
}

/**
 * Waits for a staff screen's notice to say `text`; if it never does, fails with what the
 * screen said instead (a problem, another notice), so a failure in CI explains itself.
 */
export async function waitNotice(page, text, timeout = 30_000) {
  const notice = page.locator('#notice').filter({ hasText: text });
  try {
    await notice.waitFor({ timeout });
  } catch (error) {
    throw new Error(`no notice "${text}": the screen says ${JSON.stringify(await shownMessages(page))}`, { cause: error });
  }
  return notice.textContent();
}

/**
 * A quick hand: presses the button reading `buttonText` and, the moment `fieldSelector` is
 * drawn, puts focus in that field, before the browser's next frame; returns the id of the
 * element focused two frames later (a late focus move must not take it away). Fails if the
 * field is not drawn within 10 s.
 */
export async function quickHand(page, buttonText, fieldSelector) {
  return page.evaluate(async ([text, selector]) => {
    const button = [...document.querySelectorAll('button')].find((b) => b.textContent.trim() === text);
    if (!button) throw new Error(`no button "${text}"`);
    const focused = new Promise((resolve, reject) => {
      const focusField = () => {
        const field = document.querySelector(selector);
        if (!field) return false;
        field.focus();
        resolve();
        return true;
      };
      const observer = new MutationObserver(() => { if (focusField()) observer.disconnect(); });
      observer.observe(document.body, { childList: true, subtree: true });
      setTimeout(() => {
        observer.disconnect();
        reject(new Error(`no ${selector} within 10 s of pressing "${text}"`));
      }, 10_000);
      button.click();
      if (focusField()) observer.disconnect();
    });
    await focused;
    await new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));
    return document.activeElement?.id;
  }, [buttonText, fieldSelector]);
}

/** The notice, problems and heading a screen shows. */
async function shownMessages(page) {
  return page.evaluate(() => ['h1', '#notice', '.nhsuk-error-summary']
    .map((selector) => document.querySelector(selector)?.textContent?.trim() ?? `(no ${selector})`));
}

const axeSource = readFileSync(path.join(root, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');

/** Runs axe-core (WCAG 2.x A and AA rules) on the page; returns every violation, of any impact. */
export async function allViolations(page) {
  // Evaluated through the DevTools protocol, not added as an inline <script>, which the
  // server's Content-Security-Policy refuses as it would an attacker's.
  await page.evaluate(axeSource);
  const results = await page.evaluate(async () =>
    // eslint-disable-next-line no-undef
    axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'] } }),
  );
  return results.violations.map(
    (v) => `${v.impact}: ${v.id}: ${v.help} (${v.nodes.map((n) => n.target.join(' ')).join(', ')})`,
  );
}

/** Signs in through the API (for setting up other roles in a test). */
export async function apiLogin(url, username, password, deviceId = `e2e-${username}`) {
  const response = await fetch(`${url}/api/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ username, password, device_id: deviceId }),
  });
  if (!response.ok) throw new Error(`login ${username}: ${response.status}`);
  return response.json();
}

/**
 * Registers before/after hooks that start a server and a browser for the test file; the
 * returned object holds them once started (`ctx.server` may be replaced by a test).
 */
export function useServerAndBrowser() {
  const ctx = {};
  before(async () => {
    ctx.server = await startServer();
    ctx.browser = await launchBrowser();
  });
  after(async () => {
    await ctx.browser?.close();
    await ctx.server?.stop();
  });
  return ctx;
}
