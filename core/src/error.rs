//! The stable machine codes every face shares ([`Code`]) and the one way to ask a value for its
//! code ([`HasCode`]).
//!
//! Every error value maps to a [`Code`]: a number that is the C `consentry_result` value and a
//! string that is the JavaScript `Error.code`. Codes are never renumbered or reused; new ones are
//! appended. Messages are lower-case, name the claim, header or field at fault in backticks, and
//! never contain a secret or a personal value.
//!
//! This module is a leaf: it imports nothing from the crate. Each area's error enum lives beside
//! its module (`cbor/error.rs`, `keys/error.rs`, `artefact/error.rs`, `verify/error.rs`,
//! `status/error.rs`, `ids`, `pseudo`, `ledger`, `purpose`, `scope`) and implements [`HasCode`].

macro_rules! define_codes {
    ($( $(#[doc = $doc:literal])* $variant:ident = $num:literal => $name:literal, )*) => {
        /// Stable machine-readable error codes, shared by every face (C enum value, JS `Error.code`).
        ///
        /// ```
        /// use consentry::Code;
        /// assert_eq!(Code::SignatureInvalid.as_str(), "signature_invalid");
        /// assert_eq!(Code::from_u32(Code::SignatureInvalid.as_u32()), Some(Code::SignatureInvalid));
        /// ```
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        #[repr(u32)]
        pub enum Code { $( $(#[doc = $doc])* $variant = $num, )* }

        impl Code {
            /// Every code, in numeric order.
            pub const ALL: &'static [Code] = &[ $(Code::$variant,)* ];

            /// The stable string form, e.g. `"signature_invalid"`.
            pub const fn as_str(self) -> &'static str {
                match self { $(Code::$variant => $name,)* }
            }

            /// A one-line description of what the code means (its documentation), e.g.
            /// `"the signature does not verify (deliberately without detail)"`; the C face's
            /// `consentry_result_message` text.
            pub fn description(self) -> &'static str {
                match self { $(Code::$variant => concat!($($doc),*).trim(),)* }
            }

            /// The stable numeric form (the C `consentry_result` value).
            pub const fn as_u32(self) -> u32 {
                self as u32
            }

            /// The code with this number, if any.
            pub fn from_u32(n: u32) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.as_u32() == n)
            }

            /// The code with this string form, if any.
            pub fn from_name(s: &str) -> Option<Code> {
                Code::ALL.iter().copied().find(|c| c.as_str() == s)
            }
        }

        impl core::fmt::Display for Code {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

define_codes! {
    // 1000-1099: CBOR decoding
    /// the input ended inside a CBOR item
    CborTruncated = 1000 => "cbor_truncated",
    /// bytes follow the single CBOR item
    CborTrailingBytes = 1001 => "cbor_trailing_bytes",
    /// an indefinite-length item (not allowed in deterministic CBOR)
    CborIndefiniteLength = 1002 => "cbor_indefinite_length",
    /// an integer, length or tag not in its shortest form
    CborNonCanonical = 1003 => "cbor_non_canonical",
    /// map keys not in the bytewise order of their encodings
    CborUnsortedKeys = 1004 => "cbor_unsorted_keys",
    /// the same key twice in one map
    CborDuplicateKey = 1005 => "cbor_duplicate_key",
    /// nesting deeper than the limit
    CborTooDeep = 1006 => "cbor_too_deep",
    /// a text string that is not UTF-8
    CborInvalidUtf8 = 1007 => "cbor_invalid_utf8",
    /// a CBOR feature outside the profile (floats, simple values, tags, reserved encodings)
    CborUnsupported = 1008 => "cbor_unsupported",
    /// a CBOR item of the wrong type
    CborWrongType = 1009 => "cbor_wrong_type",
    /// the input is larger than the configured cap
    InputTooLarge = 1010 => "input_too_large",

    // 1100-1199: COSE envelope and headers
    /// a COSE_Sign1 without CBOR tag 18 where the tag is required
    CoseUntagged = 1100 => "cose_untagged",
    /// a CBOR tag other than 18 (COSE_Sign1)
    CoseWrongTag = 1101 => "cose_wrong_tag",
    /// not a COSE_Sign1 structure (array of protected, unprotected, payload, signature)
    CoseStructure = 1102 => "cose_structure",
    /// no `alg` header
    HeaderAlgMissing = 1103 => "header_alg_missing",
    /// an `alg` that is not EdDSA (-8) or ES256 (-7)
    HeaderAlgUnknown = 1104 => "header_alg_unknown",
    /// no `kid` in the protected header
    HeaderKidMissing = 1105 => "header_kid_missing",
    /// a `kid` longer than 64 bytes
    HeaderKidTooLong = 1106 => "header_kid_too_long",
    /// a `typ` other than the expected media type, or none
    HeaderTypMismatch = 1107 => "header_typ_mismatch",
    /// a `crit` header (no critical extensions are understood)
    HeaderCrit = 1108 => "header_crit",
    /// a header label the profile does not allow, or a non-empty unprotected header
    HeaderUnexpectedLabel = 1109 => "header_unexpected_label",
    /// the same label in the protected and the unprotected header
    HeaderDuplicateLabel = 1110 => "header_duplicate_label",
    /// a header value of the wrong type
    HeaderWrongType = 1111 => "header_wrong_type",

    // 1200-1299: keys and the trust store
    /// no key in the trust store has this `kid`
    KeyUnknownKid = 1200 => "key_unknown_kid",
    /// the header `alg` differs from the algorithm of the key found by `kid`
    KeyAlgMismatch = 1201 => "key_alg_mismatch",
    /// malformed public key material
    KeyInvalid = 1202 => "key_invalid",
    /// a small-order or non-canonically encoded Ed25519 public key
    KeyWeak = 1203 => "key_weak",
    /// a key type or curve consentry does not support
    KeyUnsupported = 1204 => "key_unsupported",
    /// private key material where only public keys belong
    KeyPrivateMaterial = 1205 => "key_private_material",
    /// a `kid` already bound to a different key
    KeyDuplicateKid = 1206 => "key_duplicate_kid",
    /// a private key that is not a usable PKCS#8 Ed25519 or P-256 key
    KeyPkcs8Invalid = 1207 => "key_pkcs8_invalid",
    /// a JWK or JWK Set that does not parse
    KeyJwkInvalid = 1208 => "key_jwk_invalid",
    /// a `kid` that is empty or longer than 64 bytes
    KeyKidInvalid = 1209 => "key_kid_invalid",
    /// a P-256 public key whose point is not on the curve (or has a coordinate not below p)
    KeyNotOnCurve = 1210 => "key_not_on_curve",
    /// a pseudonymisation master key whose 32 bytes are all the same (all zero, for example)
    MasterKeyWeak = 1211 => "master_key_weak",

    // 1300-1399: signatures
    /// the signature does not verify (deliberately without detail)
    SignatureInvalid = 1300 => "signature_invalid",
    /// signing failed (for example the random source failed)
    SigningFailed = 1301 => "signing_failed",
    /// the random source failed
    RandomFailed = 1302 => "random_failed",

    // 1400-1499: claims
    /// a required claim is absent
    ClaimMissing = 1400 => "claim_missing",
    /// a claim has the wrong type
    ClaimWrongType = 1401 => "claim_wrong_type",
    /// a claim or member the profile does not define
    ClaimUnknown = 1402 => "claim_unknown",
    /// a claim whose value breaks a rule of the profile
    ClaimInvalid = 1403 => "claim_invalid",
    /// the JSON view of claims does not parse
    ClaimsJson = 1404 => "claims_json",

    // 1500-1599: validity and audience
    /// now is at or after `exp` plus leeway
    Expired = 1500 => "expired",
    /// now is before `nbf` minus leeway
    NotYetValid = 1501 => "not_yet_valid",
    /// `iat` is after now plus leeway
    IssuedInFuture = 1502 => "issued_in_future",
    /// the relying party is not in `aud`
    AudienceMismatch = 1503 => "audience_mismatch",
    /// a verifier option out of range (for example leeway over 300 s)
    InvalidOption = 1504 => "invalid_option",
    /// a permit whose `eraseBy` has passed: the data may no longer be used (ask `decide` again)
    PermitExpired = 1505 => "permit_expired",

    // 1600-1699: purpose taxonomy
    /// a taxonomy document that is not valid json of the taxonomy shape (names line and column)
    TaxonomyJson = 1600 => "taxonomy_json",
    /// a taxonomy entry that breaks a rule (empty code or name, unsupported version)
    TaxonomyInvalid = 1601 => "taxonomy_invalid",
    /// the same purpose code defined twice (within or across packs)
    TaxonomyDuplicateCode = 1602 => "taxonomy_duplicate_code",
    /// a `parent` that names no purpose in the taxonomy
    TaxonomyUnknownParent = 1603 => "taxonomy_unknown_parent",
    /// parent links that form a cycle
    TaxonomyCycle = 1604 => "taxonomy_cycle",
    /// a purpose hierarchy deeper than the limit
    TaxonomyTooDeep = 1605 => "taxonomy_too_deep",
    /// a caller-supplied taxonomy that uses a shipped pack's prefix (`aa`, `abdm`, `dpdp`, `svc`)
    TaxonomyShippedPrefix = 1606 => "taxonomy_shipped_prefix",
    /// a caller-supplied purpose placed under a shipped purpose
    TaxonomyShippedParent = 1607 => "taxonomy_shipped_parent",
    /// a caller-supplied purpose flagged as a legitimate use without the caller's explicit opt-in
    TaxonomyLegitimateUseNotAllowed = 1608 => "taxonomy_legitimate_use_not_allowed",

    // 1700-1799: record filtering
    /// a record that is neither a json object nor an array
    RecordNotContainer = 1700 => "record_not_container",
    /// a required transform that no hook implements (never passed through)
    TransformUnsupported = 1701 => "transform_unsupported",
    /// a transform hook failed on a value
    TransformFailed = 1702 => "transform_failed",
    /// two different transforms required at the same location
    TransformConflict = 1703 => "transform_conflict",

    // 1800-1899: status lists
    /// bits per status other than 1, 2, 4 or 8
    StatusBitsInvalid = 1800 => "status_bits_invalid",
    /// a list size of zero or over the maximum
    StatusSizeInvalid = 1801 => "status_size_invalid",
    /// an index past the end of the list
    StatusIndexOutOfRange = 1802 => "status_index_out_of_range",
    /// a status value that does not fit the list's bits
    StatusValueTooWide = 1803 => "status_value_too_wide",
    /// a list that decompresses beyond the cap
    StatusListTooLarge = 1804 => "status_list_too_large",
    /// a list that is not valid (bad zlib data, empty)
    StatusListCorrupt = 1805 => "status_list_corrupt",
    /// no free index left to allocate
    StatusListFull = 1806 => "status_list_full",
    /// the artefact is revoked (status INVALID): consent withdrawn
    Revoked = 1807 => "revoked",
    /// the artefact is suspended (status SUSPENDED): consent paused
    Suspended = 1808 => "suspended",
    /// the status list is signed by a key other than the artefact's: it is not trusted for this artefact
    StatusListForeign = 1809 => "status_list_foreign",
    /// the status list is published at a URI other than the artefact's `status` URI
    StatusListOtherUri = 1810 => "status_list_other_uri",
    /// the status list is expired or past its refresh time (`ttl`): it cannot prove an artefact valid
    StatusListStale = 1811 => "status_list_stale",
    /// the artefact's status is a value other than valid, invalid or suspended (not valid)
    StatusValueUnknown = 1812 => "status_value_unknown",
    /// the status list path is a symbolic link: writers do not replace it (name the list file itself)
    StatusListSymlink = 1813 => "status_list_symlink",
    /// a status change that undoes a withdrawal: invalid (revoked) is final
    StatusTransitionRefused = 1814 => "status_transition_refused",
    // 1820-1829: status-list freshness and issuer hardening
    /// the status list's `iat` is after now plus leeway: it cannot prove an artefact valid
    StatusListIssuedInFuture = 1820 => "status_list_issued_in_future",

    // 1900-1999: ledger
    /// a damaged record frame that is not a torn tail (corruption or tampering)
    LedgerFrameCorrupt = 1900 => "ledger_frame_corrupt",
    /// a ledger record that is not strict, deterministic CBOR
    LedgerEntryUndecodable = 1901 => "ledger_entry_undecodable",
    /// a ledger record or event that breaks a rule of the format
    LedgerEntryInvalid = 1902 => "ledger_entry_invalid",
    /// a ledger record out of place (missing, inserted or reordered records)
    LedgerBadSeq = 1903 => "ledger_bad_seq",
    /// a ledger record whose `prev` is not the hash of the previous record
    LedgerBadLink = 1904 => "ledger_bad_link",
    /// a ledger record whose hash differs from the one its confirmed successor holds
    LedgerEntryAltered = 1905 => "ledger_entry_altered",
    /// a ledger record whose place its confirmed successor claims
    LedgerEntryInserted = 1906 => "ledger_entry_inserted",
    /// a ledger checkpoint that is malformed, from an unknown key or badly signed
    LedgerCheckpointInvalid = 1907 => "ledger_checkpoint_invalid",
    /// a ledger checkpoint whose signed values differ from its record
    LedgerCheckpointMismatch = 1908 => "ledger_checkpoint_mismatch",
    /// a ledger record over the size cap
    LedgerEntryTooLarge = 1909 => "ledger_entry_too_large",
    /// a file that does not begin with the ledger magic: not a ledger (writers refuse it)
    LedgerNotALedger = 1910 => "ledger_not_a_ledger",
    /// a ledger ending in a torn tail (an interrupted append): writers refuse it until `ledger repair`
    LedgerTornTail = 1911 => "ledger_torn_tail",
    /// the ledger path is a symbolic link: it is not followed
    LedgerSymlink = 1912 => "ledger_symlink",
    /// the ledger path is not a regular file (a directory, device or pipe)
    LedgerNotAFile = 1913 => "ledger_not_a_file",
    /// a ledger record whose time is earlier than its predecessor's
    LedgerTimeBackwards = 1914 => "ledger_time_backwards",
    /// the ledger's head is not the hash the caller expects (records lost or added)
    LedgerHeadMismatch = 1915 => "ledger_head_mismatch",
    /// the ledger does not end with a checkpoint covering every record
    LedgerNotSealed = 1916 => "ledger_not_sealed",
    /// the ledger file was replaced or moved while it was open
    LedgerFileReplaced = 1917 => "ledger_file_replaced",
    /// the ledger file is writable by its group or by others: anyone could rewrite it
    LedgerInsecurePermissions = 1918 => "ledger_insecure_permissions",

    // 2000-2099: the binding-neutral interop layer
    /// a request that does not parse, or names an unknown operation
    RequestInvalid = 2000 => "request_invalid",
    /// a request over a size cap (too many fields, a selector too long or too deep)
    RequestTooLarge = 2010 => "request_too_large",

    // 2100-2199: the C ABI (consentry-ffi)
    /// a required pointer argument is NULL
    NullArgument = 2100 => "null_argument",
    /// the output buffer is too small; the size needed is reported
    BufferTooSmall = 2101 => "buffer_too_small",
    /// a text argument is not UTF-8
    InvalidUtf8 = 2102 => "invalid_utf8",
    /// a panic was caught at the C boundary (a bug in consentry)
    Panic = 2103 => "panic",
    /// an argument out of range (a length beyond the address space, an unknown value)
    InvalidArgument = 2104 => "invalid_argument",
    /// an error this build of the C library has no code for (a bug in consentry)
    Internal = 2105 => "internal",
    /// a text argument that must be base64url (no padding) is not
    NotBase64url = 2110 => "not_base64url",

    // 2200-2249: the command line (consentry-cli); problems that exist only there
    /// bad arguments or flags, including those the argument parser finds
    CliUsage = 2200 => "cli_usage",
    /// a file could not be opened, read or written, is not UTF-8 text, or an output already exists without `--force` (the message names the file, not its content)
    CliIo = 2201 => "cli_io",
    /// a path that names a directory, device, pipe or socket where a regular file is expected
    CliNotAFile = 2202 => "cli_not_a_file",
    /// a CSV file that cannot be read as CSV
    CliCsv = 2204 => "cli_csv",
    /// a JSON-lines record that does not parse (names the line and column)
    RecordJson = 2205 => "record_json",
    /// `filter` was given, or decided, a denial: nothing may leave
    DecisionDenied = 2206 => "decision_denied",
    /// `withdraw` was given an artefact without a status claim
    CliNoStatusClaim = 2207 => "cli_no_status_claim",
    /// `withdraw` was given a list published at another URI than the artefact's
    CliWrongList = 2208 => "cli_wrong_list",
    /// a warning, not an error: a private or master key file open to its group or to others
    KeyFilePermissions = 2209 => "key_file_permissions",

    // 2300-2399: Account Aggregator (ReBIT / Sahamati) JWS interop (core/src/aa)
    /// not an AA JWS: a compact JWS needs three `.`-separated segments (a detached one `header..signature`)
    AaJwsStructure = 2300 => "aa_jws_structure",
    /// a JWS segment that is not base64url without padding
    AaBase64url = 2301 => "aa_base64url",
    /// a JWS header that is not a JSON object of the expected members (a duplicate member, a member of the wrong type, no `alg` or `kid`)
    AaHeaderInvalid = 2302 => "aa_header_invalid",
    /// a JWS `alg` outside the allow-list (RS256, PS256): `none`, HMAC and every other algorithm are refused
    AaAlgUnsupported = 2303 => "aa_alg_unsupported",
    /// a JWS `crit` that names a member other than `b64`, is empty, or names a member the header lacks
    AaCritUnknown = 2304 => "aa_crit_unknown",
    /// an RSA key with a modulus below 2048 bits
    AaKeyTooSmall = 2305 => "aa_key_too_small",
    /// an AA JWS signed by a key bound to another entity than the expected issuer (or to none)
    AaIssuerMismatch = 2306 => "aa_issuer_mismatch",
    /// a verified AA payload that is not a UTF-8 JSON object without duplicate members
    AaPayloadNotJson = 2307 => "aa_payload_not_json",
    /// an AA consent detail member that is missing, of the wrong type, or has a value the import cannot map (the member is named)
    AaDetailInvalid = 2308 => "aa_detail_invalid",

    /// a value is not a valid identifier of its declared type
    IdInvalid = 4000 => "id_invalid",
    /// a value has the shape of an identifier but its check digit or character is wrong
    IdChecksum = 4001 => "id_checksum",
    /// a PAN's fourth letter is not a known holder type
    IdPanHolderType = 4002 => "id_pan_holder_type",
    /// an identifier type name is not one consentry knows
    IdUnknownType = 4010 => "id_unknown_type",

    /// a value fails validation for its field's declared type
    PseudoInvalidValue = 5000 => "pseudo_invalid_value",
    /// the field is not named in the policy
    PseudoUnknownField = 5001 => "pseudo_unknown_field",
    /// the field's transform cannot be reversed (only `token` and `ff1` can)
    PseudoNotReversible = 5002 => "pseudo_not_reversible",
    /// a value given for reversal is not a token of this field and domain
    PseudoInvalidToken = 5003 => "pseudo_invalid_token",
    /// the subject a `shift` field depends on is missing from the record or row
    PseudoMissingSubject = 5004 => "pseudo_missing_subject",
    /// a date moved by `shift` falls outside years 1..=9999
    PseudoDateOutOfRange = 5005 => "pseudo_date_out_of_range",
    /// a JSON value at a selector is of a kind the transform cannot take (object, array, bool)
    PseudoUnsupportedValue = 5006 => "pseudo_unsupported_value",
    /// a CSV row does not have as many cells as the header
    PseudoRowLength = 5007 => "pseudo_row_length",
    /// key material is malformed (wrong length or not hex)
    PseudoInvalidKey = 5008 => "pseudo_invalid_key",
    /// a `shift` field was transformed without its subject
    PseudoSubjectRequired = 5009 => "pseudo_subject_required",
    /// a CSV header names the same column twice
    PseudoDuplicateColumn = 5010 => "pseudo_duplicate_column",
    /// the operation needs a different transform on the field (e.g. a shift offset of a non-`shift` field)
    PseudoWrongTransform = 5011 => "pseudo_wrong_transform",
    /// the key check value of a pseudonymised file does not match the master key and domain (reversal refused)
    PseudoKeyCheckMismatch = 5012 => "pseudo_key_check_mismatch",
    /// a pseudonymised file has no key check value to reverse against
    PseudoKeyCheckMissing = 5013 => "pseudo_key_check_missing",
    /// a key check value is not in the expected form
    PseudoKeyCheckMalformed = 5014 => "pseudo_key_check_malformed",
    /// a CSV column name differs from a policy key only by case, spaces, invisible or look-alike characters
    PseudoColumnNearMiss = 5015 => "pseudo_column_near_miss",
    /// a column the policy does not list holds identifiers (e.g. valid Aadhaar numbers)
    PseudoUnlistedIdentifier = 5016 => "pseudo_unlisted_identifier",
    /// text given as one CSV record ends inside a quoted field
    PseudoCsvOpenQuote = 5030 => "pseudo_csv_open_quote",
    /// text given as one CSV record holds more than one
    PseudoCsvSeveralRecords = 5031 => "pseudo_csv_several_records",
    /// an internal cryptographic operation failed (never expected)
    PseudoInternal = 5099 => "pseudo_internal",

    /// the policy is not valid JSON or does not follow the policy schema
    PolicyMalformed = 5100 => "policy_malformed",
    /// a field names a transform that does not exist
    PolicyUnknownTransform = 5101 => "policy_unknown_transform",
    /// a field names a value type that does not exist
    PolicyUnknownType = 5102 => "policy_unknown_type",
    /// a transform parameter is required but absent
    PolicyMissingParam = 5103 => "policy_missing_param",
    /// a transform parameter is not known for that transform
    PolicyUnknownParam = 5104 => "policy_unknown_param",
    /// a transform parameter has a wrong type or value
    PolicyInvalidParam = 5105 => "policy_invalid_param",
    /// an `ff1` field's message space is smaller than 10^6
    PolicyFf1DomainTooSmall = 5106 => "policy_ff1_domain_too_small",
    /// `mask` was put on a non-string type (date, number)
    PolicyMaskNonString = 5107 => "policy_mask_non_string",
    /// the transform does not apply to the field's type
    PolicyUnsupportedTransform = 5108 => "policy_unsupported_transform",
    /// a field selector is not well formed
    PolicyInvalidSelector = 5109 => "policy_invalid_selector",
    /// two field entries can select the same value
    PolicyOverlappingFields = 5110 => "policy_overlapping_fields",
    /// the policy's domain is empty
    PolicyEmptyDomain = 5111 => "policy_empty_domain",

    /// an Arrow column's type cannot take its transform (only string and binary columns are transformed)
    ArrowUnsupportedType = 5200 => "arrow_unsupported_type",
    /// a binary Arrow value to be transformed is not UTF-8
    ArrowValueNotUtf8 = 5201 => "arrow_value_not_utf8",
    /// the policy drops the field asked to be transformed as one Arrow column
    ArrowFieldDropped = 5202 => "arrow_field_dropped",
    /// on_error skip-row asked for one Arrow column, whose rows cannot be left out alone
    ArrowSkipRowNeedsBatch = 5203 => "arrow_skip_row_needs_batch",
    /// an Arrow array or schema is malformed, released, or could not be built
    ArrowInvalid = 5204 => "arrow_invalid",

    // 6000-6019: the Python face (consentry-python): key references and the Arrow PyCapsule interface
    /// the environment variable a key reference names is not set or not UTF-8 (the message names the variable, never a value)
    KeyEnvUnset = 6000 => "key_env_unset",
    /// a master key file cannot be read: missing, not a regular file, or larger than a key file can be (the message names the file, not its content)
    KeyFileUnreadable = 6001 => "key_file_unreadable",
    /// an argument speaks neither `__arrow_c_array__` nor `__arrow_c_stream__` (the Arrow PyCapsule interface)
    ArrowInterfaceMissing = 6002 => "arrow_interface_missing",
    /// Arrow data handed over by PyCapsule could not be imported: a wrong capsule, a released or malformed array or stream, or a failing producer
    ArrowImportFailed = 6003 => "arrow_import_failed",
    /// a master key was pickled or copied: keys never travel as values (send a key reference, resolved where it is used)
    MasterKeyNotPicklable = 6004 => "master_key_not_picklable",

}

/// Anything that carries a stable [`Code`]: every error type of the crate implements it, and
/// [`HasCode::code`] is the one way to ask a value for its code (faces translate it, they never
/// match on error variants or spell codes as strings).
///
/// ```
/// use consentry::{Code, HasCode as _, VerifyError};
/// assert_eq!(VerifyError::Signature.code(), Code::SignatureInvalid);
/// ```
pub trait HasCode {
    /// The stable machine code of this error.
    fn code(&self) -> Code;
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The code table is a leaf: it imports nothing from the crate, so no area's module and this
    /// one can form an import cycle (area error enums import `Code` and `HasCode` from here).
    #[test]
    fn error_module_imports_nothing_from_the_crate() {
        let src = include_str!("error.rs");
        let (body, _tests) = src.split_once("#[cfg(test)]").unwrap();
        let code_lines = body
            .lines()
            .map(str::trim_start)
            .filter(|l| !l.starts_with("//"));
        for line in code_lines {
            assert!(
                !line.starts_with("use ") && !line.contains("crate::") && !line.contains("super::"),
                "error.rs imports from the crate: {line}"
            );
        }
    }

    #[test]
    fn codes_are_unique_and_round_trip() {
        let mut nums: Vec<u32> = Code::ALL.iter().map(|c| c.as_u32()).collect();
        assert!(
            nums.windows(2).all(|w| w[0] < w[1]),
            "Code::ALL is in numeric order"
        );
        let mut names: Vec<&str> = Code::ALL.iter().map(|c| c.as_str()).collect();
        nums.sort_unstable();
        nums.dedup();
        names.sort_unstable();
        names.dedup();
        assert_eq!(nums.len(), Code::ALL.len());
        assert_eq!(names.len(), Code::ALL.len());
        for c in Code::ALL {
            assert_eq!(Code::from_u32(c.as_u32()), Some(*c));
            assert_eq!(Code::from_name(c.as_str()), Some(*c));
            assert!(!c.description().is_empty(), "{c} has no description");
            assert!(c
                .as_str()
                .chars()
                .all(|ch| ch.is_ascii_lowercase() || ch == '_' || ch.is_ascii_digit()));
        }
        assert_eq!(Code::from_u32(0), None);
    }
}
