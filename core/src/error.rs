//! Errors, one enum per area, and the stable machine codes every face shares.
//!
//! Every error value maps to a [`Code`]: a number that is the C `consentry_result` value and a
//! string that is the JavaScript `Error.code`. Codes are never renumbered or reused; new ones are
//! appended. Messages are lower-case, name the claim, header or field at fault in backticks, and
//! never contain a secret or a personal value.

use thiserror::Error;

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

}

/// Anything that carries a stable [`Code`].
pub trait HasCode {
    /// The stable machine code of this error.
    fn code(&self) -> Code;
}

/// The kind of a CBOR item, as named in error messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum CborType {
    /// unsigned integer (major type 0)
    Unsigned,
    /// negative integer (major type 1)
    Negative,
    /// integer of either sign
    Integer,
    /// byte string (major type 2)
    Bytes,
    /// text string (major type 3)
    Text,
    /// array (major type 4)
    Array,
    /// map (major type 5)
    Map,
    /// tag (major type 6)
    Tag,
    /// `true` or `false`
    Bool,
    /// other simple value or float (major type 7)
    Simple,
}

impl core::fmt::Display for CborType {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            CborType::Unsigned => "unsigned integer",
            CborType::Negative => "negative integer",
            CborType::Integer => "integer",
            CborType::Bytes => "byte string",
            CborType::Text => "text string",
            CborType::Array => "array",
            CborType::Map => "map",
            CborType::Tag => "tag",
            CborType::Bool => "boolean",
            CborType::Simple => "simple value or float",
        })
    }
}

/// A violation of strict, deterministic CBOR (RFC 8949 §4.2.1) at a byte offset.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CborError {
    /// The input ended inside an item.
    #[error("input ends inside a cbor item at byte {offset}")]
    Truncated {
        /// byte offset where more input was needed
        offset: usize,
    },
    /// Bytes follow the single top-level item.
    #[error("{count} trailing bytes after the cbor item at byte {offset}")]
    TrailingBytes {
        /// offset of the first extra byte
        offset: usize,
        /// number of extra bytes
        count: usize,
    },
    /// An indefinite-length string, array or map.
    #[error("indefinite-length item at byte {offset}")]
    IndefiniteLength {
        /// offset of the item
        offset: usize,
    },
    /// An integer, length or tag number encoded longer than needed.
    #[error("non-shortest integer or length encoding at byte {offset}")]
    NonCanonical {
        /// offset of the item head
        offset: usize,
    },
    /// Map keys out of bytewise order.
    #[error("map keys out of deterministic order at byte {offset}")]
    UnsortedKeys {
        /// offset of the out-of-order key
        offset: usize,
    },
    /// A key repeated within one map.
    #[error("duplicate map key at byte {offset}")]
    DuplicateKey {
        /// offset of the repeated key
        offset: usize,
    },
    /// Nesting deeper than allowed.
    #[error("cbor nesting deeper than {max} at byte {offset}")]
    TooDeep {
        /// offset of the item that went too deep
        offset: usize,
        /// the nesting limit
        max: usize,
    },
    /// A text string that is not valid UTF-8.
    #[error("text string is not utf-8 at byte {offset}")]
    InvalidUtf8 {
        /// offset of the string
        offset: usize,
    },
    /// A CBOR feature outside the profile.
    #[error("unsupported cbor item ({what}) at byte {offset}")]
    Unsupported {
        /// offset of the item
        offset: usize,
        /// what was found
        what: &'static str,
    },
    /// An item of the wrong type.
    #[error("expected {expected}, found {found} at byte {offset}")]
    WrongType {
        /// offset of the item
        offset: usize,
        /// what the profile requires
        expected: CborType,
        /// what the input holds
        found: CborType,
    },
}

impl HasCode for CborError {
    fn code(&self) -> Code {
        match self {
            CborError::Truncated { .. } => Code::CborTruncated,
            CborError::TrailingBytes { .. } => Code::CborTrailingBytes,
            CborError::IndefiniteLength { .. } => Code::CborIndefiniteLength,
            CborError::NonCanonical { .. } => Code::CborNonCanonical,
            CborError::UnsortedKeys { .. } => Code::CborUnsortedKeys,
            CborError::DuplicateKey { .. } => Code::CborDuplicateKey,
            CborError::TooDeep { .. } => Code::CborTooDeep,
            CborError::InvalidUtf8 { .. } => Code::CborInvalidUtf8,
            CborError::Unsupported { .. } => Code::CborUnsupported,
            CborError::WrongType { .. } => Code::CborWrongType,
        }
    }
}

