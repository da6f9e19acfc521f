// Compiled by `tsc --strict --noEmit` against the packed package's .d.ts (scripts/test-npm).
import {
  TrustStore, Verifier, ConsentryError, inspect, issue, statusGet, keyPublic, publicJwk, codes,
  callJson, operations, Pseudonymiser, idValidate, idMask, idDetect,
  type IdValidation, type IdSpan, type VerifiedArtefact, type Jwk, type Jwks, type IssueResult, type StatusEntry, type CodeInfo,
  type Inspected, type ClaimsInput, type Decision, type CsvRows,
} from 'consentry';
import initWeb, { Verifier as WebVerifier } from 'consentry/web';
import initPortal, { Verifier as PortalVerifier, idValidate as portalIdValidate } from 'consentry/portal/web';
import { TrustStore as BundledPortalTrustStore } from 'consentry/portal';
import initPortalAa, {
  AaTrust as PortalAaTrust, aaDisplay as portalAaDisplay, aaVerify as portalAaVerify, type AaDisplay, type AaVerified,
} from 'consentry/portal-aa/web';
import { aaVerify as bundledPortalAaVerify } from 'consentry/portal-aa';

const jwks: Jwks = { keys: [] };
const trust = new TrustStore();
trust.addJwks(jwks);
trust.addJwk('{"kty":"OKP"}');
const size: number = trust.size;

const verifier = new Verifier(trust, { leeway: 30 });
const artefact: Uint8Array = new Uint8Array(4);
try {
  const v: VerifiedArtefact = verifier.verify(artefact, 'tn.health', { now: 1_800_000_000 });
  const purposes: string[] = v.claims.consent.purposes.map((g) => g.purpose);
  const first = v.claims.consent.purposes[0];
  const fields: string[] = first ? first.fields : [];
  const when: number = v.claims.exp;
  if (v.status.state === 'not_checked') console.log(purposes, fields, when);
  verifier.verify('AAAA', 'tn.health');
} catch (e) {
  if (e instanceof ConsentryError) {
    const code: string = e.code;
    const n: number = e.numericCode;
    const m: string = e.message;
    console.log(code, n, m);
  }
}

const claims: ClaimsInput = {
  iss: 'cm', sub: 'pp-1', aud: 'tn.health', exp: 1_900_000_000,
  consent: {
    v: 1, basis: 'consent', notice: { id: 'n', sha256: 'AAAA', lang: 'en-IN' },
    purposes: [{ purpose: 'aa:101', fields: ['/name'], mode: 'view' }],
  },
};
const issued: IssueResult = issue(claims, 'pkcs8-base64url', { now: 1_800_000_000 });
const jwk: Jwk = keyPublic(new Uint8Array(0));
const canon: Jwk = publicJwk(jwk);
const view: Inspected = inspect(issued.artefact);
const entry: StatusEntry = statusGet(new Uint8Array(0), trust, 5, {});
const all: CodeInfo[] = codes();
const ops: string[] = operations();
const anything: unknown = callJson('verify', { artefact: issued.artefact });
console.log(size, canon, view.header.kid, entry.status, all.length, ops, anything);

const d: Decision = verifier.decide('AAAA', { recipient: 'r', purpose: 'aa:101', operation: 'view', fields: ['/name'] });
if (d.allowed) {
  const f: string[] = d.fields;
  console.log(f, d.eraseBy);
} else {
  console.log(d.reasons.length);
}
const ps = new Pseudonymiser({ domain: 'd', fields: {} }, '00'.repeat(32));
const pv: string | undefined = ps.value('/aadhaar', '2345 6789 0124');
const rec: Record<string, unknown> = ps.record({ a: 1 });
const rows: CsvRows = ps.csv({ header: ['a'], rows: [['1']] });
console.log(pv, rec, rows.header, ps.reverseValue('/name', 't1.x'));

// @ts-expect-error: the audience is required
verifier.verify(artefact);
// @ts-expect-error: unknown option
new Verifier(trust, { leway: 1 });

async function web(): Promise<void> {
  await initWeb();
  const w = new WebVerifier(new (await import('consentry/web')).TrustStore());
  console.log(w.leeway);
}
void web;

// Identifiers, in the full and the portal module.
const idv: IdValidation = idValidate('aadhaar', '2345 6789 0124');
const normalised: string | undefined = idv.valid ? idv.normalised : undefined;
const idErr: string | undefined = idv.valid ? undefined : idv.error.code;
const masked: string = idMask('aadhaar', '234567890124').masked;
const spans: IdSpan[] = idDetect('call 9876543210').spans;
const firstAt: number | undefined = spans[0]?.utf16Start;
const portalIdv: IdValidation = portalIdValidate('pan', 'ABCPE1234F');
void [normalised, idErr, masked, spans, firstAt, portalIdv, initPortal, PortalVerifier, BundledPortalTrustStore];

// Account Aggregator consents in the portal-aa module (the plain portal module has none).
const aaTrust = new PortalAaTrust({ keys: [] }, { entity: 'finvu-aa' });
const aaSize: number = aaTrust.size;
const shown: AaDisplay = portalAaDisplay('h.p.s', aaTrust, { issuer: 'finvu-aa', checkWindow: false });
const purposeName: string | null = shown.purpose.name;
const aaVerified: AaVerified = portalAaVerify('h.p.s', aaTrust, { now: 1 });
const aaKid: string = aaVerified.kid;
void [aaSize, purposeName, aaKid, initPortalAa, bundledPortalAaVerify];
