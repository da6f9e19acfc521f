// The web build in headless Chromium: browser.html runs every case of cases.mjs in the page.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { PKG, FIXTURES, ROOT, CHROMIUM } from './env.mjs';
import { cases } from './cases.mjs';
import { serve } from './server.mjs';

let server, browser, results;

before(async () => {
  server = await serve({
    '/consentry/': PKG,
    '/test/': path.join(ROOT, 'wasm/test'),
    '/fixtures.json': FIXTURES,
  });
  browser = await chromium.launch(CHROMIUM);
  const page = await browser.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/test/browser.html`);
  await page.waitForFunction(() => window.results !== undefined, null, { timeout: 30000 });
  results = await page.evaluate(() => window.results);
  assert.deepEqual(errors, []);
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('chromium: the web build loads and runs every case', () => {
  assert.deepEqual(results.map((r) => r.name), cases.map(([n]) => n));
});

for (const [name] of cases) {
  test(`chromium: ${name}`, () => {
    const r = results.find((x) => x.name === name);
    assert.ok(r, 'ran');
    assert.ok(r.ok, r.error);
  });
}
