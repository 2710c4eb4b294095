// End-to-end: regions are data — the page lists the regions and presets of data/catalog.json, opens
// England (296 districts) from its preset and gives the command line's figures; and a person's
// own areas: a boundaries file dropped on the page becomes the level (code and name detected),
// an export and a table of indicators keyed by the same codes give the command line's figures for
// `--areas … --indicators …`, the table and map show them, the link names the boundaries file,
// a projected file is refused with the reason (converted when it names its system: a zipped
// shapefile's .prj), files as other tools write them are read and other
// formats named; a level within one parent; rows naming smaller
// areas counted in their containers by the person's choice.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { execFileSync } from 'node:child_process';
import { serve, launch, openPage, offsite, waitState, pickFile, shared, repo, cli, analysis } from './helpers.mjs';

const MCMF = path.join(shared, 'chicago/programs/mcmf_programs_2024.csv');
const CA = path.join(shared, 'chicago/boundaries/community_areas.geojson');
const CMAP = path.join(shared, 'chicago/indicators/cmap_cds_2016_2020.csv');
const AC = path.join(shared, 'west-midlands/uploads/arts-council-investment-programme.csv');
const shots = process.env.SCREENSHOTS || '/tmp/equimap-screenshots';
fs.mkdirSync(shots, { recursive: true });
let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const close = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);
const pickAreas = (page, file, name) =>
  page.setInputFiles('[data-testid=areas-input]', { name: name || path.basename(file), mimeType: 'application/geo+json', buffer: fs.readFileSync(file) });

/** Opens the site, chooses the boundaries `file`, checks that the panel counts `count` areas with
 * the `code` and `name` properties detected, drops the Chicago export and returns the page and its
 * analysis. */
async function areasThenExport(file, count, code, name) {
  const page = await openPage(browser, server.base);
  await waitState(page, ['ready']);
  await pickAreas(page, file);
  await page.waitForSelector('[data-testid=own-areas]');
  assert.ok((await page.textContent('[data-testid=own-areas]')).includes(`${path.basename(file)}: ${count} areas`));
  assert.equal(await page.inputValue('[data-testid=areas-code]'), code);
  assert.equal(await page.inputValue('[data-testid=areas-name]'), name);
  await pickFile(page, MCMF);
  await waitState(page, ['done']);
  return { page, got: await analysis(page) };
}

test('the catalog lists every region and preset; England opens from its preset', async () => {
  const page = await openPage(browser, server.base + 'index.html?preset=england-arts');
  await waitState(page, ['done'], 90000);
  assert.ok(page.requests.some((u) => u.endsWith('data/catalog.json')), 'catalog fetched');
  const regions = await page.locator('[data-testid=region] option').allTextContents();
  assert.deepEqual(regions, ['Chicago', 'England', 'West Midlands']);
  const presets = await page.locator('.presets li').allTextContents();
  assert.ok(presets.some((p) => /England, by region/.test(p)) && presets.some((p) => /West Midlands/.test(p)), presets.join('|'));
  const want = cli('--view', 'v=1&r=england&ac=Local+authority&sup=sum%3A2023-26+Annual+Funding+%28Offered+4+Nov+2022%29&grp=region', '--programs', AC);
  const got = await analysis(page);
  assert.equal(got.region, 'england');
  assert.equal(got.areas.length, 296);
  assert.deepEqual(got.rows, want.rows);
  close(got.summary.concentration_index, want.summary.concentration_index, 'C');
  assert.equal(await page.textContent('[data-testid=total-supply]'), '£439,359,135');
  assert.equal(await page.locator('svg path[data-code]').count(), 296);
  const levels = await page.locator('[data-testid=level] option').allTextContents();
  assert.deepEqual(levels, ['Local authority districts (current) (296)', 'Regions (9)']);
  // The West Midlands preset opens the West Midlands' own copy of the same export.
  await page.goto(server.base + 'index.html?preset=wm-arts');
  await waitState(page, ['done'], 90000);
  assert.equal((await analysis(page)).region, 'west-midlands');
  assert.deepEqual(offsite(page), []);
});

