// Trunk pre-build hook: compiles app/nhsuk.scss (the NHS design system subset) to
// target/nhsuk.css with the sass package, then drops the selectors no screen uses with
// PurgeCSS (the class names are read from the Rust views and the HTML pages), so Trunk can
// hash and serve it offline and the phone's first visit stays within its download budget.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as sass from 'sass';
import { PurgeCSS } from 'purgecss';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const compiled = sass.compile(path.join(root, 'app', 'nhsuk.scss'), {
  loadPaths: [path.join(root, 'node_modules')],
  style: 'compressed',
  quietDeps: true,
  silenceDeprecations: ['import'],
});
const [purged] = await new PurgeCSS().purge({
  content: [
    path.join(root, 'app', 'src', '**', '*.rs'),
    path.join(root, 'index.html'),
    path.join(root, 'app', 'staff.html'),
    path.join(root, 'app', '*.js'),
  ],
  css: [{ raw: compiled.css }],
  // Class names the views build at run time (`TextField`'s width), which no source names whole.
  safelist: { standard: [/^nhsuk-input--width-/] },
  // Keyframes and variables are kept: a rule that uses one may be kept by a class above.
  keyframes: false,
  variables: false,
});
mkdirSync(path.join(root, 'target'), { recursive: true });
writeFileSync(path.join(root, 'target', 'nhsuk.css'), purged.css);
console.log(`nhsuk.css: ${compiled.css.length} bytes compiled, ${purged.css.length} kept`);