/// Errors about keys: parsing, checking, the trust store.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum KeyError {
    /// Public key bytes that do not form a key of the stated type.
    #[error("invalid public key: {reason}")]
    Invalid {
        /// what is wrong, without the key bytes
        reason: &'static str,
    },
    /// An Ed25519 key of small order or with a non-canonical encoding.
    #[error("ed25519 public key is {reason} and cannot be trusted")]
    Weak {
        /// `small-order` or `non-canonical`
        reason: &'static str,
    },
    /// A key type, curve or algorithm consentry does not support.
    #[error("unsupported key: {what}")]
    Unsupported {
        /// the unsupported member, e.g. `` `crv` ``
        what: &'static str,
    },
    /// Private key material where only a public key belongs.
    #[error("private key material (`d`) in a public key or trust store")]
    PrivateMaterial,
    /// The `kid` is already bound to a different key.
    #[error("`kid` is already bound to a different key")]
    DuplicateKid,
    /// The `kid` is empty or longer than 64 bytes.
    #[error("`kid` must be 1 to 64 bytes, got {len}")]
    KidInvalid {
        /// the length given
        len: usize,
    },
    /// A PKCS#8 document that is not a usable Ed25519 or P-256 private key.
    #[error("private key is not a valid pkcs#8 ed25519 or p-256 key")]
    Pkcs8Invalid,
    /// A JWK or JWK Set that does not parse or lacks a member.
    #[error("invalid jwk: {reason}")]
    Jwk {
        /// what is wrong (member names only)
        reason: String,
    },
    /// The random source failed while generating or signing.
    #[error("signing failed")]
    SigningFailed,
    /// P-256 coordinates that are not below p or do not satisfy y² = x³ − 3x + b.
    #[error("p-256 public key is not a point on the curve")]
    NotOnCurve,
}

impl HasCode for KeyError {
    fn code(&self) -> Code {
        match self {
            KeyError::Invalid { .. } => Code::KeyInvalid,
            KeyError::Weak { .. } => Code::KeyWeak,
            KeyError::Unsupported { .. } => Code::KeyUnsupported,
            KeyError::PrivateMaterial => Code::KeyPrivateMaterial,
            KeyError::DuplicateKid => Code::KeyDuplicateKid,
            KeyError::KidInvalid { .. } => Code::KeyKidInvalid,
            KeyError::Pkcs8Invalid => Code::KeyPkcs8Invalid,
            KeyError::Jwk { .. } => Code::KeyJwkInvalid,
            KeyError::SigningFailed => Code::SigningFailed,
            KeyError::NotOnCurve => Code::KeyNotOnCurve,
        }
    }
}

/// Errors in the claims of an artefact: strict decoding and the profile's rules.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ClaimsError {
    /// The claims are not strict, deterministic CBOR.
    #[error("claims at `{claim}`: {source}")]
    Cbor {
        /// the claim being decoded (a path like `consent.purposes[1].fields`)
        claim: String,
        /// the CBOR violation
        source: CborError,
    },
    /// A required claim is absent.
    #[error("missing claim `{claim}`")]
    Missing {
        /// the claim's path
        claim: String,
    },
    /// A claim has the wrong type.
    #[error("claim `{claim}` must be {expected}")]
    WrongType {
        /// the claim's path
        claim: String,
        /// what the profile requires
        expected: &'static str,
    },
    /// A claim or member the profile does not define.
    #[error("unknown claim {label} in `{within}`")]
    Unknown {
        /// the enclosing claim's path (`claims` at the top level)
        within: String,
        /// the label, when it is an integer; text labels are not echoed
        label: String,
    },
    /// A claim whose value breaks a rule of the profile.
    #[error("claim `{claim}` is invalid: {reason}")]
    Invalid {
        /// the claim's path
        claim: String,
        /// the rule that is broken (never the value)
        reason: &'static str,
    },
    /// The JSON view does not parse.
    #[error("claims json: {reason}")]
    Json {
        /// the parser's message (line and column, member names)
        reason: String,
    },
}

