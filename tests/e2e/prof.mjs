// Profiles the engine worker on one file with V8's sampling profiler (not a test; see BENCHMARKS.md):
// `node tests/e2e/prof.mjs DIST FILE` writes /tmp/v8prof/*.log; `node --prof-process` on the
// worker's log lists the hot wasm functions (build DIST with wasm-opt `-g` to keep their names).
import { chromium } from 'playwright-core';
import { serve } from './helpers.mjs';
const dist = process.argv[2], file = process.argv[3];
const { base, close } = await serve(dist);
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--js-flags=--prof --logfile=/tmp/v8prof/v8-%p.log --interpreted-frames-native-stack'] });
const page = await browser.newPage();
await page.goto(base + 'index.html?preset=peer-bench');
await page.waitForFunction(() => performance.getEntriesByName('equimap:ready').length > 0, null, { timeout: 60000 });
await page.setInputFiles('input[type=file]', file);
await page.waitForFunction(() => performance.getEntriesByName('equimap:total').length > 0, null, { timeout: 120000 });
console.log(await page.evaluate(() => performance.getEntriesByType('measure').map((m) => `${m.name}=${m.duration.toFixed(0)}`).join(' ')));
await browser.close(); await close();
