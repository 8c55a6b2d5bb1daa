// Trunk post-build hook. Writes the service worker with Workbox: it precaches every file of
// the build (hashed by Trunk) so the app opens with no network after one visit, serves
// index.html for navigations, and never caches the API. Then writes brotli (quality 11) and
// gzip (level 9) copies of the text and WASM files (and of the person's languages), which the server sends to browsers that
// accept them: the first visit's download is what a phone on a market stall pays for.
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import { generateSW } from 'workbox-build';

const dir = process.env.TRUNK_STAGING_DIR;
if (!dir) {
  console.error('post-build.mjs runs as a Trunk hook (TRUNK_STAGING_DIR is not set)');
  process.exit(1);
}

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
const inFolder = (folder) => (existsSync(`${dir}/${folder}`) ? readdirSync(`${dir}/${folder}`).map((f) => `${folder}/${f}`) : []);
const locales = inFolder('locales');
for (const name of [...readdirSync(dir), ...locales, ...inFolder('vendor')].filter((f) => /\.(html|js|wasm|css|webmanifest|csv|ftl)$/.test(f))) {
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
