// Trunk post-build hook. Writes the service worker with Workbox: it precaches every file of
// the build (hashed by Trunk) so the app opens with no network after one visit, serves
// index.html for navigations, and never caches the API. Then writes brotli (quality 11) and
// gzip (level 9) copies of the text and WASM files (and of the person's languages), which the server sends to browsers that
// accept them: the first visit's download is what a phone on a market stall pays for.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { minify } from 'terser';
import { generateSW } from 'workbox-build';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('post-build.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}

const inFolder = (folder) => (existsSync(`${dir}/${folder}`) ? readdirSync(`${dir}/${folder}`).map((f) => `${folder}/${f}`) : []);
// wasm-bindgen's snippets sit one folder deeper, a folder per crate.
const snippets = inFolder('snippets').flatMap((crate) => inFolder(crate));

// Trunk minifies the HTML and CSS but not wasm-bindgen's JS glue and snippets: Terser does,
// and the pages' integrity attributes are rewritten to the minified files' hashes.
const sri = (text) => `sha384-${createHash('sha384').update(text).digest('base64')}`;
const pages = readdirSync(dir).filter((f) => f.endsWith('.html'));
let html = pages.map((page) => readFileSync(`${dir}/${page}`, 'utf8'));
for (const name of [...readdirSync(dir), ...snippets].filter((f) => f.endsWith('.js'))) {
  const source = readFileSync(`${dir}/${name}`, 'utf8');
  const { code } = await minify(source, { module: true, compress: true, mangle: true });
  writeFileSync(`${dir}/${name}`, code);
  html = html.map((text) => text.replaceAll(sri(source), sri(code)));
}
pages.forEach((page, i) => writeFileSync(`${dir}/${page}`, html[i]));

// The staff screens (built into dist/staff) work online and need no service worker.
const staff = (process.env.TRUNK_PUBLIC_URL ?? '/').startsWith('/staff');
const { count, size, warnings } = staff ? { count: 0, size: 0, warnings: [] } : await generateSW({
  globDirectory: dir,
  globPatterns: ['**/*.{html,js,wasm,css,png,webmanifest,csv}'],
  // The QR reader (jsQR) is loaded only when a volunteer opens the camera on a browser
  // without its own barcode detection: not precached, kept once fetched (below).
  globIgnores: ['vendor/**'],
  swDest: `${dir}/sw.js`,
  // Hashed file names change with their content; the rest are revisioned by Workbox.
  dontCacheBustURLsMatching: /-[0-9a-f]{8,16}(_bg)?\.(js|wasm|css)$/,
  navigateFallback: '/index.html',
  navigateFallbackDenylist: [/^\/api\//, /^\/staff\//],
  // The person's languages are not in the first visit: each is fetched when first needed and
  // kept here, so a phone that has seen a language has it offline.
  runtimeCaching: [{
    urlPattern: /\/locales\/[a-z]+\.ftl$/,
    handler: 'StaleWhileRevalidate',
    options: { cacheName: 'stallside-locales' },
  }, {
    urlPattern: /\/vendor\/[\w.-]+\.js$/,
    handler: 'StaleWhileRevalidate',
    options: { cacheName: 'stallside-vendor' },
  }],
  maximumFileSizeToCacheInBytes: 8 * 1024 * 1024,
  // A new version takes over at once; unsynced checks live in IndexedDB, which it never touches.
  skipWaiting: true,
  clientsClaim: true,
  cleanupOutdatedCaches: true,
  inlineWorkboxRuntime: true,
  sourcemap: false,
  mode: 'production',
});
for (const warning of warnings) console.warn(warning);
console.log(`service worker: ${count} files precached, ${size} bytes`);

let before = 0;
let brotli = 0;
const locales = inFolder('locales');
for (const name of [...readdirSync(dir), ...locales, ...inFolder('vendor'), ...snippets].filter((f) => /\.(html|js|wasm|css|webmanifest|csv|ftl)$/.test(f))) {
  const bytes = readFileSync(`${dir}/${name}`);
  const br = brotliCompressSync(bytes, {
    params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: bytes.length },
  });
  writeFileSync(`${dir}/${name}.br`, br);
  writeFileSync(`${dir}/${name}.gz`, gzipSync(bytes, { level: 9 }));
  before += bytes.length;
  brotli += br.length;
}
console.log(`precompressed: ${before} bytes, ${brotli} as brotli`);