test('the tracts within one community area: the rest excluded, 20 tracts drawn', async () => {
  const page = await openPage(browser, server.base + 'index.html?v=1&r=chicago&l=tract&file=mcmf_programs_2024.csv&s=1');
  await waitState(page, ['done'], 90000);
  const within = await page.locator('[data-testid=within] option').allTextContents();
  assert.ok(within.includes('Near North Side (8, community_area)'), within.slice(0, 5).join('|'));
  await page.selectOption('[data-testid=within]', '8');
  await page.waitForFunction(() => window.__equimap?.analysis?.resolved?.within === 'Near North Side (8)');
  await waitState(page, ['done']);
  const want = cli('--region', 'chicago', '--level', 'tract', '--within', '8', '--programs', MCMF);
  const got = await analysis(page);
  assert.deepEqual(got.rows, want.rows);
  assert.equal(got.areas.length, 20);
  assert.equal(await page.locator('[data-testid=equity-table] tbody tr').count(), 20);
  assert.equal(await page.locator('svg path[data-code]').count(), 20);
  assert.match(await page.textContent('body'), /in areas outside Near North Side \(8\)/);
  await page.waitForFunction(() => location.search.includes('in=8'));
  await page.screenshot({ path: path.join(shots, 'tracts-within.png'), fullPage: false });
});

test('your own areas: boundaries, an export and indicators give the command line\'s figures', async () => {
  const page = await openPage(browser, server.base);
  await waitState(page, ['ready']);
  await pickAreas(page, CA);
  await page.waitForSelector('[data-testid=own-areas]');
  assert.match(await page.textContent('[data-testid=own-areas]'), /community_areas\.geojson: 77 areas/);
  assert.equal(await page.inputValue('[data-testid=areas-code]'), 'area_num_1');
  assert.equal(await page.inputValue('[data-testid=areas-name]'), 'community');
  await pickFile(page, MCMF);
  await waitState(page, ['done']);
  // No indicators yet: supply per area is counted and mapped; the page says what to drop for rates.
  const counts = cli('--areas', CA, '--programs', MCMF);
  const first = await analysis(page);
  assert.deepEqual(first.rows, counts.rows);
  assert.deepEqual(first.areas.map((r) => r.supply), counts.areas.map((r) => r.supply));
  assert.ok(first.areas.every((r) => r.rate_per_1000 === null));
  assert.match(await page.textContent('body'), /have no population figures and no need measure: rates, location quotients, quintiles and the indices are empty/);
  assert.equal(await page.locator('svg path[data-code]').count(), 77);
  await pickFile(page, CMAP);
  await page.waitForFunction(() => document.querySelector('[data-testid=denominator]')?.textContent.includes('A5_19'));
  await page.selectOption('[data-testid=denominator]', 'A5_19');
  await page.selectOption('[data-testid=need]', 'MEDINC');
  await page.selectOption('[data-testid=need-direction]', 'low');
  await page.waitForFunction(() => {
    const a = window.__equimap?.analysis;
    return a?.resolved?.need === 'MEDINC' && a.resolved.denominator === 'A5_19' && a.resolved.higher_is_more_need === false;
  }, null, { timeout: 60000 });
  await waitState(page, ['done']);
  const got = await analysis(page);
  const want = cli('--areas', CA, '--indicators', CMAP, '--programs', MCMF, '--denominator', 'A5_19', '--need', 'MEDINC', '--need-direction', 'low');
  assert.equal(got.region, 'own');
  assert.deepEqual(got.rows, want.rows);
  got.areas.forEach((r, i) => {
    assert.equal(r.code, want.areas[i].code);
    assert.equal(r.supply, want.areas[i].supply, r.name);
    close(r.rate_per_1000, want.areas[i].rate_per_1000, `${r.name} rate`);
  });
  close(got.summary.concentration_index, want.summary.concentration_index, 'C');
  // The same figures as Chicago's bundled community areas give for the same choices.
  const bundled = cli('--region', 'chicago', '--programs', MCMF, '--denominator', 'youth_5_19', '--need', 'median_household_income');
  close(got.summary.concentration_index, bundled.summary.concentration_index, 'C vs the bundled level');
  assert.equal(await page.locator('[data-testid=equity-table] tbody tr').count(), 77);
  assert.equal(await page.locator('svg path[data-code]').count(), 77);
  await page.screenshot({ path: path.join(shots, 'own-areas.png'), fullPage: true });
  // The link names the boundaries; opened afresh, it says which files to drop.
  await page.waitForFunction(() => location.search.includes('ar=community_areas.geojson'));
  const link = page.url();
  assert.match(link, /arc=area_num_1/);
  const again = await openPage(browser, link);
  await again.waitForSelector('[data-testid=need-areas]');
  assert.match(await again.textContent('[data-testid=need-areas]'), /Drop community_areas\.geojson \(the boundaries\), then mcmf_programs_2024\.csv and cmap_cds_2016_2020\.csv \(the indicators\)/);
  assert.deepEqual(offsite(page), []);
  await again.close();
});

