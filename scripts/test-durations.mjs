// Rewrites test/setup/durations.json (seconds per test file, read by the test sequencer in
// test/setup/duration-sequencer.ts) from the durations Vitest recorded in its cache during the
// last run. Run after a full `npm test` on the 2-core machine: `node scripts/test-durations.mjs`.
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const cacheRoot = 'node_modules/.vite/vitest';
const table = {};
for (const dir of readdirSync(cacheRoot)) {
  let cache;
  try {
    cache = JSON.parse(readFileSync(join(cacheRoot, dir, 'results.json'), 'utf8'));
  } catch {
    continue;
  }
  for (const [key, { duration, failed }] of cache.results) {
    const path = key.slice(key.indexOf(':') + 1);
    if (!failed && duration > 0) table[path] = Math.round(duration / 100) / 10;
  }
}
const sorted = Object.fromEntries(Object.entries(table).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)));
const lines = Object.entries(sorted).map(([path, seconds]) => `${JSON.stringify(path)}: ${seconds}`);
writeFileSync('test/setup/durations.json', `{\n${lines.join(',\n')}\n}\n`);
console.log(`test/setup/durations.json: ${Object.keys(sorted).length} files, ${Object.values(sorted).reduce((a, b) => a + b, 0).toFixed(0)} s in all`);
