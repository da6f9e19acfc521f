/** The error every function throws: a real `Error` with stable codes shared by every face. */
export class ConsentryError extends Error {
  constructor(message: string, code: string, numericCode: number);
  /** The stable string code, e.g. `"signature_invalid"`. */
  readonly code: string;
  /** The stable numeric code (the C `consentry_result` value), e.g. `1300`. */
  readonly numericCode: number;
}
/** A public JWK (RFC 7517): Ed25519 (`OKP`) or P-256 (`EC`). */
export interface Jwk { kty: string; crv?: string; x?: string; y?: string; kid?: string; alg?: string; [member: string]: unknown }
/** A JWK Set. */
export interface Jwks { keys: Jwk[] }
/** `leeway`: clock-skew leeway in seconds (default 60, at most 300). */
export interface VerifierOptions { leeway?: number; taxonomies?: (object | string)[]; taxonomyAllowLegitimateUses?: boolean }
/** `now`: seconds since the epoch (default: `Date.now()`). */
export interface NowOptions { now?: number }
/**
 * `statusList`: a signed status list to check the artefact's status in (fails closed: only the
 * artefact's own issuer's fresh list showing valid passes). `acceptUnknownStatus`: report an
 * unknown status (another issuer's or URI's list, a stale list, a value above 2) instead.
 */
export interface VerifyOptions extends NowOptions { statusList?: Uint8Array | string; acceptUnknownStatus?: boolean }
export type Mode = "view" | "store" | "query" | "stream";
export interface Grant {
  purpose: string; fields: string[]; mode: Mode; data_life?: number;
  frequency?: { max: number; per: number }; transforms?: Record<string, string>;
}
export interface Consent {
  v: 1; basis: string; purposes: Grant[]; notice: { id: string; sha256: string; lang: string };
  grantor?: { role: "parent" | "guardian" | "nominee"; evidence: string }; child?: boolean;
  range?: { from: number; to: number };
}
/** The JSON view of an artefact's claims (times in seconds since the epoch, bytes base64url). */
export interface Claims {
  iss: string; sub: string; aud: string | string[]; exp: number; nbf?: number; iat: number;
  cti: string; status?: { status_list: { idx: number; uri: string } }; consent: Consent;
}
/** Claims to issue: `iat` defaults to now, `cti` to 16 random bytes. */
export type ClaimsInput = Omit<Claims, "iat" | "cti"> & { iat?: number; cti?: string };
export type Freshness = { state: "fresh" } | { state: "future"; iat: number } | { state: "expired"; exp: number } | { state: "stale"; refreshBy: number };
export type StatusCheck =
  | { state: "none" }
  | { state: "not_checked"; reason: "no_list" | "other_uri" | "foreign_list"; uri: string; idx: number }
  | { state: string; value: number; list: Freshness };
export interface VerifiedArtefact { verified: true; alg: "EdDSA" | "ES256"; kid: string; status: StatusCheck; claims: Claims }
export interface Inspected {
  verified: false; warning: string;
  header: { alg: string | null; kid: string | null; typ: string | null }; claims: Claims;
}
export interface IssueResult { artefact: string; cti: string }
/** An entry of a verified list: `uri` is the list's `sub`, `kid` the key that signed it (it speaks only for artefacts signed by the same key, whatever `kid` each names), `list` its freshness. */
export interface StatusEntry { idx: number; status: string; value: number; uri: string; kid: string; list: Freshness }
export interface CodeInfo { code: string; numericCode: number }
/** What a recipient asks to do (`now` defaults to the clock). */
export interface DecideRequest {
  recipient: string; purpose: string; operation: Mode; fields: string[]; now?: number;
  uses?: number; leeway?: number; acceptUnknownStatus?: boolean; [member: string]: unknown;
}
export interface DecideOptions { statusList?: Uint8Array | string }
/** A decision: a permit, or a denial with every failed check (a value, never an error). */
export type Decision =
  | { allowed: true; fields: string[]; transforms: Record<string, string>; eraseBy: number; [member: string]: unknown }
  | { allowed: false; reasons: unknown[]; [member: string]: unknown };
