// Prints the benchmark table against DESIGN.md's budgets, from target/bench/server.json,
// target/bench/phone.json and target/bench/pouchdb.json (the PouchDB peer, when it ran), and
// writes target/bench/results.json with all three.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const bench = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', 'target', 'bench');
const server = JSON.parse(readFileSync(path.join(bench, 'server.json'), 'utf8'));
const phone = JSON.parse(readFileSync(path.join(bench, 'phone.json'), 'utf8'));
const pouchdbFile = path.join(bench, 'pouchdb.json');
const pouchdb = existsSync(pouchdbFile) ? JSON.parse(readFileSync(pouchdbFile, 'utf8')) : null;
const kb = (b) => `${(b / 1024).toFixed(0)} KB`;
const ms = (v) => `${v.toFixed(0)} ms`;
const rows = [
  ['First visit download (compressed, page load)', kb(phone.first_visit_bytes), '≤ 600 KB', phone.first_visit_bytes <= 600 * 1024],
  ['WASM (raw / brotli / gzip)', `${kb(phone.wasm_bytes)} / ${kb(phone.wasm_brotli_bytes)} / ${kb(phone.wasm_gzip_bytes)}`, '', null],
  ['All app files as brotli', kb(phone.app_brotli_bytes), '≤ 600 KB', phone.app_brotli_bytes <= 600 * 1024],
  ['Save a check, 5,000 on the phone (p50 / p95)', `${ms(phone.save_ms_p50)} / ${ms(phone.save_ms_p95)}`, 'p95 < 100 ms', phone.save_ms_p95 < 100],
  ['Open the app with 5,000 records', ms(phone.cold_start_5000_ms), '< 1 s', phone.cold_start_5000_ms < 1000],
  [`Pull 5,000 records onto a fresh phone (browser), from its first sync request, median of 3 (runs ${(phone.pull_5000_runs_ms ?? []).join(', ')} ms)`, ms(phone.pull_5000_ms), '≤ 1 s', phone.pull_5000_ms <= 1000],
  ['Sign in and pull 5,000 records (browser), median of 3', ms(phone.sign_in_and_pull_5000_ms), '', null],
  ['The browser phone sends its 5,000 again (requests; most out at once)', `${ms(phone.push_again_5000_ms)} (${phone.push_again_5000_requests}; ${phone.push_again_most_requests_out})`, '', null],
  ['JS heap after 5,000 records and 20 saves', kb(phone.js_heap_used_bytes), '', null],
  ['1 phone × 1,000 new checks', `${ms(server.ingest_1000.wall_ms)}, ${server.ingest_1000.checks_per_second.toFixed(0)}/s`, '', null],
  ['1 phone × 5,000 new checks', `${ms(server.ingest_5000.wall_ms)}, ${server.ingest_5000.checks_per_second.toFixed(0)}/s`, '< 5 s', server.ingest_5000.wall_ms < 5000],
  ['Server ingest rate (5,000)', `${server.ingest_5000.checks_per_second.toFixed(0)} checks/s`, '≥ 2,000/s', server.ingest_5000.checks_per_second >= 2000],
  ['Bytes on the wire per check ÷ its JSON', server.ingest_5000.wire_to_json_ratio.toFixed(2), '≤ 1.5', server.ingest_5000.wire_to_json_ratio <= 1.5],
  ['Server CPU for 5,000 checks (per check)', `${server.ingest_5000.server_cpu_seconds.toFixed(2)} s (${(server.ingest_5000.server_cpu_seconds / 5).toFixed(2)} ms)`, '', null],
  ['5,000 checks: goal of the second wave', ms(server.ingest_5000.wall_ms), '≤ 0.5 s', server.ingest_5000.wall_ms <= 500],
  ...(pouchdb ? [
    ['PouchDB → pouchdb-server, same 5,000 checks', `${ms(pouchdb.wall_ms)}, server CPU ${pouchdb.server_cpu_seconds.toFixed(2)} s`, '', null],
    ['Stallside time ÷ PouchDB time (5,000 checks)', (server.ingest_5000.wall_ms / pouchdb.wall_ms).toFixed(2), '< 1 (ahead)', server.ingest_5000.wall_ms < pouchdb.wall_ms],
  ] : []),
  ['Pull 5,000 records (native phone)', ms(server.pull_5000.wall_ms), '', null],
  ['200 phones × 50 checks at once (p50 / p99)', `${ms(server.phones_200.p50_ms)} / ${ms(server.phones_200.p99_ms)}, ${server.phones_200.errors} errors`, 'p99 < 1 s, 0 errors', server.phones_200.p99_ms < 1000 && server.phones_200.errors === 0],
  ['Dashboard over 1,000,000 records (warm / first)', `${ms(server.reports_1m.dashboard_median_ms)} / ${ms(server.reports_1m.dashboard_first_ms)}`, '< 1 s', server.reports_1m.dashboard_median_ms < 1000],
  ['Supervisor queue over 1,000,000 records', ms(server.reports_1m.queue_median_ms), '< 1 s', server.reports_1m.queue_median_ms < 1000],
];
const width = Math.max(...rows.map((r) => r[0].length));
console.log(`\n${'measure'.padEnd(width)}  ${'result'.padEnd(28)}  ${'budget'.padEnd(20)}  met`);
for (const [name, value, budget, met] of rows) {
  console.log(`${name.padEnd(width)}  ${value.padEnd(28)}  ${budget.padEnd(20)}  ${met === null ? '' : met ? 'yes' : 'NO'}`);
}
writeFileSync(path.join(bench, 'results.json'), JSON.stringify({ server, phone, pouchdb }, null, 2));
console.log(`\nresults: ${path.join(bench, 'results.json')}`);
