// examples/portal in headless Chromium: the sample artefact renders as a verified receipt, and
// a tampered copy shows a clear error with the core's code; the AA sample renders through the
// portal-aa module's display view. Saves screenshots for review.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import path from 'node:path';
import { readFileSync } from 'node:fs';
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

/** Clears the output, clicks "Verify AA consent" and waits for the error it renders. */
async function verifyAaAgain() {
  await page.evaluate(() => document.getElementById('out').replaceChildren());
  await page.click('#aa-verify');
  await page.waitForSelector('#error');
}

test('portal: an Account Aggregator consent is verified and shown through the portal-aa module (aaDisplay)', async () => {
  // The sample is the AA spec example and its key, as vendored in tests/vectors/aa.
  const sample = JSON.parse(readFileSync(path.join(ROOT, 'examples/portal/aa-sample.json'), 'utf8'));
  const vector = readFileSync(path.join(ROOT, 'tests/vectors/aa/signed_consent_spec_example.jws'), 'utf8').trim();
  assert.equal(sample.jws, vector, 'aa-sample.json holds the vendored spec example');
  await page.click('#aa-box summary'); // the AA box opens like any <details>
  await page.click('#aa-sample');
  await page.waitForSelector('#aa-receipt');
  const text = await page.textContent('#aa-receipt');
  for (const want of ['Verified', 'finvu-aa', 'cookiejar-aa@finvu.in', 'Wealth management service', 'aa:101',
    'Personal Finance', 'view', 'DEPOSIT', '/fi/DEPOSIT/summary', '4 months', '(window not checked)']) {
    assert.ok(text.includes(want), `the AA receipt shows ${want}`);
  }
  assert.ok(!text.includes('demo@finvu'), 'the customer handle is not shown');
  await page.screenshot({ path: SCREENSHOT.replace(/\.png$/, '-aa.png'), fullPage: true });
  // The window is checked unless the reader asks for the evidence only: the example has ended.
  await page.uncheck('#aa-evidence-only');
  await verifyAaAgain();
  assert.equal(await page.textContent('#error-code'), 'expired (1500)');
  // Another AA's consent, and a changed payload, are refused with their codes.
  await page.check('#aa-evidence-only');
  await page.fill('#aa-issuer', 'aa-one');
  await verifyAaAgain();
  assert.match(await page.textContent('#error-code'), /^aa_issuer_mismatch \(\d+\)$/);
  await page.fill('#aa-issuer', 'finvu-aa');
  const [h, p, s] = sample.jws.split('.');
  await page.fill('#aa-jws', `${h}.${p.slice(0, 40)}${p[40] === 'A' ? 'B' : 'A'}${p.slice(41)}.${s}`);
  await verifyAaAgain();
  assert.match(await page.textContent('#error-code'), /^signature_invalid \(\d+\)$/);
  // The page's own module stays the portal module (no AA function in it).
  const exported = await page.evaluate(async () => Object.keys(await import('./consentry/portal/web/consentry_wasm.js')));
  assert.ok(!exported.includes('aaDisplay'), 'the portal module has no aaDisplay');
  assert.deepEqual(errors, []);
});
