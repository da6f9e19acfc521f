// The package's behaviour, as cases that run unchanged in Node (node.test.mjs) and in headless
// Chromium (browser.test.mjs drives browser.html). Each case gets the loaded package `c` and the
// fixtures written by `cargo run -p consentry-wasm --example fixtures` (artefacts with the
// verdicts the Rust API gives), and throws on failure.

/** Canonical JSON (sorted keys), for deep equality of plain data. */
function canon(v) {
  if (Array.isArray(v)) return `[${v.map(canon).join(',')}]`;
  if (v && typeof v === 'object') {
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canon(v[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

function fail(msg) {
  throw new Error(msg);
}

/** idDetect's result without the JS face's UTF-16 offsets: what every other face returns. */
const bytesOnly = (r) => ({ spans: r.spans.map(({ utf16Start, utf16End, ...s }) => s) });

export const assert = {
  ok(v, msg) {
    if (!v) fail(msg ?? `expected a truthy value, got ${v}`);
  },
  equal(a, b, msg) {
    if (a !== b) fail(`${msg ?? 'not equal'}: ${JSON.stringify(a)} !== ${JSON.stringify(b)}`);
  },
  deepEqual(a, b, msg) {
    const [x, y] = [canon(a), canon(b)];
    if (x !== y) fail(`${msg ?? 'not deep-equal'}:\n  got      ${x}\n  expected ${y}`);
  },
  /** `fn` throws a real ConsentryError with `code` (and, when given, numericCode/message). */
  throws(c, fn, want, msg) {
    let err;
    try {
      fn();
    } catch (e) {
      err = e;
    }
    const where = msg ? `${msg}: ` : '';
    if (!err) fail(`${where}expected ConsentryError ${want.code}, nothing thrown`);
    if (!(err instanceof c.ConsentryError)) fail(`${where}not a ConsentryError: ${err}`);
    if (!(err instanceof Error)) fail(`${where}not an Error`);
    if (err.name !== 'ConsentryError') fail(`${where}name ${err.name}`);
    if (typeof err.stack !== 'string') fail(`${where}no stack`);
    assert.equal(err.code, want.code, `${where}code (${err.message})`);
    if (want.numericCode !== undefined) assert.equal(err.numericCode, want.numericCode, `${where}numericCode`);
    if (want.message !== undefined) assert.equal(err.message, want.message, `${where}message`);
    return err;
  },
};

export function fromB64url(s) {
  const bin = atob(s.replace(/-/g, '+').replace(/_/g, '/'));
  return Uint8Array.from(bin, (ch) => ch.charCodeAt(0));
}

export function toB64url(bytes) {
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function trustOf(c, jwks) {
  const t = new c.TrustStore();
  t.addJwks(jwks);
  return t;
}

/** Checks `run()` against a fixture verdict `{ok, result}` / `{ok: false, error}`. */
function checkVerdict(c, expect, run, name) {
  if (expect.ok) {
    assert.deepEqual(run(), expect.result, name);
  } else {
    assert.throws(c, run, expect.error, name);
  }
}

export const cases = [
  ['codes: every code with its number, each once', (c) => {
    const all = c.codes();
    assert.ok(Array.isArray(all) && all.length >= 40, 'codes list');
    const sig = all.find((x) => x.code === 'signature_invalid');
    assert.deepEqual(sig, { code: 'signature_invalid', numericCode: 1300 });
    assert.equal(new Set(all.map((x) => x.numericCode)).size, all.length, 'numbers unique');
    assert.equal(new Set(all.map((x) => x.code)).size, all.length, 'names unique');
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1].numericCode < all[i].numericCode, 'numeric order');
    assert.ok(c.operations().includes('verify'), 'operations');
  }],

  ['verify: identical verdicts to the Rust API (base64url input)', (c, fx) => {
    const v = new c.Verifier(trustOf(c, fx.trust));
    for (const k of fx.cases) {
      const opts = { now: k.now, ...(k.statusList ? { statusList: k.statusList } : {}) };
      checkVerdict(c, k.expect, () => v.verify(k.artefact, k.audience, opts), k.name);
    }
  }],

  ['verify: identical verdicts with Uint8Array input', (c, fx) => {
    const v = new c.Verifier(trustOf(c, fx.trust));
    for (const k of fx.cases) {
      const opts = { now: k.now, ...(k.statusList ? { statusList: fromB64url(k.statusList) } : {}) };
      checkVerdict(c, k.expect, () => v.verify(fromB64url(k.artefact), k.audience, opts), k.name);
    }
  }],

  ['callJson: the same verdicts through the generic passthrough', (c, fx) => {
    for (const k of fx.cases) {
      const req = { artefact: k.artefact, trust: fx.trust, audience: k.audience, now: k.now };
      if (k.statusList) req.statusList = k.statusList;
      checkVerdict(c, k.expect, () => c.callJson('verify', req), k.name);
      checkVerdict(c, k.expect, () => c.callJson('verify', JSON.stringify(req)), `${k.name} (text)`);
    }
    assert.throws(c, () => c.callJson('nope', {}), { code: 'request_invalid', numericCode: 2000 });
    assert.throws(c, () => c.callJson('verify', '{"artefact": 1}'), { code: 'request_invalid' });
  }],

  ['public vectors: RFC 8392 A.3 and the IETF status list example', (c, fx) => {
    assert.ok(fx.public.length >= 2, 'public vectors present');
    for (const k of fx.public) {
      const trust = trustOf(c, k.trust);
      if (k.kind === 'verify') {
        const v = new c.Verifier(trust);
        checkVerdict(c, k.expect, () => v.verify(k.artefact, k.audience, { now: k.now }), k.name);
      } else {
        checkVerdict(c, k.expect, () => c.statusGet(k.statusList, trust, k.idx, { now: k.now }), k.name);
        checkVerdict(c, k.expect, () => c.callJson('statusGet', {
          statusList: k.statusList, trust: k.trust, idx: k.idx, now: k.now,
        }), `${k.name} (callJson)`);
      }
    }
  }],

  ['status lists speak only for their issuer; verify with a list fails closed', (c, fx) => {
    const v = new c.Verifier(trustOf(c, fx.trust));
    const at = { now: fx.now };
    // A's own lists: valid passes, revoked is revoked.
    assert.equal(v.verify(fx.withStatus, fx.audience, { ...at, statusList: fx.validList }).status.state, 'valid');
    assert.throws(c, () => v.verify(fx.withStatus, fx.audience, { ...at, statusList: fx.revokedList }),
      { code: 'revoked', numericCode: 1807 });
    // Another trusted issuer's list at A's URI can neither un-revoke nor revoke A's artefact.
    for (const list of [fx.foreignValidList, fx.foreignRevokedList]) {
      assert.throws(c, () => v.verify(fx.withStatus, fx.audience, { ...at, statusList: list }),
        { code: 'status_list_foreign', numericCode: 1809 });
      assert.throws(c, () => c.callJson('verify', { artefact: fx.withStatus, trust: fx.trust,
        audience: fx.audience, now: fx.now, statusList: list }), { code: 'status_list_foreign' });
      const r = v.verify(fx.withStatus, fx.audience, { ...at, statusList: list, acceptUnknownStatus: true });
      assert.equal(r.status.state, 'not_checked');
      assert.equal(r.status.reason, 'foreign_list');
      const d = v.decide(fx.withStatus, { recipient: fx.audience, purpose: 'abdm:CAREMGT',
        operation: 'view', fields: ['/name'], now: fx.now }, { statusList: list });
      assert.equal(d.allowed, false);
      assert.deepEqual(d.reasons.map((x) => x.code), ['status_unknown']);
    }
    // Stale, another URI, a value above 2: refused with their codes unless accepted.
    for (const [list, code] of [[fx.staleList, 'status_list_stale'], [fx.otherUriList, 'status_list_other_uri'],
      [fx.value3List, 'status_value_unknown']]) {
      assert.throws(c, () => v.verify(fx.withStatus, fx.audience, { ...at, statusList: list }), { code });
      v.verify(fx.withStatus, fx.audience, { ...at, statusList: list, acceptUnknownStatus: true });
    }
    assert.throws(c, () => v.verify(fx.withStatus, fx.audience, { ...at, acceptUnknownStatus: 'yes' }),
      { code: 'request_invalid' });
    // statusGet shows who signed a list, where it is published and whether it is fresh.
    const trust = trustOf(c, fx.trust);
    const own = c.statusGet(fx.validList, trust, 5, at);
    const other = c.statusGet(fx.foreignValidList, trust, 5, at);
    assert.equal(own.uri, other.uri);
    assert.ok(own.kid !== other.kid, 'another issuer, another kid');
    assert.equal(v.verify(fx.withStatus, fx.audience, { ...at, statusList: fx.validList }).kid, own.kid);
    assert.equal(c.statusGet(fx.staleList, trust, 5, at).list.state, 'stale');
    assert.equal(own.list.state, 'fresh');
  }],

  ['statusGet: own lists, revoked and valid entries', (c, fx) => {
    const trust = trustOf(c, fx.trust);
    const r = c.statusGet(fx.revokedList, trust, 5, { now: fx.now });
    assert.equal(r.status, 'invalid');
    assert.equal(r.value, 1);
    assert.equal(c.statusGet(fromB64url(fx.validList), trust, 5, { now: fx.now }).status, 'valid');
    assert.throws(c, () => c.statusGet(fx.validList, trust, 99, { now: fx.now }), { code: 'status_index_out_of_range' });
    assert.throws(c, () => c.statusGet(fx.validList, new c.TrustStore(), 0, { now: fx.now }), { code: 'key_unknown_kid' });
    assert.throws(c, () => c.statusGet(fx.validList, trust, -1, { now: fx.now }), { code: 'request_invalid' });
  }],

  ['inspect: the unverified view, same as Rust', (c, fx) => {
    const good = fx.cases.find((k) => k.name === 'good ed25519');
    assert.deepEqual(c.inspect(good.artefact), fx.inspect.result);
    assert.deepEqual(c.inspect(fromB64url(good.artefact)), fx.inspect.result);
    assert.equal(c.inspect(good.artefact).verified, false);
    assert.throws(c, () => c.inspect('!!'), { code: 'request_invalid' });
    assert.throws(c, () => c.inspect(fx.cases.find((k) => k.name === 'truncated').artefact), { code: 'cbor_truncated' });
  }],

  ['issue → verify round trip (Ed25519 and ES256, text and bytes keys)', (c, fx) => {
    const claims = { ...fx.claims };
    delete claims.cti;
    delete claims.iat;
    for (const alg of ['ed25519', 'es256']) {
      const pkcs8 = fx.pkcs8[alg];
      const jwk = c.keyPublic(pkcs8);
      assert.deepEqual(c.keyPublic(fromB64url(pkcs8)), jwk, 'keyPublic text = bytes');
      const trust = new c.TrustStore();
      trust.addJwk(jwk);
      assert.equal(trust.size, 1);
      const out = c.issue(claims, alg === 'es256' ? fromB64url(pkcs8) : pkcs8, { now: fx.now });
      assert.equal(typeof out.artefact, 'string');
      assert.equal(fromB64url(out.cti).length, 16);
      const v = new c.Verifier(trust).verify(out.artefact, fx.audience, { now: fx.now + 10 });
      assert.equal(v.verified, true);
      assert.equal(v.alg, alg === 'es256' ? 'ES256' : 'EdDSA');
      assert.equal(v.kid, jwk.kid);
      assert.equal(v.claims.iat, fx.now);
      assert.equal(v.claims.cti, out.cti);
      assert.deepEqual(v.claims.consent, fx.claims.consent);
    }
  }],

  ['now defaults to the clock (Date.now) when left out', (c, fx) => {
    const claims = { ...fx.claims, exp: Math.floor(Date.now() / 1000) + 3600 };
    delete claims.cti;
    delete claims.iat;
    const out = c.issue(claims, fx.pkcs8.ed25519);
    const t = Math.floor(Date.now() / 1000);
    const trust = new c.TrustStore();
    trust.addJwk(c.keyPublic(fx.pkcs8.ed25519));
    const v = new c.Verifier(trust).verify(out.artefact, fx.audience);
    assert.ok(Math.abs(v.claims.iat - t) <= 2, `iat ${v.claims.iat} ~ ${t}`);
    // The fixed-time fixtures expire long before the clock reads today.
    const good = fx.cases.find((k) => k.name === 'good ed25519');
    if (t > fx.now + 86400 * 31) {
      assert.throws(c, () => new c.Verifier(trustOf(c, fx.trust)).verify(good.artefact, fx.audience, {}), { code: 'expired' });
    }
  }],

  ['trust store: JWK entry, all-or-nothing sets, key checks', (c, fx) => {
    const t = new c.TrustStore();
    assert.equal(t.size, 0);
    t.addJwks(JSON.stringify(fx.trust));
    const n = t.size;
    assert.ok(n >= 2, 'size');
    t.addJwk(fx.trust.keys[0]); // same key again: a no-op
    assert.equal(t.size, n);
    const priv = { ...fx.trust.keys[0], d: 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
    assert.throws(c, () => t.addJwk(priv), { code: 'key_private_material' });
    const t2 = new c.TrustStore();
    assert.throws(c, () => t2.addJwks({ keys: [fx.trust.keys[0], { kty: 'OKP', crv: 'Ed25519', x: 'AAAA' }] }), { code: 'key_invalid' });
    assert.equal(t2.size, 0, 'a failed set adds nothing');
    assert.throws(c, () => t2.addJwks({}), { code: 'key_jwk_invalid' });
    assert.throws(c, () => t2.addJwk('{not json'), { code: 'request_invalid' });
    // Small-order Ed25519 key (the identity point) is refused.
    const weak = { kty: 'OKP', crv: 'Ed25519', x: 'AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' };
    assert.throws(c, () => c.publicJwk(weak), { code: 'key_weak' });
    assert.equal(c.publicJwk(fx.trust.keys[0]).kid, fx.trust.keys[0].kid);
  }],

  ['verifier: options, leeway, snapshot of the trust store', (c, fx) => {
    const trust = new c.TrustStore();
    const v = new c.Verifier(trust, { leeway: 120 });
    assert.equal(v.leeway, 120);
    assert.equal(new c.Verifier(trust).leeway, 60);
    assert.throws(c, () => new c.Verifier(trust, { leeway: 301 }), { code: 'invalid_option' });
    assert.throws(c, () => new c.Verifier(trust, { leway: 1 }), { code: 'request_invalid' });
    assert.throws(c, () => new c.Verifier(trust, { leeway: -1 }), { code: 'request_invalid' });
    const good = fx.cases.find((k) => k.name === 'good ed25519');
    trust.addJwks(fx.trust);
    assert.throws(c, () => v.verify(good.artefact, fx.audience, { now: fx.now }), { code: 'key_unknown_kid' }, 'snapshot');
    const exp = fx.claims.exp;
    const lenient = new c.Verifier(trust, { leeway: 120 });
    assert.equal(lenient.verify(good.artefact, fx.audience, { now: exp + 100 }).verified, true);
    assert.throws(c, () => new c.Verifier(trust).verify(good.artefact, fx.audience, { now: exp + 100 }), { code: 'expired' });
  }],

  ['decide: identical decisions to the Rust JSON layer; denial is a value', (c, fx) => {
    const v = new c.Verifier(trustOf(c, fx.trust));
    const good = fx.cases.find((k) => k.name === 'good ed25519');
    assert.ok(fx.decide.length >= 4, 'decide fixtures');
    for (const k of fx.decide) {
      checkVerdict(c, k.expect, () => v.decide(good.artefact, k.request), `decide ${k.request.purpose} ${k.request.operation}`);
      checkVerdict(c, k.expect, () => c.callJson('decide', { artefact: good.artefact, trust: fx.trust, request: k.request }), 'callJson decide');
    }
    assert.equal(v.decide(good.artefact, fx.decide[1].request).allowed, false);
    const tampered = fx.cases.find((k) => k.name === 'tampered signature');
    assert.throws(c, () => v.decide(tampered.artefact, fx.decide[0].request), { code: 'signature_invalid' });
    assert.throws(c, () => v.decide(good.artefact, { purpose: 'x' }), { code: 'request_invalid' });
    // `now` defaults to the clock: the fixed-time artefact has expired by now.
    const { now, ...noNow } = fx.decide[0].request;
    if (Date.now() / 1000 > fx.claims.exp + 60) assert.equal(v.decide(good.artefact, noNow).allowed, false);
  }],

  ['Pseudonymiser: identical output to the Rust JSON layer (value, record, csv, reverse)', (c, fx) => {
    const p = fx.pseudo;
    const ps = new c.Pseudonymiser(p.policy, p.masterKey);
    assert.equal(ps.value('/patient/aadhaar', '2345 6789 0124'), p.value.result.value);
    assert.deepEqual(ps.record(p.record), p.recordOut.result.record);
    assert.deepEqual(c.callJson('pseudonymise', { policy: p.policy, masterKey: p.masterKey, record: p.record }), p.recordOut.result);
    const keyBytes = Uint8Array.from(p.masterKey.match(/../g), (h) => parseInt(h, 16));
    assert.equal(new c.Pseudonymiser(JSON.stringify(p.policy), keyBytes).value('/patient/aadhaar', '234567890124'), p.value.result.value);
    const token = p.recordOut.result.record.patient.name;
    assert.equal(ps.reverseValue('/patient/name', token), 'Kavya Raman');
    assert.deepEqual(ps.reverseRecord({ patient: { name: token } }), { patient: { name: 'Kavya Raman' } });
    // CSV policies name columns; a pseudonym depends on the domain, not on the field name.
    const csvPolicy = { domain: p.policy.domain, fields: { aadhaar: { type: 'aadhaar', transform: 'pseudonym' } }, unlisted: 'keep' };
    const out = new c.Pseudonymiser(csvPolicy, p.masterKey).csv({ header: ['aadhaar', 'city'], rows: [['2345 6789 0124', 'Madurai']] });
    assert.deepEqual(out, { header: ['aadhaar', 'city'], rows: [[p.value.result.value, 'Madurai']] });
    assert.throws(c, () => ps.value('/patient/aadhaar', '2345 6789 0125'), p.badValue.error);
    let err;
    try { new c.Pseudonymiser(p.policy, 'abcd'); } catch (e) { err = e; }
    assert.ok(err instanceof c.ConsentryError, 'a short key throws ConsentryError');
    assert.ok(!err.message.includes('abcd'), 'the key is never echoed');
    // A weak master key (all zero, or one byte repeated) is refused, as hex and as bytes.
    assert.throws(c, () => new c.Pseudonymiser(p.policy, '00'.repeat(32)), { code: 'master_key_weak' });
    assert.throws(c, () => new c.Pseudonymiser(p.policy, new Uint8Array(32).fill(0xa5)), { code: 'master_key_weak' });
    assert.throws(c, () => c.callJson('pseudonymise', { policy: p.policy, masterKey: '00'.repeat(32), record: p.record }), { code: 'master_key_weak' });
    // A dropped field: `value` returns undefined (its declared type is `string | undefined`);
    // the JSON operation writes `{"value": null}`.
    const dropPolicy = { domain: p.policy.domain, fields: { '/a': { type: 'aadhaar', transform: 'drop' } }, unlisted: 'keep' };
    assert.equal(new c.Pseudonymiser(dropPolicy, p.masterKey).value('/a', '2345 6789 0124'), undefined);
    assert.deepEqual(c.callJson('pseudonymise', { policy: dropPolicy, masterKey: p.masterKey, field: '/a', value: '2345 6789 0124' }), { value: null });
    // A master key of the wrong length is refused the same way as hex and as bytes.
    assert.throws(c, () => new c.Pseudonymiser(p.policy, new Uint8Array(31).fill(7)), { code: err.code });
  }],

  ['Pseudonymiser: keyCheck / checkKey refuse reversal under another master key or domain', (c, fx) => {
    const p = fx.pseudo;
    const ps = new c.Pseudonymiser(p.policy, p.masterKey);
    const kcv = JSON.parse(ps.keyCheck);
    assert.equal(kcv.v, 1);
    assert.equal(kcv.domain, p.policy.domain);
    assert.ok(/^[0-9a-f]{16}$/.test(kcv.kcv), 'kcv is 16 hex digits');
    assert.ok(!ps.keyCheck.includes(p.masterKey), 'no key material');
    ps.checkKey(ps.keyCheck);
    const otherKey = new c.Pseudonymiser(p.policy, '0123456789abcdef'.repeat(4));
    assert.throws(c, () => otherKey.checkKey(ps.keyCheck), { code: 'pseudo_key_check_mismatch' });
    const otherDomain = new c.Pseudonymiser({ ...p.policy, domain: p.policy.domain + '/other' }, p.masterKey);
    assert.throws(c, () => otherDomain.checkKey(ps.keyCheck), { code: 'pseudo_key_check_mismatch' });
    assert.throws(c, () => ps.checkKey('{"v":1}'), { code: 'pseudo_key_check_malformed' });
  }],

  ['identifiers: idValidate / idMask / idDetect are the core\'s (same as callJson), never echo a value', (c) => {
    // Synthetic numbers only: 234567890124 passes Verhoeff, ...125 does not.
    const good = '2345 6789 0124';
    const bad = '2345 6789 0125';
    assert.deepEqual(c.idValidate('aadhaar', good), { valid: true, normalised: '234567890124' });
    assert.deepEqual(c.idValidate('aadhaar', good), c.callJson('idValidate', { type: 'aadhaar', value: good }));
    const r = c.idValidate('aadhaar', bad);
    assert.equal(r.valid, false, 'Verhoeff failure');
    assert.equal(r.error.code, 'id_checksum', 'checksum code');
    assert.ok(!JSON.stringify(r).includes('0125'), 'the value is not echoed');
    assert.deepEqual(c.idMask('aadhaar', good), { masked: 'XXXX XXXX 0124' });
    assert.deepEqual(c.idMask('mobile', '98765 43210'), c.callJson('idMask', { type: 'mobile', value: '98765 43210' }));
    const err = assert.throws(c, () => c.idMask('aadhaar', bad), { code: 'id_checksum' });
    assert.ok(!err.message.includes('0125'), 'the value is not echoed in the error');
    assert.throws(c, () => c.idValidate('ssn', good), { code: 'id_unknown_type' });
    const text = `call 9876543210 or quote ${good}`;
    // The core's spans, plus UTF-16 offsets for JS strings (equal to the byte offsets in ASCII).
    assert.deepEqual(bytesOnly(c.idDetect(text)), c.callJson('idDetect', { text }));
    assert.deepEqual(c.idDetect(text).spans.map((s) => s.type), ['mobile', 'aadhaar']);
    for (const s of c.idDetect(text).spans) assert.deepEqual([s.utf16Start, s.utf16End], [s.start, s.end]);
  }],
  ['idDetect: UTF-16 offsets slice the JS string, byte offsets slice its UTF-8', (c) => {
    // Tamil, Devanagari and an astral emoji (two UTF-16 units, four UTF-8 bytes) before and between.
    const text = 'அழைக்க 😀 9876543210, आधार 2345 6789 0124 🙏';
    const r = c.idDetect(text);
    assert.deepEqual(bytesOnly(r), c.callJson('idDetect', { text }));
    const utf8 = new TextEncoder().encode(text);
    const got = r.spans.map((s) => [s.type, text.slice(s.utf16Start, s.utf16End),
      new TextDecoder().decode(utf8.subarray(s.start, s.end))]);
    assert.deepEqual(got, [
      ['mobile', '9876543210', '9876543210'],
      ['aadhaar', '2345 6789 0124', '2345 6789 0124'],
    ]);
    assert.ok(r.spans[0].utf16Start < r.spans[0].start, 'the offsets differ outside ASCII');
    assert.deepEqual(c.idDetect('').spans, []);
  }],
  ['decide: an over-cap request is refused with request_too_large; a large one is answered exactly', (c, fx) => {
    const v = new c.Verifier(trustOf(c, fx.trust));
    const good = fx.cases.find((k) => k.name === 'good ed25519');
    const base = fx.decide[0].request;
    const over = { ...base, fields: Array.from({ length: 4097 }, (_, i) => `/f${i}`) };
    assert.throws(c, () => v.decide(good.artefact, over), { code: 'request_too_large', numericCode: 2010,
      message: '`fields` names 4097 selectors; at most 4096 are allowed' });
    assert.throws(c, () => c.callJson('decide', { artefact: good.artefact, trust: fx.trust, request: over }),
      { code: 'request_too_large', numericCode: 2010 });
    const deep = { ...base, fields: [`/name${'/a'.repeat(40)}`] };
    assert.throws(c, () => v.decide(good.artefact, deep), { code: 'request_too_large' });
    // 2,000 selectors that meet nothing, beside the fixture's own: the fixture's answer.
    const large = { ...base, fields: [...base.fields, ...Array.from({ length: 2000 }, (_, i) => `/zz${i}`)] };
    assert.deepEqual(v.decide(good.artefact, large), v.decide(good.artefact, base), 'large request');
  }],

  ['taxonomies: caller packs cannot graft under, or add to, shipped purposes, nor declare legitimate uses unasked', (c, fx) => {
    const trust = trustOf(c, fx.trust);
    const good = fx.cases.find((k) => k.name === 'good ed25519');
    const req = fx.decide[0].request;
    const graft = { version: 1, pack: 'fid', purposes: [{ code: 'fid:targeted-ads', parent: 'aa:101', name: 'Ads' }] };
    const inside = { version: 1, pack: 'mine', purposes: [{ code: 'aa:106', name: 'More' }] };
    const lu = { version: 1, pack: 'mine', purposes: [{ code: 'mine:lu', name: 'Ours', legitimate_use: true }] };
    const decideWith = (taxonomies, extra = {}) => new c.Verifier(trust, { taxonomies, ...extra }).decide(good.artefact, req);
    assert.throws(c, () => decideWith([graft], { taxonomyAllowLegitimateUses: true }), { code: 'taxonomy_shipped_parent', numericCode: 1607 });
    assert.throws(c, () => decideWith([inside]), { code: 'taxonomy_shipped_prefix', numericCode: 1606 });
    assert.throws(c, () => decideWith([lu]), { code: 'taxonomy_legitimate_use_not_allowed', numericCode: 1608 });
    assert.deepEqual(decideWith([lu], { taxonomyAllowLegitimateUses: true }), new c.Verifier(trust).decide(good.artefact, req));
    assert.throws(c, () => new c.Verifier(trust, { taxonomyAllowLegitimateUses: 'yes' }), { code: 'request_invalid' });
    const call = (taxonomies, allow) => () => c.callJson('decide', { artefact: good.artefact, trust: fx.trust, request: req,
      taxonomies: taxonomies.map((t) => JSON.stringify(t)), taxonomyAllowLegitimateUses: allow });
    assert.throws(c, call([graft], true), { code: 'taxonomy_shipped_parent' });
    assert.throws(c, call([lu], false), { code: 'taxonomy_legitimate_use_not_allowed' });
  }],

  ['no secret in any error: every callJson operation and the class constructors', (c, fx) => {
    const AADHAAR = '234567890124';
    const KEY = '3141592653589793238462643383279502884197169399375105820974944592';
    const NAME = 'Asha Devi 234567890124';
    const leaks = (m) => [AADHAAR, '2345678901', KEY, '3141592653', '1415926535', 'Asha'].find((s) => m.includes(s));
    const ENUMS = ['operation', 'mode', 'role', 'unlisted', 'type', 'transform', 'event', 'kty', 'crv', 'basis'];
    const key = '00'.repeat(32);
    const policy = { domain: 'd', unlisted: 'drop', fields: { '/aadhaar': { type: 'aadhaar', transform: 'ff1' },
      '/name': { type: 'text', transform: 'pseudonym' } } };
    const claims = { ...fx.claims, consent: { ...fx.claims.consent, child: true, grantor: { role: 'parent', evidence: 'e' } } };
    const templates = [
      ['verify', { artefact: 'AAAA', trust: fx.trust, audience: 'a', now: 1, leeway: 1, statusList: 'AAAA' }],
      ['decide', { artefact: 'AAAA', trust: fx.trust, request: { ...fx.decide[0].request, uses: 0, leeway: 1 },
        taxonomies: [], taxonomyAllowLegitimateUses: false, statusList: 'AAAA' }],
      ['filter', { decision: { allowed: true, fields: ['/name'], transforms: { '/name': 'pseudonym' }, eraseBy: 1 },
        record: { name: 'x' }, policy, masterKey: key }],
      ['pseudonymise', { policy, masterKey: key, reverse: false, field: '/name', value: 'x' }],
      ['pseudonymise', { policy, masterKey: key, csv: { header: ['name'], rows: [['x']] } }],
      ['idValidate', { type: 'aadhaar', value: 'x' }],
      ['idMask', { type: 'aadhaar', value: 'x' }],
      ['idDetect', { text: 'x' }],
      ['inspect', { artefact: 'AAAA' }],
      ['issue', { claims, pkcs8: fx.pkcs8.ed25519, now: fx.now }],
      ['statusGet', { statusList: 'AAAA', trust: fx.trust, idx: 1, now: 1 }],
      ['keyPublic', { pkcs8: fx.pkcs8.ed25519 }],
      ['aaVerify', { jws: 'AAAA', trust: fx.trust, issuer: 'x', now: 1 }],
      ['aaVerifyDetached', { signature: 'AAAA', body: 'AAAA', trust: fx.trust, issuer: 'x' }],
      ['aaDecide', { jws: 'AAAA', trust: fx.trust, issuer: 'x', request: { ...fx.decide[0].request, uses: 0, leeway: 1 },
        taxonomies: [], taxonomyAllowLegitimateUses: false, status: 'ACTIVE' }],
    ];
    assert.deepEqual([...new Set(templates.map(([op]) => op))].sort(), [...c.operations()].sort(), 'every operation swept');
    // Every member (at any depth) replaced by each secret; the key and the Aadhaar go in as JSON
    // number literals (the text is built by hand so that no digit is lost to floating point).
    const secrets = [AADHAAR, KEY, JSON.stringify(NAME), `[${AADHAAR}]`, `{${JSON.stringify(NAME)}: 1}`];
    const MARK = '"\u0000secret\u0000"';
    function* mutate(v, isEnum) {
      if (typeof v !== 'string' || isEnum) yield { path: '$', value: MARK, stringSlot: typeof v === 'string' };
      if (Array.isArray(v)) {
        for (let i = 0; i < v.length; i++) {
          for (const m of mutate(v[i], false)) yield { ...m, path: `${i}/${m.path}`, value: `[${v.map((x, j) => (j === i ? m.value : JSON.stringify(x))).join(',')}]` };
        }
      } else if (v && typeof v === 'object') {
        const keys = Object.keys(v);
        for (const k of keys) {
          for (const m of mutate(v[k], ENUMS.includes(k))) {
            yield { ...m, path: `${k}/${m.path}`, value: `{${keys.map((x) => `${JSON.stringify(x)}:${x === k ? m.value : JSON.stringify(v[x])}`).join(',')}}` };
          }
        }
      }
    }
    let errors = 0;
    for (const [op, t] of templates) {
      for (const m of mutate(t, false)) {
        for (const s of secrets) {
          if (m.stringSlot && s !== JSON.stringify(NAME)) continue;
          const text = m.value.replace(MARK, s);
          try {
            c.callJson(op, text);
          } catch (e) {
            errors++;
            if (!(e instanceof c.ConsentryError)) fail(`${op} ${m.path}: not a ConsentryError: ${e}`);
            const l = leaks(`${e.message} ${e.code}`);
            if (l) fail(`${op} ${m.path}: the error quotes ${l}: ${e.message}`);
          }
        }
      }
    }
    assert.ok(errors > 300, `errors seen: ${errors}`);
    // Constructors and methods that take JSON: the same secrets, the same silence.
    const thrownMessage = (fn) => {
      try {
        fn();
      } catch (e) {
        if (!(e instanceof c.ConsentryError)) fail(`not a ConsentryError: ${e}`);
        return e.message;
      }
      return fail('nothing thrown');
    };
    const trust = trustOf(c, fx.trust);
    const good = fx.cases.find((k) => k.name === 'good ed25519');
    for (const fn of [
      () => new c.Pseudonymiser(`{"domain":${KEY},"unlisted":"drop","fields":{}}`, key),
      () => new c.Pseudonymiser({ domain: 'd', unlisted: NAME, fields: {} }, key),
      () => new c.Pseudonymiser(`{"domain":"d","unlisted":"drop","fields":{"/a":{"type":${AADHAAR},"transform":"drop"}}}`, key),
      () => new c.Verifier(trust, { taxonomies: [`{"version":1,"pack":"t","purposes":[{"code":${AADHAAR},"name":"n"}]}`] }).decide(good.artefact, fx.decide[0].request),
      () => new c.Verifier(trust).decide(good.artefact, `{"recipient":"r","purpose":"p","operation":"${NAME}","fields":["/a"],"now":1}`),
      () => new c.Verifier(trust).decide(good.artefact, { ...fx.decide[0].request, fields: [Number(AADHAAR)] }),
      () => new c.TrustStore().addJwk(`{"kty":"OKP","crv":"${NAME}","x":${KEY}}`),
      () => c.issue(`${JSON.stringify({ ...fx.claims, sub: 'MARK' }).replace('"MARK"', AADHAAR)}`, fx.pkcs8.ed25519, { now: fx.now }),
      () => c.issue({ ...claims, consent: { ...claims.consent, grantor: { role: NAME, evidence: 'e' } } }, fx.pkcs8.ed25519, { now: fx.now }),
    ]) {
      const m = thrownMessage(fn);
      const l = leaks(m);
      if (l) fail(`the error quotes ${l}: ${m}`);
    }
  }],

  ['aa: aaVerify and aaDisplay on the AA spec example; every tamper refused with its code', (c, fx) => {
    const a = fx.aa;
    const trust = new c.AaTrust(a.records);
    assert.equal(trust.size, 2, 'two AA keys');
    const opts = { issuer: 'finvu-aa', now: a.inside };
    assert.deepEqual(c.aaVerify(a.jws, trust, opts), a.verify.result, 'the JSON layer\'s result');
    assert.deepEqual(c.aaVerify(a.jws, new c.AaTrust(JSON.stringify(a.records)), opts), a.verify.result, 'keys as text');
    const d = c.aaDisplay(a.jws, trust, opts);
    assert.deepEqual(d, a.display, 'the core\'s display view');
    assert.equal(d.purpose.name, 'Wealth management service', 'purpose name from the taxonomy');
    assert.equal(d.purpose.category, 'Personal Finance', 'its category');
    assert.equal(d.recipient, 'cookiejar-aa@finvu.in', 'recipient');
    assert.deepEqual(d.dataLife, { unit: 'MONTH', value: 4, seconds: 4 * 30 * 86400 }, 'data life');
    assert.ok(!JSON.stringify(d).includes('demo@finvu'), 'the customer handle is not shown');
    // Window: the clock (today) is after consentExpiry; checkWindow: false verifies the evidence.
    assert.throws(c, () => c.aaVerify(a.jws, trust), { code: 'expired', numericCode: 1500 });
    assert.throws(c, () => c.aaDisplay(a.jws, trust), { code: 'expired' });
    assert.equal(c.aaVerify(a.jws, trust, { checkWindow: false }).kid, a.verify.result.kid);
    assert.throws(c, () => c.aaVerify(a.jws, trust, { issuer: 'aa-one', now: a.inside }), { code: 'aa_issuer_mismatch', numericCode: 2306 });
    const [h, p, sig] = a.jws.split('.');
    const flip = (t, i) => t.slice(0, i) + (t[i] === 'A' ? 'B' : 'A') + t.slice(i + 1);
    const enc = (o) => btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const header = JSON.parse(atob(h.replace(/-/g, '+').replace(/_/g, '/')));
    const refused = [
      [`${h}.${flip(p, 40)}.${sig}`, 'signature_invalid'],
      [`${h}.${p}.${flip(sig, 10)}`, 'signature_invalid'],
      [`${enc({ ...header, alg: 'HS256' })}.${p}.${sig}`, 'aa_alg_unsupported'],
      [`${enc({ ...header, alg: 'none' })}.${p}.${sig}`, 'aa_alg_unsupported'],
      [`${enc({ ...header, crit: ['b64', 'exp'] })}.${p}.${sig}`, 'aa_crit_unknown'],
      [`${enc({ ...header, kid: 'nobody' })}.${p}.${sig}`, 'key_unknown_kid'],
      [`${enc({ alg: header.alg, kid: header.kid })}.${p}.${sig}`, 'signature_invalid'],
      [`${h}.${sig}`, 'aa_jws_structure'],
    ];
    for (const [jws, code] of refused) {
      assert.throws(c, () => c.aaVerify(jws, trust, opts), { code }, code);
      assert.throws(c, () => c.aaDisplay(jws, trust, opts), { code }, code);
    }
    assert.throws(c, () => new c.AaTrust({ keys: [a.smallKey] }), { code: 'aa_key_too_small', numericCode: 2305 });
    assert.throws(c, () => new c.AaTrust(a.records, { when: 1 }), { code: 'request_invalid' });
    assert.throws(c, () => c.aaVerify(a.jws, trust, { issuer: 7 }), { code: 'request_invalid' });
    const bound = new c.AaTrust(a.records[0].certificate, { entity: 'finvu-aa' });
    assert.equal(c.aaVerify(a.jws, bound, opts).issuer, 'finvu-aa', 'a JWK bound to an entity');
  }],

  ['aa: aaVerifyDetached (three b64 variants) and aaDecide, full module only', (c, fx) => {
    const a = fx.aa;
    if (!c.aaDecide) {
      assert.equal(c.aaVerifyDetached, undefined, 'the portal module has neither');
      return;
    }
    const trust = new c.AaTrust(a.records);
    const body = a.signed.payload;
    for (const k of a.signed.cases) {
      const r = c.aaVerifyDetached(k.detached, body, trust, { issuer: 'aa-one' });
      assert.deepEqual(r, { kid: 'aa-one-key-1', alg: 'RS256', b64: k.b64, issuer: 'aa-one' }, `b64 ${k.b64}`);
      const bytes = Uint8Array.from(atob(body.replace(/-/g, '+').replace(/_/g, '/')), (ch) => ch.charCodeAt(0));
      assert.deepEqual(c.aaVerifyDetached(k.detached, bytes, trust), r, 'the body as bytes');
      bytes[3] ^= 1;
      assert.throws(c, () => c.aaVerifyDetached(k.detached, bytes, trust), { code: 'signature_invalid' });
    }
    assert.deepEqual(c.aaDecide(a.jws, trust, a.request, { issuer: 'finvu-aa', status: 'ACTIVE' }), a.decide.result);
    assert.equal(c.aaDecide(a.jws, trust, a.request, { status: 'ACTIVE' }).allowed, true, 'permit');
    const denied = (req, o) => c.aaDecide(a.jws, trust, { ...a.request, ...req }, o).reasons.map((r) => r.code);
    assert.ok(denied({ purpose: 'aa:102' }, { status: 'ACTIVE' }).includes('purpose_not_granted'), 'aa:102');
    assert.ok(denied({ recipient: 'someone.else' }, { status: 'ACTIVE' }).includes('audience_mismatch'), 'recipient');
    assert.ok(denied({}, {}).includes('status_unknown'), 'no status fails closed');
    assert.ok(denied({}, { status: 'REVOKED' }).includes('revoked'), 'revoked');
    const p = a.jws.split('.');
    const tampered = [p[0], p[1].slice(0, 40) + (p[1][40] === 'A' ? 'B' : 'A') + p[1].slice(41), p[2]].join('.');
    assert.throws(c, () => c.aaDecide(tampered, trust, a.request, { status: 'ACTIVE' }), { code: 'signature_invalid' });
  }],

  ['bad input throws ConsentryError, never a plain object', (c, fx) => {
    const v = new c.Verifier(trustOf(c, fx.trust));
    const opts = { now: fx.now };
    assert.throws(c, () => v.verify('not base64!', fx.audience, opts), { code: 'request_invalid', numericCode: 2000 });
    assert.throws(c, () => v.verify(42, fx.audience, opts), { code: 'request_invalid' });
    assert.throws(c, () => v.verify([1, 2], fx.audience, opts), { code: 'request_invalid' });
    assert.throws(c, () => v.verify('AAAA', fx.audience, { now: 1.5 }), { code: 'request_invalid' });
    assert.throws(c, () => v.verify('AAAA', fx.audience, { now: '1' }), { code: 'request_invalid' });
    assert.throws(c, () => v.verify('AAAA', fx.audience, { when: 1 }), { code: 'request_invalid' });
    assert.throws(c, () => c.issue({ iss: 'x' }, fx.pkcs8.ed25519, opts), { code: 'claims_json' });
    assert.throws(c, () => c.issue(fx.claims, 'AAAA', opts), { code: 'key_pkcs8_invalid' });
    assert.throws(c, () => c.keyPublic(new Uint8Array(10)), { code: 'key_pkcs8_invalid' });
    const e = new c.ConsentryError('m', 'x', 1);
    assert.ok(e instanceof Error && e.code === 'x' && e.numericCode === 1 && e.message === 'm', 'constructor');
  }],
];

/** Runs every case; returns `[{name, ok, error}]` (for the browser harness). */
export function runAll(c, fx) {
  return cases.map(([name, fn]) => {
    try {
      fn(c, fx);
      return { name, ok: true };
    } catch (e) {
      return { name, ok: false, error: String(e && e.stack ? e.stack : e) };
    }
  });
}
