// The package in Node: resolved through its exports map, as `require` (CommonJS) and `import`.
import { test } from 'node:test';
import { createRequire } from 'node:module';
import path from 'node:path';
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import { PKG, fixtures } from './env.mjs';
import { cases } from './cases.mjs';

const require = createRequire(path.join(PKG, '..', '..', 'consumer.cjs'));
const c = require('consentry');
const fx = fixtures();

test('exports map: require resolves the node build; import gets the same named exports', async () => {
  assert.equal(require.resolve('consentry'), path.join(PKG, 'node', 'consentry_wasm.js'));
  const esm = await import(pathToFileURL(require.resolve('consentry')).href);
  for (const name of ['Verifier', 'TrustStore', 'ConsentryError', 'inspect', 'issue',
    'statusGet', 'keyPublic', 'publicJwk', 'codes', 'callJson', 'operations', 'idValidate', 'idMask', 'idDetect']) {
    assert.equal(typeof esm[name], 'function', name);
  }
  assert.equal(esm.ConsentryError, c.ConsentryError);
  assert.ok(Object.prototype.isPrototypeOf.call(Error, c.ConsentryError), 'ConsentryError extends Error');
});

for (const [name, fn] of cases) {
  test(name, () => fn(c, fx));
}

// The portal-aa module (`consentry/portal-aa`): the portal module plus AaTrust, aaVerify and
// aaDisplay. Its web build (the same .wasm as its bundler build) runs the AA cases in Node; the
// full-module-only case checks that aaVerifyDetached and aaDecide are left out.
const paaDir = path.join(PKG, 'portal-aa', 'web');
const paa = await import(pathToFileURL(path.join(paaDir, 'consentry_wasm.js')).href);
paa.initSync({ module: readFileSync(path.join(paaDir, 'consentry_wasm_bg.wasm')) });

test('portal-aa module: the portal exports plus AaTrust, aaVerify and aaDisplay, nothing of the services', () => {
  for (const name of ['TrustStore', 'Verifier', 'ConsentryError', 'inspect', 'statusGet', 'publicJwk', 'codes',
    'idValidate', 'idMask', 'idDetect', 'AaTrust', 'aaVerify', 'aaDisplay']) {
    assert.equal(typeof paa[name], 'function', name);
  }
  for (const name of ['Pseudonymiser', 'issue', 'keyPublic', 'callJson', 'operations', 'aaVerifyDetached', 'aaDecide']) {
    assert.equal(paa[name], undefined, `leaves out ${name}`);
  }
  assert.equal(paa.Verifier.prototype.decide, undefined, 'no decide');
});

for (const [name, fn] of cases.filter(([n]) => n.startsWith('aa:'))) {
  test(`portal-aa module: ${name}`, () => fn(paa, fx));
}
