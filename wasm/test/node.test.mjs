// The package in Node: resolved through its exports map, as `require` (CommonJS) and `import`.
import { test } from 'node:test';
import { createRequire } from 'node:module';
import path from 'node:path';
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
