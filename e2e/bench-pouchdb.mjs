// The peer for the sync benchmark: PouchDB replicating the same 5,000 checks to
// pouchdb-server over loopback, as a phone with a local PouchDB would sync to its server.
//
// Installs `pouchdb-node` and `pouchdb-server` with npm into a temporary folder (nothing is
// added to the project's own package.json; set POUCHDB_DIR to a folder that already holds
// them to skip the install), reads the checks that `cargo bench -p stallside-server --bench
// sync` wrote to target/bench/checks-5000.json, stores them in a fresh local PouchDB (not
// timed, as the Stallside phone's saves are not), then times one `replicate.to` into an empty
// pouchdb-server database. Writes target/bench/pouchdb.json; bench-report.mjs prints the ratio.
import { execFileSync, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'target', 'bench');
const checks = JSON.parse(readFileSync(path.join(bench, 'checks-5000.json'), 'utf8'));
const work = mkdtempSync(path.join(tmpdir(), 'stallside-pouchdb-'));

const installed = process.env.POUCHDB_DIR ?? path.join(work, 'npm');
if (!existsSync(path.join(installed, 'node_modules', 'pouchdb-server'))) {
  console.error(`installing pouchdb-node and pouchdb-server into ${installed}`);
  execFileSync('npm', ['install', '--prefix', installed, '--no-audit', '--no-fund', '--no-save',
    'pouchdb-node@9', 'pouchdb-server@4'], { stdio: ['ignore', 'ignore', 'inherit'] });
}
const require = createRequire(path.join(installed, 'package.json'));
const PouchDB = require('pouchdb-node');

/** CPU seconds (user + system) of a process, from /proc. */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function waitForServer(url) {
  for (let i = 0; i < 300; i += 1) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`pouchdb-server did not start at ${url}`);
}

const port = 20000 + Math.floor(Math.random() * 20000);
const serverDir = path.join(work, 'server');
execFileSync('mkdir', ['-p', serverDir]);
const server = spawn(process.execPath, [
  path.join(installed, 'node_modules', 'pouchdb-server', 'bin', 'pouchdb-server'),
  '--host', '127.0.0.1', '--port', String(port), '--dir', serverDir, '--no-stdout-logs',
], { cwd: serverDir, stdio: 'ignore' });
try {
  const url = `http://127.0.0.1:${port}`;
  await waitForServer(url);

  const local = new PouchDB(path.join(work, 'phone'));
  const docs = checks.map((record) => ({ ...record, _id: record.id }));
  for (let i = 0; i < docs.length; i += 1000) {
    await local.bulkDocs(docs.slice(i, i + 1000));
  }
  const remote = new PouchDB(`${url}/checks`);
  await remote.info();

  const cpuBefore = cpuSeconds(server.pid);
  const started = process.hrtime.bigint();
  const result = await local.replicate.to(remote, { batch_size: 1000, batches_limit: 5 });
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const serverCpu = cpuSeconds(server.pid) - cpuBefore;
  const stored = (await remote.info()).doc_count;
  if (result.docs_written !== checks.length || stored !== checks.length) {
    throw new Error(`PouchDB wrote ${result.docs_written} and holds ${stored} of ${checks.length}`);
  }
  const out = {
    checks: checks.length,
    wall_ms: wallMs,
    checks_per_second: checks.length / (wallMs / 1000),
    server_cpu_seconds: serverCpu,
    pouchdb_node: require('pouchdb-node/package.json').version,
    pouchdb_server: require('pouchdb-server/package.json').version,
  };
  writeFileSync(path.join(bench, 'pouchdb.json'), JSON.stringify(out, null, 2));
  console.log(`PouchDB → pouchdb-server, ${checks.length} checks: ${wallMs.toFixed(0)} ms, server CPU ${serverCpu.toFixed(2)} s`);
  await local.close();
} finally {
  server.kill();
  rmSync(work, { recursive: true, force: true });
}
