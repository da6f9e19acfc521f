// Times operations through the npm package in Node (the node build, as installed from the
// tarball), on the same inputs as bench/native.rs. Prints one JSON object: ns per operation.
//
// The operations are timed round-robin (ROUNDS short slices each, median per operation), as in
// bench/native.rs, so that a busy spell of the shared machine falls on all of them alike.
import { createRequire } from 'node:module';
import path from 'node:path';
import { PKG, fixtures } from '../test/env.mjs';
import { fromB64url } from '../test/cases.mjs';

const c = createRequire(path.join(PKG, '..', '..', 'x.cjs'))('consentry');
const fx = fixtures();
const ROUNDS = 15;

/** ns per call of each `[name, iters, f, per]` (`per`: calls of the operation inside `f`). */
function timeAll(ops) {
  for (const [, iters, f] of ops) for (let i = 0; i < iters; i++) f(); // warm-up
  const runs = ops.map(() => []);
  for (let r = 0; r < ROUNDS; r++) {
    ops.forEach(([, iters, f, per = 1], k) => {
      const t = process.hrtime.bigint();
      for (let i = 0; i < iters; i++) f();
      runs[k].push(Number(process.hrtime.bigint() - t) / (iters * per));
    });
  }
  return Object.fromEntries(ops.map(([name], k) => [name, runs[k].sort((a, b) => a - b)[ROUNDS >> 1]]));
}

const trust = new c.TrustStore();
trust.addJwks(fx.trust);
const v = new c.Verifier(trust);
const art = (name) => fx.cases.find((k) => k.name === name).artefact;
const ed = fromB64url(art('good ed25519'));
const edText = art('good ed25519');
const es = fromB64url(art('good es256'));
const opts = { now: fx.now };
const p = fx.pseudo;
const ps = new c.Pseudonymiser(p.policy, p.masterKey);
const field = '/patient/aadhaar';
const value = '2345 6789 0124';
const ops = [
  ['verify_ed25519', 100, () => v.verify(ed, fx.audience, opts)],
  ['verify_es256', 20, () => v.verify(es, fx.audience, opts)],
  ['verify_ed25519_text', 100, () => v.verify(edText, fx.audience, opts)],
  ['pseudonym_value', 5000, () => ps.value(field, value)],
  ['pseudonymise_record', 300, () => ps.record(p.record)],
];

// The probes build (scripts/test-npm with NPM_PROBES=1): the same full module plus timing
// probes, to split `value` into the crossing and the core's work inside WebAssembly.
if (process.env.CONSENTRY_PROBES) {
  const pr = createRequire(path.join(process.env.CONSENTRY_PROBES, 'x.cjs'))('./consentry_wasm.js');
  const pp = new pr.Pseudonymiser(p.policy, p.masterKey);
  // Same answer as the package, or the split below would be of something else.
  if (pp.value(field, value) !== ps.value(field, value)) throw new Error('probes build disagrees');
  const k = 100;
  ops.push(
    ['probe_value', 5000, () => pp.value(field, value)],
    ['probe_crossing', 5000, () => pr.probeEcho(field, value)],
    ['probe_core_value', 50, () => pr.probeValues(pp, field, value, k), k],
    ['probe_hmac', 50, () => pr.probeHmac(k), k],
  );
}
console.log(JSON.stringify(timeAll(ops)));