impl HasCode for ClaimsError {
    fn code(&self) -> Code {
        match self {
            ClaimsError::Cbor { source, .. } => source.code(),
            ClaimsError::Missing { .. } => Code::ClaimMissing,
            ClaimsError::WrongType { .. } => Code::ClaimWrongType,
            ClaimsError::Unknown { .. } => Code::ClaimUnknown,
            ClaimsError::Invalid { .. } => Code::ClaimInvalid,
            ClaimsError::Json { .. } => Code::ClaimsJson,
        }
    }
}

/// Why an artefact was not accepted. Checks run in a fixed order; the first failure is reported.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum VerifyError {
    /// The input is larger than the verifier's cap.
    #[error("input is {size} bytes, over the cap of {max}")]
    TooLarge {
        /// input size
        size: usize,
        /// the cap
        max: usize,
    },
    /// The envelope is not strict CBOR.
    #[error("`{part}`: {source}")]
    Cbor {
        /// the part of the envelope (`envelope`, `protected`, `unprotected`)
        part: &'static str,
        /// the CBOR violation
        source: CborError,
    },
    /// The COSE_Sign1 tag (18) is missing.
    #[error("missing cose_sign1 tag 18")]
    Untagged,
    /// A tag other than 18.
    #[error("cbor tag {tag} is not cose_sign1 (18)")]
    WrongTag {
        /// the tag found
        tag: u64,
    },
    /// Not a COSE_Sign1 structure.
    #[error("not a cose_sign1: {reason}")]
    Structure {
        /// what is wrong
        reason: &'static str,
    },
    /// No `alg` header.
    #[error("missing `alg` in the protected header")]
    AlgMissing,
    /// An `alg` other than EdDSA (-8) or ES256 (-7).
    #[error("unsupported `alg` (only EdDSA -8 and ES256 -7)")]
    AlgUnknown,
    /// No `kid` in the protected header.
    #[error("missing `kid` in the protected header")]
    KidMissing,
    /// A `kid` over 64 bytes.
    #[error("`kid` is {len} bytes, over 64")]
    KidTooLong {
        /// its length
        len: usize,
    },
    /// A `typ` other than the expected media type, or none.
    #[error("`typ` header is missing or not `{expected}`")]
    TypMismatch {
        /// the media type required
        expected: &'static str,
    },
    /// A `crit` header.
    #[error("`crit` header present; no critical extensions are supported")]
    Crit,
    /// A label the profile does not allow in this header bucket.
    #[error("unexpected label {label} in the {bucket} header")]
    UnexpectedLabel {
        /// `protected` or `unprotected`
        bucket: &'static str,
        /// the label (integers as numbers; text labels as `text`)
        label: String,
    },
    /// The same label in both header buckets.
    #[error("label {label} appears in both the protected and the unprotected header")]
    DuplicateLabel {
        /// the label
        label: String,
    },
    /// A header value of the wrong type.
    #[error("header `{header}` must be {expected}")]
    HeaderWrongType {
        /// the header's name
        header: &'static str,
        /// what is required
        expected: &'static str,
    },
    /// No trusted key has the artefact's `kid`.
    #[error("no trusted key for this `kid`")]
    UnknownKid,
    /// The header `alg` is not the algorithm of the trusted key.
    #[error("`alg` does not match the trusted key's algorithm")]
    AlgMismatch,
    /// The signature does not verify. Deliberately without detail.
    #[error("signature does not verify")]
    Signature,
    /// The claims fail strict decoding or the profile's rules.
    #[error(transparent)]
    Claims(#[from] ClaimsError),
    /// Now is at or after `exp` (plus leeway).
    #[error("artefact expired: `exp` {exp} + leeway {leeway} s <= now {now}")]
    Expired {
        /// the `exp` claim
        exp: i64,
        /// now
        now: i64,
        /// leeway in seconds
        leeway: u64,
    },
    /// Now is before `nbf` (minus leeway).
    #[error("artefact not yet valid: `nbf` {nbf} - leeway {leeway} s > now {now}")]
    NotYetValid {
        /// the `nbf` claim
        nbf: i64,
        /// now
        now: i64,
        /// leeway in seconds
        leeway: u64,
    },
    /// `iat` lies in the future (beyond leeway).
    #[error("`iat` {iat} is after now {now} + leeway {leeway} s")]
    IssuedInFuture {
        /// the `iat` claim
        iat: i64,
        /// now
        now: i64,
        /// leeway in seconds
        leeway: u64,
    },
    /// The relying party is not in `aud`.
    #[error("relying party is not in `aud`")]
    AudienceMismatch,
    /// The status list says the artefact is revoked: consent was withdrawn.
    #[error("artefact is revoked (status list `{uri}`, index {idx})")]
    Revoked {
        /// the list's URI
        uri: String,
        /// the artefact's index
        idx: u64,
    },
    /// The status list says the artefact is suspended: consent is paused.
    #[error("artefact is suspended (status list `{uri}`, index {idx})")]
    Suspended {
        /// the list's URI
        uri: String,
        /// the artefact's index
        idx: u64,
    },
    /// The supplied status list is signed by a key other than the artefact's: a list is trusted
    /// only for its own issuer's artefacts, so it says nothing about this one.
    #[error(
        "the status list is signed by a key other than the artefact's: its status is not checked"
    )]
    StatusListForeign,
    /// The supplied status list is published at a URI other than the artefact's.
    #[error(
        "the status list is published at `{list_uri}`, the artefact's status lives at `{uri}`"
    )]
    StatusListOtherUri {
        /// the artefact's `status.status_list.uri`
        uri: String,
        /// the list's `sub`
        list_uri: String,
    },
    /// The supplied status list is expired or stale: it cannot prove an artefact valid.
    #[error("the status list is {state} (at {at}): it cannot prove the artefact valid")]
    StatusListStale {
        /// `expired` or `stale`
        state: &'static str,
        /// the list's `exp`, or when it should have been refreshed
        at: i64,
    },
    /// The supplied status list was issued in the future (`iat` after now plus leeway): it
    /// cannot prove an artefact valid.
    #[error("the status list's `iat` {iat} is in the future: it cannot prove the artefact valid")]
    StatusListIssuedInFuture {
        /// the list's `iat`
        iat: i64,
    },
    /// The artefact's status is an application-specific or reserved value (above 2): unknown,
    /// hence not valid.
    #[error(
        "the artefact's status is value {value}, which is neither valid, invalid nor suspended"
    )]
    StatusValueUnknown {
        /// the value found
        value: u8,
    },
    /// The artefact's status index lies past the end of the supplied list.
    #[error("status index {idx} is past the end of the list ({len} entries)")]
    StatusIndexOutOfRange {
        /// the artefact's index
        idx: u64,
        /// entries in the list
        len: u64,
    },
    /// A permit whose `eraseBy` has passed: nothing may be filtered under it any more.
    #[error("the permit's `eraseBy` {erase_by} is not after now {now}: the data may no longer be used; ask `decide` again")]
    PermitExpired {
        /// the permit's `eraseBy`
        erase_by: i64,
        /// now
        now: i64,
    },
    /// A verifier option is out of range.
    #[error("verifier option `{option}` out of range: {reason}")]
    InvalidOption {
        /// the option
        option: &'static str,
        /// the allowed range
        reason: &'static str,
    },
}