test('a boundaries file in a projected system is refused with the reason', async () => {
  const page = await openPage(browser, server.base);
  await waitState(page, ['ready']);
  const projected = {
    type: 'FeatureCollection',
    features: [{ type: 'Feature', properties: { code: 'A', name: 'Ward A' }, geometry: { type: 'Polygon', coordinates: [[[406000, 286000], [407000, 286000], [407000, 287000], [406000, 286000]]] } }],
  };
  await page.setInputFiles('[data-testid=areas-input]', { name: 'wards_bng.geojson', mimeType: 'application/geo+json', buffer: Buffer.from(JSON.stringify(projected)) });
  await waitState(page, ['error']);
  assert.match(await page.textContent('[role=status]'), /wards_bng\.geojson: coordinates run from \(406000, 286000\).*projected system.*Reproject it to WGS 84/);
});

test('boundaries as other tools write them: one feature a line after a byte-order mark, codes as feature ids; other formats named', async () => {
  // Chicago's community areas rewritten as a GIS might export them: GeoJSON one feature per line
  // (ogr2ogr's GeoJSONSeq) after a UTF-8 BOM, the code as the feature's id, OBJECTID and
  // Shape__Area beside the name.
  const src = JSON.parse(fs.readFileSync(CA, 'utf8'));
  const lines = src.features.map((f, i) => JSON.stringify({
    type: 'Feature', id: f.properties.area_numbe,
    properties: { OBJECTID: i + 1, label: f.properties.community, Shape__Area: Number(f.properties.shape_area) },
    geometry: f.geometry,
  }));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'equimap-areas-'));
  const seq = path.join(dir, 'community_areas.geojsonl');
  fs.writeFileSync(seq, Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(lines.join('\n') + '\n')]));
  const { page, got } = await areasThenExport(seq, 77, 'id', 'label');
  const want = cli('--region', 'chicago', '--programs', MCMF);
  assert.deepEqual(got.rows, want.rows);
  const byCode = new Map(want.areas.map((r) => [r.code, r.supply]));
  got.areas.forEach((r) => assert.equal(r.supply, byCode.get(r.code), `area ${r.code}`));
  const offered = await page.locator('[data-testid=need] option').allTextContents();
  assert.ok(!offered.some((o) => /OBJECTID|Shape__Area/.test(o)), offered.join('|'));
  assert.equal(await page.locator('svg path[data-code]').count(), 77);
  // A .zip dropped as an export goes to the boundaries reader; a broken one is named as such.
  const zip = Buffer.concat([Buffer.from('PK\x03\x04', 'latin1'), Buffer.alloc(22), Buffer.from([9, 0, 0, 0]), Buffer.from('wards.shp'), Buffer.alloc(64)]);
  await page.setInputFiles('[data-testid=file-input]', { name: 'wards.zip', mimeType: 'application/zip', buffer: zip });
  await page.waitForFunction(() => /wards\.zip: not a readable ZIP archive/.test(document.querySelector('[role=status]')?.textContent || ''), null, { timeout: 30000 });
  // KML given as boundaries.
  await page.setInputFiles('[data-testid=areas-input]', { name: 'wards.kml', mimeType: 'application/vnd.google-earth.kml+xml', buffer: Buffer.from('<?xml version="1.0"?><kml></kml>') });
  await page.waitForFunction(() => /this is KML, not GeoJSON/.test(document.querySelector('[role=status]')?.textContent || ''), null, { timeout: 30000 });
  assert.deepEqual(offsite(page), []);
});

