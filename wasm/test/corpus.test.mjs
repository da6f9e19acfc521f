// The golden conformance corpus (tests/corpus/corpus.json) replayed through the npm package:
// through callJson (every case), through the full module's classes and functions, and through
// the portal modules (`consentry/portal` and `consentry/portal-aa`, whose operations are subsets). Every response must
// hold the case's stated intent (intent.mjs, the check of tests/src/intent.rs) and equal the
// recorded response: the whole result on success, the code and numericCode on failure.
import { test } from 'node:test';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import assert from 'node:assert/strict';
import { PKG, ROOT } from './env.mjs';
import { check, canon } from './intent.mjs';

const require = createRequire(path.join(PKG, '..', '..', 'consumer.cjs'));
const c = require('consentry');
const corpus = JSON.parse(readFileSync(path.join(ROOT, 'tests/corpus/corpus.json'), 'utf8'));

/** Plain JSON data, as the other faces see it. */
const plain = (v) => JSON.parse(JSON.stringify(v));

function fromB64url(s) {
  return Uint8Array.from(Buffer.from(s, 'base64url'));
}

/** The envelope of a call: `{ok: true, result}` or the thrown ConsentryError's code. */
function envelope(m, fn) {
  try {
    return { ok: true, result: plain(fn()) };
  } catch (e) {
    assert.ok(e instanceof Error && typeof e.code === 'string', `a ConsentryError, not ${e}`);
    if (m.ConsentryError) assert.ok(e instanceof m.ConsentryError, 'instance of the module\'s ConsentryError');
    return { ok: false, error: { code: e.code, numericCode: e.numericCode, message: e.message } };
  }
}

function trustStore(m, jwks) {
  const ts = new m.TrustStore();
  ts.addJwks(jwks);
  return ts;
}

/** Options with only the members the case gives. */
function opts(o) {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Each operation through the typed API of module `m`. */
const TYPED = {
  verify: (m, r) => new m.Verifier(trustStore(m, r.trust)).verify(fromB64url(r.artefact), r.audience,
    opts({ now: r.now, statusList: r.statusList && fromB64url(r.statusList), acceptUnknownStatus: r.acceptUnknownStatus })),
  decide: (m, r) => new m.Verifier(trustStore(m, r.trust)).decide(fromB64url(r.artefact), r.request,
    opts({ statusList: r.statusList && fromB64url(r.statusList) })),
  inspect: (m, r) => m.inspect(fromB64url(r.artefact)),
  statusGet: (m, r) => m.statusGet(fromB64url(r.statusList), trustStore(m, r.trust), r.idx, { now: r.now }),
  pseudonymise: (m, r) => {
    const p = new m.Pseudonymiser(r.policy, r.masterKey);
    if (r.field !== undefined) return { value: r.reverse ? p.reverseValue(r.field, r.value) : p.value(r.field, r.value) };
    if (r.record !== undefined) return { record: r.reverse ? p.reverseRecord(r.record) : p.record(r.record) };
    assert.ok(!r.reverse, 'no reversed csv case yet: add Pseudonymiser support first');
    return { csv: p.csv(r.csv) };
  },
  idValidate: (m, r) => m.idValidate(r.type, r.value),
  idMask: (m, r) => m.idMask(r.type, r.value),
  // A case without `now` verifies without the window check (the npm default is the clock).
  aaVerify: (m, r) => m.aaVerify(r.jws, new m.AaTrust(r.trust),
    opts({ issuer: r.issuer, now: r.now, checkWindow: r.now === undefined ? false : undefined })),
  aaVerifyDetached: (m, r) => m.aaVerifyDetached(r.signature, fromB64url(r.body), new m.AaTrust(r.trust),
    opts({ issuer: r.issuer })),
  aaDecide: (m, r) => m.aaDecide(r.jws, new m.AaTrust(r.trust), r.request, opts({
    issuer: r.issuer, status: r.status, taxonomies: r.taxonomies,
    taxonomyAllowLegitimateUses: r.taxonomyAllowLegitimateUses,
  })),
  // The JS face adds UTF-16 offsets; every face shares the byte offsets.
  idDetect: (m, r) => ({ spans: m.idDetect(r.text).spans.map(({ utf16Start, utf16End, ...s }) => s) }),
};

/** Cases no typed API can express: a request that does not parse, an unknown operation, and
 * `filter` (the permit is applied by the caller; no npm function). */
const JSON_ONLY_CASES = new Set(['request-malformed']);
const UNTYPED_OPS = new Set(['filter', 'nonesuch']);
/** What the portal module leaves out (asserted below against its exports). */
const NOT_IN_PORTAL = new Set(['decide', 'pseudonymise', 'aaVerifyDetached', 'aaDecide']);

function replayTyped(m, ops, label) {
  const left = [];
  let replayed = 0;
  for (const k of corpus.cases) {
    if (JSON_ONLY_CASES.has(k.id) || UNTYPED_OPS.has(k.op) || !ops.has(k.op)) {
      left.push(k.id);
      continue;
    }
    const fn = TYPED[k.op];
    assert.ok(fn, `${k.id}: operation ${k.op} has no typed replay; add one or list it`);
    const got = envelope(m, () => fn(m, k.request));
    const diff = check(k.intent, got);
    assert.equal(diff, null, `${label} case ${k.id}: ${diff}`);
    assert.equal(got.ok, k.expect.ok, `${label} case ${k.id}: ok`);
    if (got.ok) {
      assert.equal(canon(got.result), canon(k.expect.result), `${label} case ${k.id}: result`);
    } else {
      assert.deepEqual([got.error.code, got.error.numericCode], [k.expect.error.code, k.expect.error.numericCode],
        `${label} case ${k.id}: error`);
    }
    replayed += 1;
  }
  return { left, replayed };
}

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
    got = plain(got);
    const diff = check(k.intent, got);
    assert.equal(diff, null, `case ${k.id}: ${diff}`);
    assert.deepEqual(got, k.expect, `case ${k.id}`);
  }
});