impl HasCode for VerifyError {
    fn code(&self) -> Code {
        match self {
            VerifyError::TooLarge { .. } => Code::InputTooLarge,
            VerifyError::Cbor { source, .. } => source.code(),
            VerifyError::Untagged => Code::CoseUntagged,
            VerifyError::WrongTag { .. } => Code::CoseWrongTag,
            VerifyError::Structure { .. } => Code::CoseStructure,
            VerifyError::AlgMissing => Code::HeaderAlgMissing,
            VerifyError::AlgUnknown => Code::HeaderAlgUnknown,
            VerifyError::KidMissing => Code::HeaderKidMissing,
            VerifyError::KidTooLong { .. } => Code::HeaderKidTooLong,
            VerifyError::TypMismatch { .. } => Code::HeaderTypMismatch,
            VerifyError::Crit => Code::HeaderCrit,
            VerifyError::UnexpectedLabel { .. } => Code::HeaderUnexpectedLabel,
            VerifyError::DuplicateLabel { .. } => Code::HeaderDuplicateLabel,
            VerifyError::HeaderWrongType { .. } => Code::HeaderWrongType,
            VerifyError::UnknownKid => Code::KeyUnknownKid,
            VerifyError::AlgMismatch => Code::KeyAlgMismatch,
            VerifyError::Signature => Code::SignatureInvalid,
            VerifyError::Claims(e) => e.code(),
            VerifyError::Expired { .. } => Code::Expired,
            VerifyError::NotYetValid { .. } => Code::NotYetValid,
            VerifyError::IssuedInFuture { .. } => Code::IssuedInFuture,
            VerifyError::AudienceMismatch => Code::AudienceMismatch,
            VerifyError::InvalidOption { .. } => Code::InvalidOption,
            VerifyError::Revoked { .. } => Code::Revoked,
            VerifyError::Suspended { .. } => Code::Suspended,
            VerifyError::StatusIndexOutOfRange { .. } => Code::StatusIndexOutOfRange,
            VerifyError::PermitExpired { .. } => Code::PermitExpired,
            VerifyError::StatusListForeign => Code::StatusListForeign,
            VerifyError::StatusListOtherUri { .. } => Code::StatusListOtherUri,
            VerifyError::StatusListStale { .. } => Code::StatusListStale,
            VerifyError::StatusListIssuedInFuture { .. } => Code::StatusListIssuedInFuture,
            VerifyError::StatusValueUnknown { .. } => Code::StatusValueUnknown,
        }
    }
}

