// Times operations through the npm package in Node (the node build, as installed from the
// tarball), on the same inputs as bench/native.rs. Prints one JSON object: ns per operation.
import { createRequire } from 'node:module';
import path from 'node:path';
import { PKG, fixtures } from '../test/env.mjs';
import { fromB64url } from '../test/cases.mjs';

const c = createRequire(path.join(PKG, '..', '..', 'x.cjs'))('consentry');
const fx = fixtures();

/** Median of 7 runs of `iters` calls, in ns per call (after a warm-up). */
function time(iters, f) {
  for (let i = 0; i < iters / 10; i++) f();
  const runs = [];
  for (let r = 0; r < 7; r++) {
    const t = process.hrtime.bigint();
    for (let i = 0; i < iters; i++) f();
    runs.push(Number(process.hrtime.bigint() - t) / iters);
  }
  return runs.sort((a, b) => a - b)[3];
}

const trust = new c.TrustStore();
trust.addJwks(fx.trust);
const v = new c.Verifier(trust);
const art = (name) => fx.cases.find((k) => k.name === name).artefact;
const ed = fromB64url(art('good ed25519'));
const edText = art('good ed25519');
const es = fromB64url(art('good es256'));
const opts = { now: fx.now };
const n = 2000;
const out = {
  verify_ed25519: time(n, () => v.verify(ed, fx.audience, opts)),
  verify_es256: time(n / 4, () => v.verify(es, fx.audience, opts)),
  verify_ed25519_text: time(n, () => v.verify(edText, fx.audience, opts)),
};
const p = fx.pseudo;
const ps = new c.Pseudonymiser(p.policy, p.masterKey);
out.pseudonym_value = time(n * 10, () => ps.value('/patient/aadhaar', '2345 6789 0124'));
out.pseudonymise_record = time(n, () => ps.record(p.record));
console.log(JSON.stringify(out));
