// Trunk pre-build hook: compiles app/nhsuk.scss (the NHS design system subset) to
// target/nhsuk.css with the sass package, so Trunk can hash and serve it offline.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sass from 'sass';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const result = sass.compile(path.join(root, 'app', 'nhsuk.scss'), {
  loadPaths: [path.join(root, 'node_modules')],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import'],
});
mkdirSync(path.join(root, 'target'), { recursive: true });
writeFileSync(path.join(root, 'target', 'nhsuk.css'), result.css);
console.log(`nhsuk.css: ${result.css.length} bytes`);