test('a zipped shapefile in State Plane feet, as a City GIS publishes it, is read by the on-demand module and gives the command line\'s figures', async () => {
  // tests/fixtures/chicago_community_areas_il_east_ft.zip: written by pyshp after PROJ projected
  // the bundled community areas to EPSG:3435 (scripts/shapefile_fixture.py); an ArcGIS .prj.
  const zip = path.join(repo, 'tests/fixtures/chicago_community_areas_il_east_ft.zip');
  const page = await openPage(browser, server.base);
  await waitState(page, ['ready']);
  assert.ok(!page.requests.some((u) => u.includes('sheets')), 'no shapefile reader on first visit');
  await page.setInputFiles('[data-testid=areas-input]', { name: 'CommAreas.zip', mimeType: 'application/zip', buffer: fs.readFileSync(zip) });
  await page.waitForSelector('[data-testid=own-areas]');
  const panel = await page.textContent('[data-testid=own-areas]');
  assert.match(panel, /CommAreas\.zip: 77 areas/);
  assert.match(panel, /converted from NAD_1983_StatePlane_Illinois_East_FIPS_1201_Feet/);
  assert.equal(await page.inputValue('[data-testid=areas-code]'), 'AREA_NUMBE');
  assert.ok(page.requests.some((u) => u.includes('sheets')), 'the on-demand module read the shapefile');
  await pickFile(page, MCMF);
  await waitState(page, ['done']);
  const got = await analysis(page);
  const want = cli('--areas', zip, '--programs', MCMF);
  assert.deepEqual(got.rows, want.rows);
  assert.deepEqual(got.areas.map((r) => [r.code, r.name, r.supply]), want.areas.map((r) => [r.code, r.name, r.supply]));
  assert.equal(await page.locator('svg path[data-code]').count(), 77);
  await page.screenshot({ path: path.join(shots, 'own-areas-shapefile.png'), fullPage: true });
  // The same shapefile unpacked, its .shp, .dbf and .prj chosen together: the same level.
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'equimap-shp-'));
  execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', zip, dir]);
  const loose = ['shp', 'dbf', 'prj'].map((e) => ({ name: `geo_export_community_areas.${e}`, mimeType: 'application/octet-stream', buffer: fs.readFileSync(path.join(dir, `geo_export_community_areas.${e}`)) }));
  await page.setInputFiles('[data-testid=areas-input]', loose);
  await page.waitForFunction(() => /geo_export_community_areas\.shp: 77 areas/.test(document.querySelector('[data-testid=own-areas]')?.textContent || ''), null, { timeout: 30000 });
  await waitState(page, ['done']);
  const again = await analysis(page);
  assert.deepEqual(again.areas.map((r) => [r.code, r.supply]), want.areas.map((r) => [r.code, r.supply]));
  // A shapefile of points is not boundaries: said, with what to do.
  await page.setInputFiles('[data-testid=areas-input]', { name: 'libraries.zip', mimeType: 'application/zip', buffer: fs.readFileSync(path.join(repo, 'tests/fixtures/chicago_libraries_points.zip')) });
  await page.waitForFunction(() => /holds points .*not areas/.test(document.querySelector('[role=status]')?.textContent || ''), null, { timeout: 30000 });
  assert.deepEqual(page.errors, []);
  assert.deepEqual(offsite(page), []);
});

