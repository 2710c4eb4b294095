// End-to-end: the figures' uncertainty and the distance-based access on the page — the bootstrap
// intervals arrive after the figures and equal the command line's, the access panel says how many
// rows it uses, its columns and layers appear, a changed catchment goes into the link and equals
// the command line's with that catchment; the tract level carries the ACS margins of error.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import { serve, launch, openPage, offsite, waitState, pickFile, shared, cli, analysis } from './helpers.mjs';

const MCMF = path.join(shared, 'chicago/programs/mcmf_programs_2024.csv');
const MCMF23 = path.join(shared, 'chicago/programs/mcmf_programs_2023.csv');
const shots = process.env.SCREENSHOTS || '/tmp/equimap-screenshots';
fs.mkdirSync(shots, { recursive: true });
let server, browser;
before(async () => { server = await serve(); browser = await launch(); });
after(async () => { await browser?.close(); await server?.close(); });

const text = (page, id) => page.textContent(`[data-testid=${id}]`);
const close = (a, b, what) => assert.ok(Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

test('intervals on the indices and distance-based access, as the command line gives them', async () => {
  const page = await openPage(browser, server.base);
  await waitState(page, ['ready']);
  await pickFile(page, MCMF);
  await waitState(page, ['done']);
  const want = cli('--region', 'chicago', '--programs', MCMF);
  const got = await analysis(page);
  for (const k of ['concentration_index_ci95', 'gini_ci95', 'dissimilarity_ci95']) {
    got.summary[k].forEach((v, i) => close(v, want.summary[k][i], k));
  }
  assert.deepEqual(got.summary.bootstrap, { replicates: 2000, seed: 2021 });
  assert.equal(got.summary.distance_rows, want.summary.distance_rows);
  got.areas.forEach((r, i) => {
    close(r.nearest_km, want.areas[i].nearest_km, `${r.name} nearest`);
    close(r.access_2sfca, want.areas[i].access_2sfca, `${r.name} 2SFCA`);
  });
  // What a person reads: the interval's sentence, the rows the distances use, the columns, the layers.
  assert.match(await text(page, 'concentration-index-ci'), /95 % interval -?\d\.\d{3} to -?\d\.\d{3}: (distinguishable|not distinguishable) from 0/);
  assert.match(await text(page, 'access-rows'), new RegExp(`^${want.summary.distance_rows} of the ${want.rows.matched} counted rows have a point`));
  const head = await page.textContent('[data-testid=equity-table] thead');
  assert.match(head, /Nearest program \(mi\)/);
  assert.match(head, /Access \(2SFCA per 1,000\)/);
  assert.match(await page.textContent('[data-testid=quintile-table]'), /Mean distance to nearest \(mi\)/);
  const layers = await page.locator('select option').allTextContents();
  assert.ok(layers.includes('Distance to nearest program') && layers.includes('Access (2SFCA)'), layers.join('|'));
  await page.screenshot({ path: path.join(shots, 'uncertainty-and-access.png'), fullPage: true });
  // The table as Parquet, written by the on-demand module: the engine reads it back, 77 areas with
  // the new columns.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-parquet]')]);
  const table = path.join(shots, 'equimap-table.parquet');
  fs.copyFileSync(await dl.path(), table);
  const pq = fs.readFileSync(table);
  assert.equal(pq.subarray(0, 4).toString(), 'PAR1');
  const back = cli('--region', 'chicago', '--programs', table, '--area-column', 'code', '--supply', 'sum:nearest_km');
  assert.equal(back.rows.in, 77);
  assert.equal(back.rows.matched, 77);
  close(back.summary.supply_total, want.areas.reduce((t, r) => t + r.nearest_km, 0), 'the exported nearest_km column');
  // A catchment of 2 miles: in the link, and the command line's figures for 3.21869 km.
  await page.fill('[data-testid=catchment]', '2');
  await page.dispatchEvent('[data-testid=catchment]', 'change');
  await page.waitForFunction(() => location.search.includes('ck='));
  await waitState(page, ['done']);
  const ck = new URL(page.url()).searchParams.get('ck');
  assert.equal(ck, '3.219');
  const wide = cli('--region', 'chicago', '--programs', MCMF, '--catchment-km', ck);
  const got2 = await analysis(page);
  assert.equal(got2.summary.catchment_km, 3.219);
  got2.areas.forEach((r, i) => close(r.access_2sfca, wide.areas[i].access_2sfca, `${r.name} 2SFCA at 2 mi`));
  assert.deepEqual(page.errors, []);
  assert.deepEqual(offsite(page), []);
  await page.close();
});

test('census tracts: rates carry the ACS margins of error and unreliable denominators are marked', async () => {
  const page = await openPage(browser, `${server.base}?v=1&r=chicago&l=tract`);
  await waitState(page, ['ready']);
  await pickFile(page, MCMF23);
  await waitState(page, ['done']);
  const want = cli('--region', 'chicago', '--level', 'tract', '--programs', MCMF23);
  const got = await analysis(page);
  assert.equal(got.level, 'tract');
  assert.equal(got.areas.length, 801);
  got.areas.forEach((r, i) => {
    assert.equal(r.unreliable_denominator, want.areas[i].unreliable_denominator, r.code);
    if (want.areas[i].rate_moe90 !== null) close(r.rate_moe90, want.areas[i].rate_moe90, `${r.code} MOE`);
  });
  const flagged = want.areas.filter((r) => r.unreliable_denominator).length;
  assert.ok(flagged > 0);
  assert.equal(await page.locator('[data-testid=equity-table] [data-testid=unreliable]').count(), flagged);
  assert.match(await page.textContent('[data-testid=equity-table] tbody'), /\d+\.\d\d ± \d+\.\d\d/);
  assert.deepEqual(page.errors, []);
  await page.close();
});
