// Shared by the end-to-end tests: a static server for dist/ under /equimap/ (as on GitHub Pages),
// Debian's headless Chromium, and a page that records every request it makes.
import http from 'node:http';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { execFileSync } from 'node:child_process';
import { chromium } from 'playwright-core';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');
export const shared = path.resolve(repo, '../shared/data');
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.wasm': 'application/wasm', '.css': 'text/css',
  '.json': 'application/json', '.geojson': 'application/geo+json', '.parquet': 'application/octet-stream', '.csv': 'text/csv' };

/** Serves `dist` at http://127.0.0.1:PORT/equimap/. Resolves to { base, close }. */
export function serve(dist = path.join(repo, 'dist')) {
  return new Promise((resolve) => {
    const server = http.createServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      if (!url.pathname.startsWith('/equimap/')) { res.writeHead(404); return res.end('not under /equimap/'); }
      let rel = decodeURIComponent(url.pathname.slice('/equimap/'.length)) || 'index.html';
      const file = path.join(dist, rel);
      if (!file.startsWith(dist) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) { res.writeHead(404); return res.end(); }
      res.writeHead(200, { 'content-type': TYPES[path.extname(file)] || 'application/octet-stream' });
      fs.createReadStream(file).pipe(res);
    });
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      resolve({ base: `http://127.0.0.1:${port}/equimap/`, close: () => new Promise((r) => server.close(r)) });
    });
  });
}

/** Headless Debian Chromium with the flags this machine needs (root, no network). */
export function launch() {
  return chromium.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--no-first-run', '--disable-sync', '--disable-quic'],
  });
}

/** A fresh page recording every request URL and console error. */
export async function openPage(browser, url, viewport = { width: 1360, height: 900 }) {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.requests = [];
  page.errors = [];
  page.on('request', (r) => page.requests.push(r.url()));
  page.on('console', (m) => { if (m.type() === 'error') page.errors.push(m.text()); });
  page.on('pageerror', (e) => page.errors.push(String(e)));
  if (url) await page.goto(url);
  return page;
}

/** Requests that left 127.0.0.1 (data: and blob: URLs are in-page). */
export function offsite(page) {
  return page.requests.filter((u) => !/^(data:|blob:|http:\/\/127\.0\.0\.1[:/])/.test(u));
}

/** Waits until the page's body says `state` (ready, done, error). */
export async function waitState(page, states, timeout = 60000) {
  await page.waitForFunction((s) => s.includes(document.body.dataset.state), states, { timeout });
  return page.evaluate(() => document.body.dataset.state);
}

/** Gives `file` (a path) to the file input as a user would. */
export async function pickFile(page, file, name) {
  await pickText(page, name || path.basename(file), fs.readFileSync(file));
}

/** Gives a file named `name` holding `text` (a string or bytes) to the file input, as a user would. */
export async function pickText(page, name, text) {
  await page.setInputFiles('[data-testid=file-input]', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
}

/** `equimap analyze ARGS…` (the native build of the same engine) as parsed JSON. */
export function cli(...args) {
  const bin = process.env.EQUIMAP_BIN || path.join(repo, 'target/debug/equimap');
  return JSON.parse(execFileSync(bin, ['analyze', ...args], { cwd: repo, maxBuffer: 1 << 28 }).toString());
}

/** The page's analysis (`window.__equimap.analysis`, the same JSON as `equimap analyze`). */
export const analysis = (page) => page.evaluate(() => window.__equimap.analysis);
