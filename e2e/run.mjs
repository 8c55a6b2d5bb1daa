// Runs every browser test file in turn, each in its own `node --test` (its own server and
// Chromium). A file that fails is run once more from scratch: a failure that repeats fails
// the run; one that does not is reported as flaky, with the first run's output above it,
// so a rare timing fault in CI is seen and chased rather than hidden or blocking.
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((name) => name.endsWith('.test.mjs'))
  .filter((name) => only.length === 0 || only.some((wanted) => name.includes(wanted)))
  .sort();

const failed = [];
const flaky = [];
for (const name of files) {
  if (runFile(name, 1)) continue;
  console.log(`# ${name} failed: running it once more from scratch`);
  (runFile(name, 2) ? flaky : failed).push(name);
}

console.log(`# browser test files: ${files.length}, passed ${files.length - failed.length - flaky.length}, flaky ${flaky.length}, failed ${failed.length}`);
for (const name of flaky) console.log(`# FLAKY: ${name} failed, then passed when run again (its first run's output is above)`);
for (const name of failed) console.log(`# FAILED: ${name} failed twice`);
process.exit(failed.length === 0 && files.length > 0 ? 0 : 1);

/**
 * Runs one test file; true when every test in it passed. A test that hangs is stopped after
 * ten minutes; a run that could not start or was killed by a signal (out of memory, say)
 * stops everything, as running it again would not say anything about the tests.
 */
function runFile(name, attempt) {
  console.log(`# ${name}, run ${attempt}`);
  const run = spawnSync(process.execPath, ['--test', '--test-timeout=600000', path.join(here, name)], { stdio: 'inherit' });
  if (run.error || run.signal) {
    console.log(`# ${name} did not run to its end: ${run.error?.message ?? `killed by ${run.signal}`}`);
    process.exit(1);
  }
  return run.status === 0;
}