export interface CsvRows { header: string[]; rows: string[][] }
export type IdValidation =
  | { valid: true; normalised: string }
  | { valid: false; error: { code: string; numericCode: number; message: string; [member: string]: unknown } };
/** An identifier in free text: `start` / `end` are UTF-8 byte offsets (as in every face),
 * `utf16Start` / `utf16End` index the JS string: `text.slice(s.utf16Start, s.utf16End)`. */
export interface IdSpan { start: number; end: number; type: string; utf16Start: number; utf16End: number }
/** Account Aggregator keys: a JWK Set (consentry's own keys in it are set aside), a single RSA JWK, or Central Registry entity records (or the registry's `entityinfo` response). */
export type AaKeys = Jwks | Jwk | AaEntityRecord[] | { entityinfo: AaEntityRecord[]; [member: string]: unknown };
export interface AaEntityRecord { id: string; certificate?: Jwk | null; [member: string]: unknown }
/** `entity`: the entity id every key of a JWK Set or JWK is bound to. */
export interface AaTrustOptions { entity?: string }
/** `issuer`: the entity id the signing key must be bound to; `now`: the time the consent must be inside its window at (default: `Date.now()`); `checkWindow: false` skips the window check (the evidence of a consent that has ended). */
export interface AaVerifyOptions extends NowOptions { issuer?: string; checkWindow?: boolean }
export interface AaDetachedOptions { issuer?: string }
/** `status`: the consent's status from the AA (`ACTIVE`, `PAUSED`, `REVOKED`, ...); absent, the decision fails closed. */
export interface AaDecideOptions { issuer?: string; status?: string; taxonomies?: (object | string)[]; taxonomyAllowLegitimateUses?: boolean }
export type AaAlg = "RS256" | "PS256";
export type AaB64 = "false" | "true" | "absent";
export type AaUnit = "HOUR" | "DAY" | "MONTH" | "YEAR" | "INF";
export interface AaPeriod { unit: AaUnit; value: number }
export interface AaDataFilter { type: string; operator: string; value: string }
/** The imported view of a verified AA consent (`docs/aa.md`): marked `source: "aa"`, with the signing entity and the evidence (SHA-256 of the JWS, base64url). */
export interface AaImported {
  source: "aa"; issuer: string; kid: string; evidence: string; claims: Claims;
  aa: {
    consentId?: string; fetchType?: string;
    purpose: { code: string; text: string | null; refUri: string | null; categoryType: string | null };
    fiTypes: string[]; consentTypes: string[]; dataLife: AaPeriod; frequency: AaPeriod;
    fiDataRange?: { from: number; to: number }; dataFilter: AaDataFilter[];
  };
}
/** A verified AA consent: `payload` is the signed detail, parsed after the signature verified. */
export interface AaVerified { kid: string; alg: AaAlg; b64: AaB64; issuer: string | null; payload: { [member: string]: unknown }; claims: AaImported; evidence: string }
export interface AaDetached { kid: string; alg: AaAlg; b64: AaB64; issuer: string | null }
/** What a citizen-facing page shows of a verified AA consent (times in seconds since the epoch). */
export interface AaDisplay {
  source: "aa"; issuer: string; kid: string; evidence: string; consentId?: string;
  purpose: { code: string; name: string | null; category: string | null; text: string | null };
  recipient: string; mode: Mode; window: { from: number | null; to: number };
  fiTypes: string[]; consentTypes: string[]; fields: string[];
  dataLife: { unit: AaUnit; value: number; seconds: number | null }; frequency: AaPeriod;
  fetchType?: string; fiDataRange?: { from: number; to: number }; dataFilter: AaDataFilter[];
}
