// The golden conformance corpus (tests/corpus/corpus.json) replayed through the npm package:
// every case's response must equal what the Rust face gives, byte for byte once parsed.
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import assert from 'node:assert/strict';
import { PKG, ROOT } from './env.mjs';

const require = createRequire(path.join(PKG, '..', '..', 'consumer.cjs'));
const c = require('consentry');
const corpus = JSON.parse(readFileSync(path.join(ROOT, 'tests/corpus/corpus.json'), 'utf8'));

test(`corpus: ${corpus.cases.length} cases replayed through callJson`, () => {
  assert.ok(corpus.cases.length >= 80);
  for (const k of corpus.cases) {
    let got;
    try {
      got = { ok: true, result: c.callJson(k.op, JSON.stringify(k.request)) };
    } catch (e) {
      assert.ok(e instanceof c.ConsentryError, `${k.id}: a ConsentryError`);
      got = { ok: false, error: { code: e.code, numericCode: e.numericCode, message: e.message } };
    }
    assert.deepEqual(JSON.parse(JSON.stringify(got)), k.expect, `case ${k.id}`);
  }
});
