// End-to-end, large exports: the file is read by the engine's Web Workers in chunks, two halves at
// once (progress shown, the page's figures equal `equimap analyze` on the same file), and a read in progress stops when
// the person drops another file or presses "Stop reading".
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import fs from 'node:fs';
import os from 'node:os';
import { serve, launch, openPage, offsite, waitState, pickFile, shared, cli, analysis } from './helpers.mjs';

const MCMF23 = path.join(shared, 'chicago/programs/mcmf_programs_2023.csv');
const MCMF24 = path.join(shared, 'chicago/programs/mcmf_programs_2024.csv');
let server, browser, big, bigger;


/** Records every text the status line shows. */
async function recordStatus(page) {
  await page.evaluate(() => {
    window.__statuses = [];
    const el = document.querySelector('[role=status]');
    new MutationObserver(() => window.__statuses.push(el.textContent)).observe(el, { childList: true, subtree: true, characterData: true });
  });
}

before(async () => {
  // The 2023 export four times over (one header): 67 MB, so it streams in several chunks.
  const text = fs.readFileSync(MCMF23, 'utf8');
  const nl = text.indexOf('\n');
  const body = text.slice(nl + 1);
  big = path.join(os.tmpdir(), `equimap-big-${process.pid}.csv`);
  fs.writeFileSync(big, text.slice(0, nl + 1) + body + body + body + body);
  // Sixteen times over (270 MB) for the tests that must act while a read is still going: the
  // reader does about 100 MB/s, so 67 MB may be read before the next action lands.
  bigger = path.join(os.tmpdir(), `equimap-bigger-${process.pid}.csv`);
  fs.writeFileSync(bigger, text.slice(0, nl + 1));
  for (let i = 0; i < 16; i++) fs.appendFileSync(bigger, body);
  server = await serve();
  browser = await launch();
});
after(async () => {
  await browser?.close();
  await server?.close();
  for (const f of [big, bigger]) if (f) fs.rmSync(f, { force: true });
});

test('a large export streams through the worker with progress; figures equal the engine\'s', async () => {
  const page = await openPage(browser, server.base);
  await waitState(page, ['ready']);
  await recordStatus(page);
  await page.setInputFiles('[data-testid=file-input]', big);
  await waitState(page, ['done'], 180000);
  const want = cli('--region', 'chicago', '--programs', big);
  const got = await analysis(page);
  assert.deepEqual(got.rows, want.rows);
  assert.deepEqual(got.areas, want.areas);
  assert.deepEqual(got.summary, want.summary);
  // Two workers read it, each half (the page's figures above equal the one-pass engine's).
  assert.match(await page.evaluate(() => window.__equimap.info.read_by), /^two workers/);
  const mb = Math.round(fs.statSync(big).size / 1e6);
  const seen = await page.evaluate(() => window.__statuses);
  assert.ok(seen.some((s) => new RegExp(`Reading equimap-big-\\d+\\.csv: \\d+ of ${mb} MB`).test(s)), seen.join(' | '));
  // Matched rows come from the worker, which holds the rows.
  const [dl] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-matched]')]);
  assert.equal(dl.suggestedFilename(), 'matched.csv');
  const csv = fs.readFileSync(await dl.path(), 'utf8');
  assert.ok(csv.startsWith('line,area_code,area_name,'), csv.slice(0, 80));
  // So do the unmatched rows (the page gets only their count and values).
  const [dlu] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-unmatched]')]);
  const unmatched = fs.readFileSync(await dlu.path(), 'utf8').trim().split('\n');
  assert.equal(unmatched[0], 'line,value,reason');
  assert.equal(unmatched.length - 1, want.rows.unmatched);
  assert.deepEqual(offsite(page), []);
  assert.deepEqual(page.errors, []);
  await page.close();
});

test('dropping another file stops the read in progress; so does "Stop reading"', async () => {
  const page = await openPage(browser, server.base);
  await waitState(page, ['ready']);
  await recordStatus(page);
  await page.setInputFiles('[data-testid=file-input]', bigger);
  await page.waitForSelector('[data-testid=cancel]');
  // By path, so the drop lands at once (no copy of the bytes through the test driver).
  await page.setInputFiles('[data-testid=file-input]', MCMF24);
  await waitState(page, ['done'], 120000);
  const want = cli('--region', 'chicago', '--programs', MCMF24);
  assert.deepEqual((await analysis(page)).rows, want.rows);
  // The second file's drop-to-table time is recorded although the first read was stopped.
  assert.equal(await page.evaluate(() => performance.getEntriesByName('equimap:total').length), 1);
  const seen = await page.evaluate(() => window.__statuses);
  assert.ok(!seen.some((s) => s.startsWith('Read ') && s.includes('equimap-bigger')), seen.join(' | '));

  await page.setInputFiles('[data-testid=file-input]', bigger);
  await page.click('[data-testid=cancel]');
  await page.waitForFunction(() => document.querySelector('[role=status]').textContent.startsWith('Stopped reading equimap-bigger'));
  assert.equal(await page.locator('[data-testid=equity-table]').count(), 0, 'no analysis of a stopped file');
  // The restarted engine still works.
  await pickFile(page, MCMF24);
  await waitState(page, ['done'], 120000);
  assert.deepEqual((await analysis(page)).rows, want.rows);
  assert.deepEqual(page.errors, []);
  await page.close();
});
