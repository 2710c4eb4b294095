// Drop a boundaries file and time until the map draws every area (runs: median).
import { serve, launch, openPage, waitState } from './helpers.mjs';
import fs from 'node:fs';
const file = process.argv[2], n = Number(process.argv[3]), runs = Number(process.argv[4] || 7);
const srv = await serve(); const browser = await launch();
const times = [];
for (let r = 0; r < runs; r++) {
  const page = await openPage(browser, srv.base);
  await waitState(page, ['ready']);
  const buf = fs.readFileSync(file);
  const t0 = Date.now();
  await page.setInputFiles('[data-testid=areas-input]', { name: 'msoa400.geojson', mimeType: 'application/geo+json', buffer: buf });
  await page.waitForFunction((n) => document.querySelectorAll('svg path[data-code]').length === n, n, { timeout: 60000, polling: 'raf' });
  const inPage = await page.evaluate(() => performance.getEntriesByName('equimap:own-areas').map(e => e.duration));
  times.push([Date.now() - t0, inPage[0]]);
  await page.close();
}
times.sort((a, b) => a[0] - b[0]);
console.log(JSON.stringify({ file, bytes: fs.statSync(file).size, runs: times, median_ms: times[Math.floor(times.length / 2)] }));
await browser.close(); await srv.close();
