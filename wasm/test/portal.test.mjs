// examples/portal in headless Chromium: the sample artefact renders as a verified receipt, and
// a tampered copy shows a clear error with the core's code. Saves screenshots for review.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { PKG, ROOT, CHROMIUM, SCREENSHOT } from './env.mjs';
import { serve } from './server.mjs';

let server, browser, page;
const errors = [];

before(async () => {
  server = await serve({ '/consentry/': PKG, '/': path.join(ROOT, 'examples/portal') });
  browser = await chromium.launch(CHROMIUM);
  page = await browser.newPage({ viewport: { width: 1200, height: 820 } });
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(`${server.url}/`);
  await page.waitForSelector('body[data-ready=true]', { timeout: 30000 });
});

after(async () => {
  await browser?.close();
  server?.close();
});

test('portal: the sample renders as a verified receipt', async () => {
  await page.waitForSelector('#receipt');
  const text = await page.textContent('#receipt');
  for (const want of ['Verified', 'cm.tn.gov.in', 'tn.health', 'abdm:CAREMGT', '/diagnosis',
    '/prescriptions/*/drug', 'abdm:PUBHLTH', 'store', '30 days', 'tn-health-notice-2025-11 (ta-IN)']) {
    assert.ok(text.includes(want), `receipt shows ${want}`);
  }
  assert.match(await page.textContent('#status'), /^Active \(checked against the status list\)$/);
  assert.match(text, /1 Jan 2036/);
  await page.screenshot({ path: SCREENSHOT, fullPage: true });
  assert.deepEqual(errors, []);
});

test('portal: a tampered artefact shows a clear error', async () => {
  const a = await page.inputValue('#artefact');
  const i = Math.floor(a.length / 2);
  await page.fill('#artefact', a.slice(0, i) + (a[i] === 'A' ? 'B' : 'A') + a.slice(i + 1));
  await page.click('#verify');
  await page.waitForSelector('#error');
  assert.equal(await page.textContent('#error-code'), 'signature_invalid (1300)');
  assert.match(await page.textContent('#error'), /changed after it was signed/);
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-tampered.png'), fullPage: true });
});

test('portal: wrong audience and garbage input are reported with their codes', async () => {
  await page.click('#sample');
  await page.waitForSelector('#receipt');
  await page.fill('#audience', 'tn.police');
  await page.click('#verify');
  await page.waitForSelector('#error');
  assert.equal(await page.textContent('#error-code'), 'audience_mismatch (1503)');
  await page.fill('#artefact', 'not an artefact!');
  await page.click('#verify');
  assert.equal(await page.textContent('#error-code'), 'request_invalid (2000)');
});

test('portal: the Aadhaar box validates and masks as you type (core idValidate/idMask)', async () => {
  // The page loads the portal module: no decide, pseudonymisation, issuing, private keys or callJson.
  const api = await page.evaluate(async () => {
    const m = await import('./consentry/portal/web/consentry_wasm.js');
    return { exported: Object.keys(m), verifier: Object.getOwnPropertyNames(m.Verifier.prototype) };
  });
  for (const name of ['TrustStore', 'Verifier', 'idValidate', 'idMask', 'idDetect', 'statusGet', 'inspect', 'publicJwk', 'codes']) {
    assert.ok(api.exported.includes(name), `portal module exports ${name}`);
  }
  for (const name of ['Pseudonymiser', 'issue', 'keyPublic', 'callJson', 'operations', 'AaTrust', 'aaVerify', 'aaDisplay']) {
    assert.ok(!api.exported.includes(name), `portal module leaves out ${name}`);
  }
  assert.ok(api.verifier.includes('verify') && !api.verifier.includes('decide'), `Verifier: ${api.verifier}`);
  assert.equal(await page.$eval('#aadhaar-box', (e) => e.hidden), false);
  await page.fill('#aadhaar', '2345 6789 0124');
  assert.equal(await page.textContent('#aadhaar-result'), '✓ Valid Aadhaar number: XXXX XXXX 0124');
  await page.fill('#aadhaar', '2345 6789 0125'); // Verhoeff check digit wrong
  assert.match(await page.textContent('#aadhaar-result'), /^Not a valid Aadhaar number/);
  assert.ok(!(await page.textContent('#aadhaar-result')).includes('2345'), 'the value is never echoed');
  await page.fill('#aadhaar', '2345 6789 0124');
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-aadhaar.png'), fullPage: true });
});