test('corpus: every case but the listed ones through the full module\'s classes and functions', () => {
  const { left, replayed } = replayTyped(c, new Set(Object.keys(TYPED)), 'full module');
  const want = corpus.cases.filter((k) => JSON_ONLY_CASES.has(k.id) || UNTYPED_OPS.has(k.op)).map((k) => k.id);
  assert.deepEqual(left, want, 'exactly the listed cases are left to callJson');
  assert.ok(replayed >= 80, `${replayed} cases through the typed API`);
});

/** Loads the web build of a portal module (`portal` or `portal-aa`) in Node: the same .wasm as
 * its bundler build, loadable without a bundler. */
async function portalModule(sub) {
  const dir = path.join(PKG, sub, 'web');
  const p = await import(pathToFileURL(path.join(dir, 'consentry_wasm.js')).href);
  p.initSync({ module: readFileSync(path.join(dir, 'consentry_wasm_bg.wasm')) });
  assert.equal(p.Pseudonymiser, undefined, `the ${sub} module has no Pseudonymiser`);
  assert.equal(p.Verifier.prototype.decide, undefined, `the ${sub} module has no decide`);
  assert.equal(p.callJson, undefined, `the ${sub} module has no callJson`);
  assert.equal(p.aaDecide, undefined, `the ${sub} module has no aaDecide`);
  assert.equal(p.aaVerifyDetached, undefined, `the ${sub} module has no aaVerifyDetached`);
  return p;
}

/** Replays every case of the operations a portal module has; exactly the others are left. */
function replayPortal(p, notIn, label) {
  const ops = new Set(Object.keys(TYPED).filter((op) => !notIn.has(op)));
  const { left, replayed } = replayTyped(p, ops, label);
  const want = corpus.cases
    .filter((k) => JSON_ONLY_CASES.has(k.id) || UNTYPED_OPS.has(k.op) || notIn.has(k.op)).map((k) => k.id);
  assert.deepEqual(left, want, `exactly the cases of operations the ${label} lacks are left out`);
  const replayedOps = new Set(corpus.cases.filter((k) => !left.includes(k.id)).map((k) => k.op));
  return { replayed, ops: [...replayedOps].sort() };
}

test('corpus: the portal module (consentry/portal) gives the same for every operation it has', async () => {
  const p = await portalModule('portal');
  for (const name of ['AaTrust', 'aaVerify', 'aaDisplay']) {
    assert.equal(p[name], undefined, `the portal module has no ${name} (consentry/portal-aa has)`);
  }
  const { replayed, ops } = replayPortal(p, new Set([...NOT_IN_PORTAL, 'aaVerify']), 'portal module');
  assert.deepEqual(ops, ['idDetect', 'idMask', 'idValidate', 'inspect', 'statusGet', 'verify']);
  assert.ok(replayed >= 40, `${replayed} cases through the portal module`);
});

test('corpus: the portal-aa module (consentry/portal-aa) gives the same for every operation it has', async () => {
  const p = await portalModule('portal-aa');
  for (const name of ['AaTrust', 'aaVerify', 'aaDisplay']) {
    assert.equal(typeof p[name], 'function', `the portal-aa module has ${name}`);
  }
  const { replayed, ops } = replayPortal(p, NOT_IN_PORTAL, 'portal-aa module');
  assert.deepEqual(ops, ['aaVerify', 'idDetect', 'idMask', 'idValidate', 'inspect', 'statusGet', 'verify']);
  const aa = corpus.cases.filter((k) => k.op === 'aaVerify').length;
  assert.ok(aa >= 10, `${aa} aaVerify cases`);
  assert.ok(replayed >= 40 + aa, `${replayed} cases through the portal-aa module`);
});
