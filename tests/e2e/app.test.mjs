// End-to-end: the release build served under /equimap/, driven in headless Chromium the way a person
// uses it. Figures on the page are compared with `equimap analyze` (the same engine, natively).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { serve, launch, openPage, offsite, waitState, pickFile, pickText, shared, repo, cli, analysis } from './helpers.mjs';

const MCMF = path.join(shared, 'chicago/programs/mcmf_programs_2024.csv');
const AC = path.join(shared, 'west-midlands/uploads/arts-council-investment-programme.csv');
let server, browser;
// Screenshots for a person to look at (copy the good ones to docs/ by hand).
const shots = process.env.SCREENSHOTS || '/tmp/equimap-screenshots';
fs.mkdirSync(shots, { recursive: true });

const text = (page, id) => page.textContent(`[data-testid=${id}]`);

before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

test('opening the site draws the default need map of Chicago', async () => {
  const page = await openPage(browser, server.base);
  assert.equal(await waitState(page, ['ready']), 'ready');
  await page.waitForSelector('[data-testid=map] path');
  assert.equal(await page.locator('[data-testid=map] path').count(), 77);
  const measures = await page.evaluate(() => performance.getEntriesByType('measure').map((m) => m.name));
  assert.ok(measures.includes('equimap:ready'), measures.join());
  assert.match(await page.textContent('h2'), /Median household income/);
  assert.deepEqual(offsite(page), []);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('picking an export shows the engine\'s figures; a filter changes them as the engine says', async () => {
  const page = await openPage(browser);
  // What the page holds at the moment it measures `equimap:total` (the benchmark's end point).
  await page.addInitScript(() => {
    const measure = performance.measure.bind(performance);
    performance.measure = (name, ...rest) => {
      if (name === 'equimap:total') {
        window.__atTotal = {
          tableRows: document.querySelectorAll('[data-testid=equity-table] tbody tr').length,
          rowsIn: document.querySelector('[data-testid=rows-in]')?.textContent,
          supply: document.querySelector('[data-testid=total-supply]')?.textContent,
        };
      }
      return measure(name, ...rest);
    };
  });
  await page.goto(server.base);
  await waitState(page, ['ready']);
  await pickFile(page, MCMF);
  await waitState(page, ['done']);
  await page.waitForSelector('[data-testid=equity-table] tbody tr');
  const want = cli('--region', 'chicago', '--programs', MCMF);
  const got = await analysis(page);
  assert.deepEqual(got.rows, want.rows);
  assert.deepEqual(got.areas, want.areas);
  assert.deepEqual(got.summary, want.summary);
  assert.equal(await text(page, 'rows-in'), String(want.rows.in));
  assert.equal(await text(page, 'rows-matched'), String(want.rows.matched));
  assert.equal(await text(page, 'rows-unmatched'), String(want.rows.unmatched));
  assert.equal(await page.locator('[data-testid=equity-table] tbody tr').count(), 77);
  assert.equal(await text(page, 'total-supply'), want.summary.supply_total.toLocaleString('en-US'));
  const measures = await page.evaluate(() => performance.getEntriesByType('measure').map((m) => m.name));
  assert.ok(measures.includes('equimap:total'), measures.join());
  assert.ok(measures.includes('equimap:paint'), measures.join());
  // `equimap:total` ends once the results are in the page, not before.
  assert.deepEqual(await page.evaluate(() => window.__atTotal), {
    tableRows: 77, rowsIn: String(want.rows.in), supply: want.summary.supply_total.toLocaleString('en-US'),
  });

  // Keep only online programs.
  await page.selectOption('[data-testid=filter-column]', 'meeting_type');
  await page.selectOption('[data-testid=filter-value]', 'online');
  await page.click('[data-testid=add-filter]');
  await page.waitForFunction(() => window.__equimap.analysis.rows.excluded > 0);
  const want2 = cli('--region', 'chicago', '--programs', MCMF, '--where', 'meeting_type=online');
  const got2 = await analysis(page);
  assert.deepEqual(got2.rows, want2.rows);
  assert.deepEqual(got2.summary, want2.summary);
  assert.equal(await text(page, 'rows-excluded'), String(want2.rows.excluded));

  // The share link reopens the same view once the same file is given again.
  const link = await page.inputValue('[data-testid=share-link]');
  assert.ok(link.startsWith(server.base), link);
  assert.ok(link.length < 2000, `link is ${link.length} characters`);
  assert.ok(!link.includes('Youth Continuum'), 'no data in the link');
  const fresh = await openPage(browser, link);
  await waitState(fresh, ['ready']);
  assert.match(await text(fresh, 'need-file'), /Drop mcmf_programs_2024\.csv/);
  await pickFile(fresh, MCMF);
  await waitState(fresh, ['done']);
  await fresh.waitForFunction(() => window.__equimap.analysis.rows.excluded > 0);
  assert.deepEqual(await analysis(fresh), got2);
  await page.screenshot({ path: path.join(shots, 'screenshot.png'), fullPage: false });
  assert.deepEqual(offsite(page), []);
  assert.deepEqual(offsite(fresh), []);
  assert.deepEqual(page.errors, []);
  await fresh.close();
  await page.close();
});

test('a tampered link shows what could not be restored and the page still works', async () => {
  const page = await openPage(browser, server.base + '?v=7&r=chicago&k=99&cls=pretty&top=-4&sup=sum:&zzz=1&l=nowhere&ages=a~b~9~1');
  await waitState(page, ['ready']);
  await page.waitForSelector('[data-testid=link-problems]');
  await page.waitForSelector('[data-testid=map] path');
  const msg = await text(page, 'link-problems');
  for (const bit of ['k=99', 'cls=pretty', 'top=-4', 'nowhere']) assert.ok(msg.includes(bit), `${bit} in: ${msg}`);
  assert.equal(await page.locator('[data-testid=map] path').count(), 77);
  const evil = await openPage(browser, server.base + '?r=%3Cscript%3Ewindow.__pwned%3D1%3C%2Fscript%3E');
  await waitState(evil, ['ready']);
  assert.match(await text(evil, 'link-problems'), /unknown region/);
  assert.equal(await evil.evaluate(() => window.__pwned), undefined);
  assert.deepEqual(page.errors, []);
  await evil.close();
  await page.close();
});

test('West Midlands preset: Arts Council funding per head matches the engine', async () => {
  const page = await openPage(browser, server.base);
  await waitState(page, ['ready']);
  await page.click('text=Arts Council funding per head vs deprivation, West Midlands');
  await page.waitForFunction(() => window.__equimap?.analysis?.region === 'west-midlands', null, { timeout: 60000 });
  const got = await analysis(page);
  assert.equal(got.summary.supply_total, 56112217);
  assert.equal(got.rows.matched, 93);
  assert.equal(got.areas.filter((a) => a.supply === 0).length, 13);
  assert.equal(await text(page, 'total-supply'), '£56,112,217');
  assert.equal(await page.locator('[data-testid=map] path').count(), 30);
  const want = cli('--region', 'west-midlands', '--programs', AC, '--area-column', 'Local authority',
    '--supply', 'sum:2023-26 Annual Funding (Offered 4 Nov 2022)', '--where', 'ONS region=West Midlands', '--group', 'wmca_group');
  assert.deepEqual(got.areas, want.areas);
  // Downloads: the map as SVG and PNG, the table as CSV, the matched rows.
  const grab = async (testid) => {
    const [dl] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid=${testid}]`)]);
    return { name: dl.suggestedFilename(), bytes: fs.readFileSync(await dl.path()) };
  };
  const svg = await grab('export-svg');
  assert.equal(svg.name, 'equimap-map.svg');
  assert.equal((svg.bytes.toString().match(/<path /g) || []).length, 30);
  const png = await grab('export-png');
  assert.equal(png.name, 'equimap-map.png');
  assert.deepEqual([...png.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
  const table = await grab('download-table');
  assert.equal(table.bytes.toString().trim().split('\n').length, 31);
  const matched = await grab('download-matched');
  assert.ok(matched.bytes.toString().startsWith('line,area_code,area_name,Applicant Name'), matched.bytes.toString().slice(0, 80));
  assert.ok(matched.bytes.toString().includes('E07000221,Stratford-on-Avon,Royal Shakespeare Company'));
  assert.deepEqual(offsite(page), []);
  await page.screenshot({ path: path.join(shots, 'screenshot-west-midlands.png'), fullPage: false });
  await page.close();
});

test('hostile names in a dropped file render as text and run nothing', async () => {
  const page = await openPage(browser, server.base);
  await waitState(page, ['ready']);
  const csv = 'program_id,community_name,program_name\n4,LOOP,c\n5,AUSTIN,d\n6,AUSTIN,e\n1,"<img src=x onerror=""window.__pwned=1"">",a\n2,javascript:alert(1),b\n3,LOOP,"<script>window.__pwned=2</script>"\n';
  await pickText(page, 'evil.csv', csv);
  await waitState(page, ['done']);
  assert.equal(await page.evaluate(() => window.__pwned), undefined);
  assert.equal(await page.locator('[data-testid=match-report] img').count(), 0);
  assert.match(await text(page, 'match-report'), /<img src=x onerror=/);
  await page.close();
});

test('an unmatched name is assigned to an area from its list, and its rows are matched', async () => {
  const page = await openPage(browser, server.base);
  await waitState(page, ['ready']);
  const csv = 'program_id,community_name\n1,LOOP\n2,Zyzzyva Park\n3,Zyzzyva Park\n4,AUSTIN\n';
  await pickText(page, 'assign.csv', csv);
  await waitState(page, ['done']);
  assert.equal(await text(page, 'rows-matched'), '2');
  assert.equal(await text(page, 'rows-unmatched'), '2');
  const select = page.locator('select[aria-label="Assign Zyzzyva Park to an area"]');
  // Reaching for the list (pointer or keyboard focus) lists every area of the level.
  await select.focus();
  await page.waitForFunction(() => document.querySelector('select[aria-label="Assign Zyzzyva Park to an area"]').options.length >= 78);
  await select.selectOption('32');
  await page.waitForFunction(() => document.querySelector('[data-testid=rows-matched]').textContent === '4');
  assert.equal(await text(page, 'rows-unmatched'), '0');
  assert.match(await text(page, 'match-report'), /Zyzzyva Park → The Loop/);
  assert.equal((await analysis(page)).areas.find((a) => a.code === '32').supply, 3);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a file of indicators keyed by area code becomes a map layer', async () => {
  const page = await openPage(browser, server.base);
  await waitState(page, ['ready']);
  await page.waitForSelector('[data-testid=map] path');
  const rows = ['community_area,libraries'];
  for (let i = 1; i <= 77; i++) rows.push(`${i},${i % 4}`);
  await pickText(page, 'libraries.csv', rows.join('\n') + '\n');
  await page.waitForFunction(() => document.querySelector('[role=status]').textContent.includes('added area indicators'));
  assert.match(await page.textContent('[role=status]'), /libraries \(joined on "community_area"\)/);
  await page.selectOption('[data-testid=map-layer]', 'libraries');
  await page.waitForFunction(() => document.querySelector('.map-panel h2').textContent.includes('libraries'));
  assert.equal(await page.locator('[data-testid=legend] li').count(), 4);
  assert.deepEqual(offsite(page), []);
  await page.close();
});

test('a portal export is placed by its coordinates on the full-resolution boundaries (fetched only then); the runner-up and the cross-check are shown', async () => {
  // A Socrata-style export: a Location of "(lat, lon)" text and a computed-region column of small
  // numbers that look like community area numbers but are the portal's own.
  let seed = 7;
  const rand = () => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  const rows = ['Program,Location,Community Areas'];
  for (let i = 0; i < 300; i++) {
    const lat = (41.70 + rand() * 0.25).toFixed(5);
    const lon = (-87.80 + rand() * 0.15).toFixed(5);
    rows.push(`p${i},"(${lat}, ${lon})",${1 + Math.floor(rand() * 77)}`);
  }
  const csv = rows.join('\n') + '\n';
  const file = path.join(shots, 'portal-export.csv');
  fs.writeFileSync(file, csv);
  const page = await openPage(browser, server.base);
  await waitState(page, ['ready']);
  assert.ok(!page.requests.some((u) => u.includes('placement.geojson')), 'no placement boundaries on first visit');
  await pickText(page, 'portal-export.csv', csv);
  await waitState(page, ['done']);
  assert.ok(page.requests.some((u) => u.endsWith('chicago/community_area/placement.geojson')), 'placement boundaries fetched for a file with coordinates');
  const want = cli('--region', 'chicago', '--programs', file);
  const got = await analysis(page);
  assert.deepEqual(got.resolved.placement, want.resolved.placement);
  assert.deepEqual(got.cross_check, want.cross_check);
  assert.deepEqual(got.rows, want.rows);
  assert.deepEqual(got.areas, want.areas);
  assert.equal(want.resolved.placement.by, 'coordinates');
  const placement = await text(page, 'placement');
  assert.match(placement, /Placed by Location \(coordinates/);
  assert.match(placement, /Also possible: Community Areas \(area codes\)/);
  assert.equal(await page.locator('[data-testid=cross-check].warning').count(), 1);
  assert.match(await text(page, 'cross-check'), new RegExp(`disagrees with Location \\(coordinates\\) for ${want.cross_check.disagree} of ${want.cross_check.compared} rows`));
  // The rows that disagree download as CSV.
  const [download] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-disagreeing]')]);
  const body = fs.readFileSync(await download.path(), 'utf8').trim().split('\n');
  assert.equal(body[0], 'line,other_value,area_code,other_area_code');
  assert.equal(body.length - 1, want.cross_check.disagree);
  await page.screenshot({ path: path.join(shots, 'cross-check.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
  assert.deepEqual(offsite(page), []);
  await page.close();
});

test('projected x/y coordinates (Illinois State Plane feet) are converted in the page: the rows land where PROJ\'s latitude/longitude put them', async () => {
  // Points of the 2023 export with their x/y in EPSG:3435 and their latitude/longitude, both
  // from PROJ (tests/fixtures/projected_points.csv): the file with x/y only and the file with
  // latitude/longitude only give the same counts per area, in the page and by the command line.
  const fixture = fs.readFileSync(path.join(repo, 'tests/fixtures/projected_points.csv'), 'utf8').trim().split('\n').slice(1)
    .map((l) => l.split(',')).filter((c) => c[0] === 'EPSG:3435');
  const xy = ['Case Number,X Coordinate,Y Coordinate', ...fixture.map((c, i) => `JA${i},${c[1]},${c[2]}`)].join('\n') + '\n';
  const ll = ['Case Number,Latitude,Longitude', ...fixture.map((c, i) => `JA${i},${c[3]},${c[4]}`)].join('\n') + '\n';
  const xyFile = path.join(shots, 'crimes-xy.csv');
  fs.writeFileSync(xyFile, xy);
  const page = await openPage(browser, server.base);
  await waitState(page, ['ready']);
  await pickText(page, 'crimes-xy.csv', xy);
  await waitState(page, ['done']);
  const byXy = await analysis(page);
  await pickText(page, 'crimes-ll.csv', ll);
  await waitState(page, ['done']);
  const byLl = await analysis(page);
  const supply = (a) => Object.fromEntries(a.areas.map((r) => [r.code, r.supply]));
  assert.deepEqual(byXy.rows, byLl.rows);
  assert.ok(byXy.rows.matched >= fixture.length - 5, `${byXy.rows.matched} of ${fixture.length}`);
  assert.deepEqual(supply(byXy), supply(byLl));
  // The command line converts with the same library; the platform's sine and cosine may differ
  // in the last bits (distances to 1e-9 km), the counts never.
  const want = cli('--region', 'chicago', '--programs', xyFile);
  assert.deepEqual(supply(byXy), supply(want));
  byXy.areas.forEach((r, i) => assert.ok(Math.abs((r.nearest_km ?? 0) - (want.areas[i].nearest_km ?? 0)) < 1e-9, r.name));
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('a venue list is placed by its postcodes, the postcode table fetched only for it; the runner-up and the cross-check are shown', async () => {
  // Real postcodes of the region's lists (every 400th), in the spellings people use, with the
  // county names a venue list gives (Staffordshire spans eight districts).
  const rows = ['Venue,Local authority,Postcode'];
  const spell = ['%', 'lower', 'nospace', '%.'];
  let i = 0;
  for (const area of ['B', 'WV', 'ST', 'CV']) {
    const lines = fs.readFileSync(path.join(shared, `west-midlands/postcodes/${area}.csv`), 'utf8').trim().split('\n').slice(1);
    for (let k = 0; k < lines.length; k += 400) {
      const pc = lines[k].split(',')[0];
      const s = spell[i % 4];
      const written = s === 'lower' ? pc.toLowerCase() : s === 'nospace' ? pc.replace(' ', '') : s.replace('%', pc);
      rows.push(`Venue ${i++},${area === 'ST' ? 'Staffordshire' : 'Birmingham'},${written}`);
    }
  }
  rows.push('Venue x,Birmingham,N/A', 'Venue y,Birmingham,B1 IAA');
  const csv = rows.join('\n') + '\n';
  const file = path.join(shots, 'venues-postcodes.csv');
  fs.writeFileSync(file, csv);
  const page = await openPage(browser, `${server.base}?v=1&r=west-midlands`);
  await waitState(page, ['ready']);
  assert.ok(!page.requests.some((u) => u.includes('postcodes.parquet')), 'no postcode table on first visit');
  await pickText(page, 'venues-postcodes.csv', csv);
  await waitState(page, ['done']);
  const want = cli('--region', 'west-midlands', '--programs', file);
  const got = await analysis(page);
  assert.equal(want.resolved.placement.by, 'postcode');
  assert.deepEqual(got.resolved.placement, want.resolved.placement);
  assert.deepEqual(got.cross_check, want.cross_check);
  assert.deepEqual(got.rows, want.rows);
  assert.deepEqual(got.areas, want.areas);
  assert.deepEqual(got.unmatched_values, want.unmatched_values);
  const placement = await text(page, 'placement');
  assert.match(placement, /Placed by Postcode \(postcodes/);
  assert.match(placement, /Also possible: Local authority \(area names\)/);
  // The list calls every B, WV and CV venue "Birmingham": the postcodes say otherwise, and the
  // cross-check warns with the count the engine computes.
  assert.ok(want.cross_check.warning);
  assert.match(await text(page, 'cross-check'), new RegExp(`Local authority \\(area names\\) disagrees with Postcode \\(postcodes\\) for ${want.cross_check.disagree} of ${want.cross_check.compared} rows`));
  const report = await page.textContent('table.unmatched');
  assert.match(report, /B1 IAA.*nearest valid: B1 1AA/s);
  assert.match(report, /N\/A.*not a postcode/s);
  await page.screenshot({ path: path.join(shots, 'postcodes.png'), fullPage: true });
  assert.deepEqual(page.errors, []);
  assert.deepEqual(offsite(page), []);
  await page.close();
});

test('a funder\'s workbook dropped in the page is read by the spreadsheet reader: its sheet, header below title rows, figures as the CLI\'s', async () => {
  const file = path.join(repo, 'tests/fixtures/arts_council_grants.xlsx');
  const page = await openPage(browser, `${server.base}?v=1&r=west-midlands`);
  await waitState(page, ['ready']);
  assert.ok(!page.requests.some((u) => u.includes('sheets')), 'no spreadsheet reader on first visit');
  await page.setInputFiles('[data-testid=file-input]', file);
  await waitState(page, ['done']);
  const want = cli('--region', 'west-midlands', '--programs', file);
  const got = await analysis(page);
  assert.deepEqual(got.rows, want.rows);
  assert.deepEqual(got.areas, want.areas);
  assert.deepEqual(got.resolved.placement, want.resolved.placement);
  assert.match(await text(page, 'sheet-note'), /sheet "Grants" of 3, header on row 4/);
  // Another sheet, picked from the list, is read from the workbook kept in the page.
  await page.selectOption('[data-testid=sheet]', 'Notes');
  await waitState(page, ['error']);
  assert.match(await text(page, 'error'), /arts_council_grants\.xlsx \[Notes\].*no column of area names or codes/);
  await page.selectOption('[data-testid=sheet]', 'Grants');
  await waitState(page, ['done']);
  assert.deepEqual((await analysis(page)).rows, want.rows);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(offsite(page), []);
  await page.close();
});
