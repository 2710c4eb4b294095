// In-browser benchmark (not a test): a 100k-row export placed by postcode, drop → table, as a
// ratio to the same file placed by name, interleaved in one headless Chromium. Each run opens a
// fresh page (a fresh worker: the postcode run includes fetching the postcode table).
// Make the file with `cargo bench -- postcodes` (writes /tmp/equimap-postcodes-100k.csv), build the
// site (`./x build`), then: node tests/e2e/bench_postcodes.mjs [runs]
import fs from 'node:fs';
import { serve, launch, openPage, waitState } from './helpers.mjs';

const file = '/tmp/equimap-postcodes-100k.csv';
const runs = Number(process.argv[2] || 7);
const server = await serve();
const browser = await launch();
const bytes = fs.readFileSync(file);
const views = { name: 'v=1&r=west-midlands&ac=district', postcode: 'v=1&r=west-midlands&pc=postcode' };
const times = { name: [], postcode: [] };
const totals = { name: [], postcode: [] };
for (let i = 0; i < runs; i++) {
  for (const [k, q] of Object.entries(views)) {
    const page = await openPage(browser, `${server.base}?${q}`);
    await waitState(page, ['ready']);
    const t0 = Date.now();
    await page.setInputFiles('[data-testid=file-input]', { name: 'grants.csv', mimeType: 'text/csv', buffer: bytes });
    await waitState(page, ['done'], 120000);
    times[k].push(Date.now() - t0);
    // The page's own measure, drop → results drawn (as the shared harness reads it).
    totals[k].push(await page.evaluate(() => performance.getEntriesByName('equimap:total').at(-1)?.duration ?? NaN));
    const a = await page.evaluate(() => window.__equimap.analysis.rows);
    if (i === 0) console.log(k, JSON.stringify(a), JSON.stringify(await page.evaluate(() => window.__equimap.analysis.resolved.placement?.by)));
    await page.context().close();
  }
}
const med = (v) => [...v].sort((a, b) => a - b)[Math.floor(v.length / 2)];
console.log(`| 100k rows, drop → table (Chromium) | by name (peer) | by postcode | postcode ÷ name |`);
console.log(`| median of ${runs} | ${med(times.name)} ms | ${med(times.postcode)} ms | ${(med(times.postcode) / med(times.name)).toFixed(2)}× |`);
console.log(`| equimap:total (drop → results drawn), median | ${med(totals.name).toFixed(0)} ms | ${med(totals.postcode).toFixed(0)} ms | ${(med(totals.postcode) / med(totals.name)).toFixed(2)}× |`);
console.log(JSON.stringify({ times, totals }));
await browser.close();
await server.close();