/// Errors of status lists: building, encoding, decoding, verifying.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum StatusError {
    /// Bits per status other than 1, 2, 4 or 8.
    #[error("`bits` must be 1, 2, 4 or 8 (got {bits})")]
    BitsInvalid {
        /// the bits given
        bits: u8,
    },
    /// A size of zero or over the maximum.
    #[error("a status list must have 1 to {max} entries")]
    SizeInvalid {
        /// the maximum
        max: u64,
    },
    /// An index past the end of the list.
    #[error("index {idx} is out of range (the list has {len} entries)")]
    IndexOutOfRange {
        /// the index
        idx: u64,
        /// the list's length
        len: u64,
    },
    /// A value that does not fit the list's bits (e.g. SUSPENDED in a 1-bit list).
    #[error("status value does not fit in {bits} bit(s)")]
    ValueTooWide {
        /// bits per status
        bits: u8,
    },
    /// The list decompresses beyond the cap.
    #[error("`lst` decompresses to more than {max_bytes} bytes")]
    TooLarge {
        /// the cap in bytes
        max_bytes: u64,
    },
    /// The list is not valid.
    #[error("status list is corrupt: {reason}")]
    Corrupt {
        /// what is wrong
        reason: &'static str,
    },
    /// No free index is left.
    #[error("every index of the status list is allocated")]
    Full,
    /// The random source failed.
    #[error("the random source failed")]
    RandomFailed,
    /// The token's claims break a rule.
    #[error("status list token: {0}")]
    Claims(ClaimsError),
    /// The token's envelope, header or signature failed verification.
    #[error("status list token: {0}")]
    Verify(VerifyError),
    /// Signing failed.
    #[error("status list token: {0}")]
    Key(KeyError),
}

impl HasCode for StatusError {
    fn code(&self) -> Code {
        match self {
            StatusError::BitsInvalid { .. } => Code::StatusBitsInvalid,
            StatusError::SizeInvalid { .. } => Code::StatusSizeInvalid,
            StatusError::IndexOutOfRange { .. } => Code::StatusIndexOutOfRange,
            StatusError::ValueTooWide { .. } => Code::StatusValueTooWide,
            StatusError::TooLarge { .. } => Code::StatusListTooLarge,
            StatusError::Corrupt { .. } => Code::StatusListCorrupt,
            StatusError::Full => Code::StatusListFull,
            StatusError::RandomFailed => Code::RandomFailed,
            StatusError::Claims(e) => e.code(),
            StatusError::Verify(e) => e.code(),
            StatusError::Key(e) => e.code(),
        }
    }
}

/// Errors while issuing (signing) an artefact.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum IssueError {
    /// The claims break a rule of the profile.
    #[error(transparent)]
    Claims(#[from] ClaimsError),
    /// The key failed to sign.
    #[error(transparent)]
    Key(#[from] KeyError),
}

impl HasCode for IssueError {
    fn code(&self) -> Code {
        match self {
            IssueError::Claims(e) => e.code(),
            IssueError::Key(e) => e.code(),
        }
    }
}

impl HasCode for crate::ids::IdError {
    fn code(&self) -> Code {
        crate::ids::IdError::code(self)
    }
}

impl HasCode for crate::pseudo::PseudoError {
    fn code(&self) -> Code {
        crate::pseudo::PseudoError::code(self)
    }
}

impl HasCode for crate::pseudo::PolicyError {
    fn code(&self) -> Code {
        crate::pseudo::PolicyError::code(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