test('boundaries as a data portal exports them: a CSV of WKT polygons (the_geom) gives the GeoJSON\'s figures', async () => {
  // Chicago's community areas written as the City's portal exports CommAreas.csv: the_geom as WKT
  // MULTIPOLYGON, upper-case ArcInfo columns, two copies of the area number, zeros.
  const src = JSON.parse(fs.readFileSync(CA, 'utf8'));
  const ring = (r) => `(${r.map((p) => `${p[0]} ${p[1]}`).join(', ')})`;
  const rows = ['the_geom,PERIMETER,AREA,COMAREA_,COMAREA_ID,AREA_NUMBE,COMMUNITY,AREA_NUM_1,SHAPE_AREA,SHAPE_LEN'];
  for (const f of src.features) {
    const p = f.properties;
    const wkt = `MULTIPOLYGON (${f.geometry.coordinates.map((poly) => `(${poly.map(ring).join(', ')})`).join(', ')})`;
    rows.push(`"${wkt}",0,0,0,0,${p.area_numbe},${p.community},${p.area_numbe},${p.shape_area},${p.shape_len}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'equimap-areas-'));
  const file = path.join(dir, 'CommAreas.csv');
  fs.writeFileSync(file, rows.join('\n') + '\n');
  const { page, got } = await areasThenExport(file, 77, 'AREA_NUMBE', 'COMMUNITY');
  const want = cli('--areas', file, '--programs', MCMF);
  assert.deepEqual(got.rows, want.rows);
  assert.deepEqual(got.areas, want.areas);
  const byRegion = new Map(cli('--region', 'chicago', '--programs', MCMF).areas.map((r) => [r.code, r.supply]));
  got.areas.forEach((r) => assert.equal(r.supply, byRegion.get(r.code), `area ${r.code}`));
  const offered = await page.locator('[data-testid=need] option').allTextContents();
  assert.ok(!offered.some((o) => /PERIMETER|SHAPE_|COMAREA|AREA_NUM_1|AREA \(/.test(o)), offered.join('|'));
  assert.equal(await page.locator('svg path[data-code]').count(), 77);
  assert.deepEqual(page.errors, []);
  assert.deepEqual(offsite(page), []);
  await page.close();
});

test('rows naming MSOAs at district level are counted in their districts when the person says so', async () => {
  const page = await openPage(browser, server.base + 'index.html?v=1&r=west-midlands');
  await waitState(page, ['ready']);
  // Every MSOA code of the region (the served MSOA level's boundaries; the districts they lie in
  // are checked against the ONS lookup natively, tests/regions.rs).
  const bounds = JSON.parse(fs.readFileSync(path.join(repo, 'static/data/west-midlands/msoa/boundaries.geojson'), 'utf8'));
  const msoas = bounds.features.map((f) => f.properties.code);
  assert.equal(msoas.length, 736);
  const file = path.join(shots, 'msoa_grants.csv');
  fs.writeFileSync(file, 'area,amount\n' + msoas.map((m) => `${m},1`).join('\n') + '\n');
  await pickFile(page, file);
  await waitState(page, ['done']);
  assert.equal((await analysis(page)).rows.unmatched, 736);
  await page.click('[data-testid=sum-up]');
  await page.waitForFunction(() => window.__equimap?.analysis?.rows?.matched === 736);
  const want = cli('--region', 'west-midlands', '--assign', '*=within', '--programs', file);
  const got = await analysis(page);
  assert.deepEqual(got.rows, want.rows);
  assert.deepEqual(got.areas.map((r) => [r.code, r.rows]), want.areas.map((r) => [r.code, r.rows]));
  await page.waitForFunction(() => location.search.includes('as=*~within') || location.search.includes('as=%2A~within'));
  assert.ok(await page.isVisible('[data-testid=sum-up-undo]'));
});
