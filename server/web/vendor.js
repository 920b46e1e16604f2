// The npm build step: copies the browser libraries the app serves itself (no CDN) from
// node_modules into app/vendor/. Run by scripts/lib.sh (build_web) after `npm ci`.
'use strict';
const fs = require('fs');
const path = require('path');

const files = [
  ['chart.js/dist/chart.umd.min.js', 'chart.umd.min.js'],
  ['chart.js/LICENSE.md', 'chart.js-LICENSE.md'],
];
const out = path.join(__dirname, 'app', 'vendor');
fs.mkdirSync(out, { recursive: true });
for (const [from, to] of files) {
  fs.copyFileSync(path.join(__dirname, 'node_modules', from), path.join(out, to));
}
console.log(`web: ${files.length} vendor files in ${path.relative(process.cwd(), out) || out}`);
