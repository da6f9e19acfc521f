// @generated from `consentry::Code::ALL` by
// `CONSENTRY_BLESS=1 cargo test -p consentry-ffi --test codes`. Do not edit: that test fails
// when this file and the core's codes differ.

/// The result of every fallible `consentry_` function: `CONSENTRY_RESULT_OK` (0) or one of
/// the core's stable error codes. The numbers are the `numericCode` of the JSON error body
/// and `consentry_result_name` gives the string `code` (the JS `Error.code`). Values are
/// never renumbered or reused; new ones are appended.
#[allow(non_camel_case_types)]
#[repr(u32)]
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum consentry_result {
    /// `ok`: success
    Ok = 0,
    /// `cbor_truncated`: the input ended inside a CBOR item
    CborTruncated = 1000,
    /// `cbor_trailing_bytes`: bytes follow the single CBOR item
    CborTrailingBytes = 1001,
    /// `cbor_indefinite_length`: an indefinite-length item (not allowed in deterministic CBOR)
    CborIndefiniteLength = 1002,
    /// `cbor_non_canonical`: an integer, length or tag not in its shortest form
    CborNonCanonical = 1003,
    /// `cbor_unsorted_keys`: map keys not in the bytewise order of their encodings
    CborUnsortedKeys = 1004,
    /// `cbor_duplicate_key`: the same key twice in one map
    CborDuplicateKey = 1005,
    /// `cbor_too_deep`: nesting deeper than the limit
    CborTooDeep = 1006,
    /// `cbor_invalid_utf8`: a text string that is not UTF-8
    CborInvalidUtf8 = 1007,
    /// `cbor_unsupported`: a CBOR feature outside the profile (floats, simple values, tags, reserved encodings)
    CborUnsupported = 1008,
    /// `cbor_wrong_type`: a CBOR item of the wrong type
    CborWrongType = 1009,
    /// `input_too_large`: the input is larger than the configured cap
    InputTooLarge = 1010,
    /// `cose_untagged`: a COSE_Sign1 without CBOR tag 18 where the tag is required
    CoseUntagged = 1100,
    /// `cose_wrong_tag`: a CBOR tag other than 18 (COSE_Sign1)
    CoseWrongTag = 1101,
    /// `cose_structure`: not a COSE_Sign1 structure (array of protected, unprotected, payload, signature)
    CoseStructure = 1102,
    /// `header_alg_missing`: no `alg` header
    HeaderAlgMissing = 1103,
    /// `header_alg_unknown`: an `alg` that is not EdDSA (-8) or ES256 (-7)
    HeaderAlgUnknown = 1104,
    /// `header_kid_missing`: no `kid` in the protected header
    HeaderKidMissing = 1105,
    /// `header_kid_too_long`: a `kid` longer than 64 bytes
    HeaderKidTooLong = 1106,
    /// `header_typ_mismatch`: a `typ` other than the expected media type, or none
    HeaderTypMismatch = 1107,
    /// `header_crit`: a `crit` header (no critical extensions are understood)
    HeaderCrit = 1108,
    /// `header_unexpected_label`: a header label the profile does not allow, or a non-empty unprotected header
    HeaderUnexpectedLabel = 1109,
    /// `header_duplicate_label`: the same label in the protected and the unprotected header
    HeaderDuplicateLabel = 1110,
    /// `header_wrong_type`: a header value of the wrong type
    HeaderWrongType = 1111,
    /// `key_unknown_kid`: no key in the trust store has this `kid`
    KeyUnknownKid = 1200,
    /// `key_alg_mismatch`: the header `alg` differs from the algorithm of the key found by `kid`
    KeyAlgMismatch = 1201,
    /// `key_invalid`: malformed public key material
    KeyInvalid = 1202,
    /// `key_weak`: a small-order or non-canonically encoded Ed25519 public key
    KeyWeak = 1203,
    /// `key_unsupported`: a key type or curve consentry does not support
    KeyUnsupported = 1204,
    /// `key_private_material`: private key material where only public keys belong
    KeyPrivateMaterial = 1205,
    /// `key_duplicate_kid`: a `kid` already bound to a different key
    KeyDuplicateKid = 1206,
    /// `key_pkcs8_invalid`: a private key that is not a usable PKCS#8 Ed25519 or P-256 key
    KeyPkcs8Invalid = 1207,
    /// `key_jwk_invalid`: a JWK or JWK Set that does not parse
    KeyJwkInvalid = 1208,
    /// `key_kid_invalid`: a `kid` that is empty or longer than 64 bytes
    KeyKidInvalid = 1209,
    /// `key_not_on_curve`: a P-256 public key whose point is not on the curve (or has a coordinate not below p)
    KeyNotOnCurve = 1210,
    /// `master_key_weak`: a pseudonymisation master key whose 32 bytes are all the same (all zero, for example)
    MasterKeyWeak = 1211,
    /// `signature_invalid`: the signature does not verify (deliberately without detail)
    SignatureInvalid = 1300,
    /// `signing_failed`: signing failed (for example the random source failed)
    SigningFailed = 1301,
    /// `random_failed`: the random source failed
    RandomFailed = 1302,
    /// `claim_missing`: a required claim is absent
    ClaimMissing = 1400,
    /// `claim_wrong_type`: a claim has the wrong type
    ClaimWrongType = 1401,
    /// `claim_unknown`: a claim or member the profile does not define
    ClaimUnknown = 1402,
    /// `claim_invalid`: a claim whose value breaks a rule of the profile
    ClaimInvalid = 1403,
    /// `claims_json`: the JSON view of claims does not parse
    ClaimsJson = 1404,
    /// `expired`: now is at or after `exp` plus leeway
    Expired = 1500,
    /// `not_yet_valid`: now is before `nbf` minus leeway
    NotYetValid = 1501,
    /// `issued_in_future`: `iat` is after now plus leeway
    IssuedInFuture = 1502,
    /// `audience_mismatch`: the relying party is not in `aud`
    AudienceMismatch = 1503,
    /// `invalid_option`: a verifier option out of range (for example leeway over 300 s)
    InvalidOption = 1504,
    /// `permit_expired`: a permit whose `eraseBy` has passed: the data may no longer be used (ask `decide` again)
    PermitExpired = 1505,
    /// `taxonomy_json`: a taxonomy document that is not valid json of the taxonomy shape (names line and column)
    TaxonomyJson = 1600,
    /// `taxonomy_invalid`: a taxonomy entry that breaks a rule (empty code or name, unsupported version)
    TaxonomyInvalid = 1601,
    /// `taxonomy_duplicate_code`: the same purpose code defined twice (within or across packs)
    TaxonomyDuplicateCode = 1602,
    /// `taxonomy_unknown_parent`: a `parent` that names no purpose in the taxonomy
    TaxonomyUnknownParent = 1603,
    /// `taxonomy_cycle`: parent links that form a cycle
    TaxonomyCycle = 1604,
    /// `taxonomy_too_deep`: a purpose hierarchy deeper than the limit
    TaxonomyTooDeep = 1605,
    /// `taxonomy_shipped_prefix`: a caller-supplied taxonomy that uses a shipped pack's prefix (`aa`, `abdm`, `dpdp`, `svc`)
    TaxonomyShippedPrefix = 1606,
    /// `taxonomy_shipped_parent`: a caller-supplied purpose placed under a shipped purpose
    TaxonomyShippedParent = 1607,
    /// `taxonomy_legitimate_use_not_allowed`: a caller-supplied purpose flagged as a legitimate use without the caller's explicit opt-in
    TaxonomyLegitimateUseNotAllowed = 1608,
    /// `record_not_container`: a record that is neither a json object nor an array
    RecordNotContainer = 1700,
    /// `transform_unsupported`: a required transform that no hook implements (never passed through)
    TransformUnsupported = 1701,
    /// `transform_failed`: a transform hook failed on a value
    TransformFailed = 1702,
    /// `transform_conflict`: two different transforms required at the same location
    TransformConflict = 1703,
    /// `status_bits_invalid`: bits per status other than 1, 2, 4 or 8
    StatusBitsInvalid = 1800,
    /// `status_size_invalid`: a list size of zero or over the maximum
    StatusSizeInvalid = 1801,
    /// `status_index_out_of_range`: an index past the end of the list
    StatusIndexOutOfRange = 1802,
    /// `status_value_too_wide`: a status value that does not fit the list's bits
    StatusValueTooWide = 1803,
    /// `status_list_too_large`: a list that decompresses beyond the cap
    StatusListTooLarge = 1804,
    /// `status_list_corrupt`: a list that is not valid (bad zlib data, empty)
    StatusListCorrupt = 1805,
    /// `status_list_full`: no free index left to allocate
    StatusListFull = 1806,
    /// `revoked`: the artefact is revoked (status INVALID): consent withdrawn
    Revoked = 1807,
    /// `suspended`: the artefact is suspended (status SUSPENDED): consent paused
    Suspended = 1808,
    /// `status_list_foreign`: the status list is signed by a key other than the artefact's: it is not trusted for this artefact
    StatusListForeign = 1809,
    /// `status_list_other_uri`: the status list is published at a URI other than the artefact's `status` URI
    StatusListOtherUri = 1810,
    /// `status_list_stale`: the status list is expired or past its refresh time (`ttl`): it cannot prove an artefact valid
    StatusListStale = 1811,
    /// `status_value_unknown`: the artefact's status is a value other than valid, invalid or suspended (not valid)
    StatusValueUnknown = 1812,
    /// `status_list_symlink`: the status list path is a symbolic link: writers do not replace it (name the list file itself)
    StatusListSymlink = 1813,
    /// `status_transition_refused`: a status change that undoes a withdrawal: invalid (revoked) is final
    StatusTransitionRefused = 1814,
    /// `status_list_issued_in_future`: the status list's `iat` is after now plus leeway: it cannot prove an artefact valid
    StatusListIssuedInFuture = 1820,
    /// `ledger_frame_corrupt`: a damaged record frame that is not a torn tail (corruption or tampering)
    LedgerFrameCorrupt = 1900,
    /// `ledger_entry_undecodable`: a ledger record that is not strict, deterministic CBOR
    LedgerEntryUndecodable = 1901,
    /// `ledger_entry_invalid`: a ledger record or event that breaks a rule of the format
    LedgerEntryInvalid = 1902,
    /// `ledger_bad_seq`: a ledger record out of place (missing, inserted or reordered records)
    LedgerBadSeq = 1903,
    /// `ledger_bad_link`: a ledger record whose `prev` is not the hash of the previous record
    LedgerBadLink = 1904,
    /// `ledger_entry_altered`: a ledger record whose hash differs from the one its confirmed successor holds
    LedgerEntryAltered = 1905,
    /// `ledger_entry_inserted`: a ledger record whose place its confirmed successor claims
    LedgerEntryInserted = 1906,
    /// `ledger_checkpoint_invalid`: a ledger checkpoint that is malformed, from an unknown key or badly signed
    LedgerCheckpointInvalid = 1907,
    /// `ledger_checkpoint_mismatch`: a ledger checkpoint whose signed values differ from its record
    LedgerCheckpointMismatch = 1908,
    /// `ledger_entry_too_large`: a ledger record over the size cap
    LedgerEntryTooLarge = 1909,
    /// `ledger_not_a_ledger`: a file that does not begin with the ledger magic: not a ledger (writers refuse it)
    LedgerNotALedger = 1910,
    /// `ledger_torn_tail`: a ledger ending in a torn tail (an interrupted append): writers refuse it until `ledger repair`
    LedgerTornTail = 1911,
    /// `ledger_symlink`: the ledger path is a symbolic link: it is not followed
    LedgerSymlink = 1912,
    /// `ledger_not_a_file`: the ledger path is not a regular file (a directory, device or pipe)
    LedgerNotAFile = 1913,
    /// `ledger_time_backwards`: a ledger record whose time is earlier than its predecessor's
    LedgerTimeBackwards = 1914,
    /// `ledger_head_mismatch`: the ledger's head is not the hash the caller expects (records lost or added)
    LedgerHeadMismatch = 1915,
    /// `ledger_not_sealed`: the ledger does not end with a checkpoint covering every record
    LedgerNotSealed = 1916,
    /// `ledger_file_replaced`: the ledger file was replaced or moved while it was open
    LedgerFileReplaced = 1917,
    /// `ledger_insecure_permissions`: the ledger file is writable by its group or by others: anyone could rewrite it
    LedgerInsecurePermissions = 1918,
    /// `request_invalid`: a request that does not parse, or names an unknown operation
    RequestInvalid = 2000,
    /// `request_too_large`: a request over a size cap (too many fields, a selector too long or too deep)
    RequestTooLarge = 2010,
    /// `null_argument`: a required pointer argument is NULL
    NullArgument = 2100,
    /// `buffer_too_small`: the output buffer is too small; the size needed is reported
    BufferTooSmall = 2101,
    /// `invalid_utf8`: a text argument is not UTF-8
    InvalidUtf8 = 2102,
    /// `panic`: a panic was caught at the C boundary (a bug in consentry)
    Panic = 2103,
    /// `invalid_argument`: an argument out of range (a length beyond the address space, an unknown value)
    InvalidArgument = 2104,
    /// `internal`: an error this build of the C library has no code for (a bug in consentry)
    Internal = 2105,
    /// `not_base64url`: a text argument that must be base64url (no padding) is not
    NotBase64url = 2110,
    /// `cli_usage`: bad arguments or flags, including those the argument parser finds
    CliUsage = 2200,
    /// `cli_io`: a file could not be opened, read or written, is not UTF-8 text, or an output already exists without `--force` (the message names the file, not its content)
    CliIo = 2201,
    /// `cli_not_a_file`: a path that names a directory, device, pipe or socket where a regular file is expected
    CliNotAFile = 2202,
    /// `cli_csv`: a CSV file that cannot be read as CSV
    CliCsv = 2204,
    /// `record_json`: a JSON-lines record that does not parse (names the line and column)
    RecordJson = 2205,
    /// `decision_denied`: `filter` was given, or decided, a denial: nothing may leave
    DecisionDenied = 2206,
    /// `cli_no_status_claim`: `withdraw` was given an artefact without a status claim
    CliNoStatusClaim = 2207,
    /// `cli_wrong_list`: `withdraw` was given a list published at another URI than the artefact's
    CliWrongList = 2208,
    /// `key_file_permissions`: a warning, not an error: a private or master key file open to its group or to others
    KeyFilePermissions = 2209,
    /// `aa_jws_structure`: not an AA JWS: a compact JWS needs three `.`-separated segments (a detached one `header..signature`)
    AaJwsStructure = 2300,
    /// `aa_base64url`: a JWS segment that is not base64url without padding
    AaBase64url = 2301,
    /// `aa_header_invalid`: a JWS header that is not a JSON object of the expected members (a duplicate member, a member of the wrong type, no `alg` or `kid`)
    AaHeaderInvalid = 2302,
    /// `aa_alg_unsupported`: a JWS `alg` outside the allow-list (RS256, PS256): `none`, HMAC and every other algorithm are refused
    AaAlgUnsupported = 2303,
    /// `aa_crit_unknown`: a JWS `crit` that names a member other than `b64`, is empty, or names a member the header lacks
    AaCritUnknown = 2304,
    /// `aa_key_too_small`: an RSA key with a modulus below 2048 bits
    AaKeyTooSmall = 2305,
    /// `aa_issuer_mismatch`: an AA JWS signed by a key bound to another entity than the expected issuer (or to none)
    AaIssuerMismatch = 2306,
    /// `aa_payload_not_json`: a verified AA payload that is not a UTF-8 JSON object without duplicate members
    AaPayloadNotJson = 2307,
    /// `aa_detail_invalid`: an AA consent detail member that is missing, of the wrong type, or has a value the import cannot map (the member is named)
    AaDetailInvalid = 2308,
    /// `id_invalid`: a value is not a valid identifier of its declared type
    IdInvalid = 4000,
    /// `id_checksum`: a value has the shape of an identifier but its check digit or character is wrong
    IdChecksum = 4001,
    /// `id_pan_holder_type`: a PAN's fourth letter is not a known holder type
    IdPanHolderType = 4002,
    /// `id_unknown_type`: an identifier type name is not one consentry knows
    IdUnknownType = 4010,
    /// `pseudo_invalid_value`: a value fails validation for its field's declared type
    PseudoInvalidValue = 5000,
    /// `pseudo_unknown_field`: the field is not named in the policy
    PseudoUnknownField = 5001,
    /// `pseudo_not_reversible`: the field's transform cannot be reversed (only `token` and `ff1` can)
    PseudoNotReversible = 5002,
    /// `pseudo_invalid_token`: a value given for reversal is not a token of this field and domain
    PseudoInvalidToken = 5003,
    /// `pseudo_missing_subject`: the subject a `shift` field depends on is missing from the record or row
    PseudoMissingSubject = 5004,
    /// `pseudo_date_out_of_range`: a date moved by `shift` falls outside years 1..=9999
    PseudoDateOutOfRange = 5005,
    /// `pseudo_unsupported_value`: a JSON value at a selector is of a kind the transform cannot take (object, array, bool)
    PseudoUnsupportedValue = 5006,
    /// `pseudo_row_length`: a CSV row does not have as many cells as the header
    PseudoRowLength = 5007,
    /// `pseudo_invalid_key`: key material is malformed (wrong length or not hex)
    PseudoInvalidKey = 5008,
    /// `pseudo_subject_required`: a `shift` field was transformed without its subject
    PseudoSubjectRequired = 5009,
    /// `pseudo_duplicate_column`: a CSV header names the same column twice
    PseudoDuplicateColumn = 5010,
    /// `pseudo_wrong_transform`: the operation needs a different transform on the field (e.g. a shift offset of a non-`shift` field)
    PseudoWrongTransform = 5011,
    /// `pseudo_key_check_mismatch`: the key check value of a pseudonymised file does not match the master key and domain (reversal refused)
    PseudoKeyCheckMismatch = 5012,
    /// `pseudo_key_check_missing`: a pseudonymised file has no key check value to reverse against
    PseudoKeyCheckMissing = 5013,
    /// `pseudo_key_check_malformed`: a key check value is not in the expected form
    PseudoKeyCheckMalformed = 5014,
    /// `pseudo_column_near_miss`: a CSV column name differs from a policy key only by case, spaces, invisible or look-alike characters
    PseudoColumnNearMiss = 5015,
    /// `pseudo_unlisted_identifier`: a column the policy does not list holds identifiers (e.g. valid Aadhaar numbers)
    PseudoUnlistedIdentifier = 5016,
    /// `pseudo_csv_open_quote`: text given as one CSV record ends inside a quoted field
    PseudoCsvOpenQuote = 5030,
    /// `pseudo_csv_several_records`: text given as one CSV record holds more than one
    PseudoCsvSeveralRecords = 5031,
    /// `pseudo_internal`: an internal cryptographic operation failed (never expected)
    PseudoInternal = 5099,
    /// `policy_malformed`: the policy is not valid JSON or does not follow the policy schema
    PolicyMalformed = 5100,
    /// `policy_unknown_transform`: a field names a transform that does not exist
    PolicyUnknownTransform = 5101,
    /// `policy_unknown_type`: a field names a value type that does not exist
    PolicyUnknownType = 5102,
    /// `policy_missing_param`: a transform parameter is required but absent
    PolicyMissingParam = 5103,
    /// `policy_unknown_param`: a transform parameter is not known for that transform
    PolicyUnknownParam = 5104,
    /// `policy_invalid_param`: a transform parameter has a wrong type or value
    PolicyInvalidParam = 5105,
    /// `policy_ff1_domain_too_small`: an `ff1` field's message space is smaller than 10^6
    PolicyFf1DomainTooSmall = 5106,
    /// `policy_mask_non_string`: `mask` was put on a non-string type (date, number)
    PolicyMaskNonString = 5107,
    /// `policy_unsupported_transform`: the transform does not apply to the field's type
    PolicyUnsupportedTransform = 5108,
    /// `policy_invalid_selector`: a field selector is not well formed
    PolicyInvalidSelector = 5109,
    /// `policy_overlapping_fields`: two field entries can select the same value
    PolicyOverlappingFields = 5110,
    /// `policy_empty_domain`: the policy's domain is empty
    PolicyEmptyDomain = 5111,
    /// `arrow_unsupported_type`: an Arrow column's type cannot take its transform (only string and binary columns are transformed)
    ArrowUnsupportedType = 5200,
    /// `arrow_value_not_utf8`: a binary Arrow value to be transformed is not UTF-8
    ArrowValueNotUtf8 = 5201,
    /// `arrow_field_dropped`: the policy drops the field asked to be transformed as one Arrow column
    ArrowFieldDropped = 5202,
    /// `arrow_skip_row_needs_batch`: on_error skip-row asked for one Arrow column, whose rows cannot be left out alone
    ArrowSkipRowNeedsBatch = 5203,
    /// `arrow_invalid`: an Arrow array or schema is malformed, released, or could not be built
    ArrowInvalid = 5204,
    /// `key_env_unset`: the environment variable a key reference names is not set or not UTF-8 (the message names the variable, never a value)
    KeyEnvUnset = 6000,
    /// `key_file_unreadable`: a master key file cannot be read: missing, not a regular file, or larger than a key file can be (the message names the file, not its content)
    KeyFileUnreadable = 6001,
    /// `arrow_interface_missing`: an argument speaks neither `__arrow_c_array__` nor `__arrow_c_stream__` (the Arrow PyCapsule interface)
    ArrowInterfaceMissing = 6002,
    /// `arrow_import_failed`: Arrow data handed over by PyCapsule could not be imported: a wrong capsule, a released or malformed array or stream, or a failing producer
    ArrowImportFailed = 6003,
    /// `master_key_not_picklable`: a master key was pickled or copied: keys never travel as values (send a key reference, resolved where it is used)
    MasterKeyNotPicklable = 6004,
}

impl consentry_result {
    /// The result with this number, if any.
    pub const fn from_u32(n: u32) -> Option<Self> {
        match n {
            0 => Some(Self::Ok),
            1000 => Some(Self::CborTruncated),
            1001 => Some(Self::CborTrailingBytes),
            1002 => Some(Self::CborIndefiniteLength),
            1003 => Some(Self::CborNonCanonical),
            1004 => Some(Self::CborUnsortedKeys),
            1005 => Some(Self::CborDuplicateKey),
            1006 => Some(Self::CborTooDeep),
            1007 => Some(Self::CborInvalidUtf8),
            1008 => Some(Self::CborUnsupported),
            1009 => Some(Self::CborWrongType),
            1010 => Some(Self::InputTooLarge),
            1100 => Some(Self::CoseUntagged),
            1101 => Some(Self::CoseWrongTag),
            1102 => Some(Self::CoseStructure),
            1103 => Some(Self::HeaderAlgMissing),
            1104 => Some(Self::HeaderAlgUnknown),
            1105 => Some(Self::HeaderKidMissing),
            1106 => Some(Self::HeaderKidTooLong),
            1107 => Some(Self::HeaderTypMismatch),
            1108 => Some(Self::HeaderCrit),
            1109 => Some(Self::HeaderUnexpectedLabel),
            1110 => Some(Self::HeaderDuplicateLabel),
            1111 => Some(Self::HeaderWrongType),
            1200 => Some(Self::KeyUnknownKid),
            1201 => Some(Self::KeyAlgMismatch),
            1202 => Some(Self::KeyInvalid),
            1203 => Some(Self::KeyWeak),
            1204 => Some(Self::KeyUnsupported),
            1205 => Some(Self::KeyPrivateMaterial),
            1206 => Some(Self::KeyDuplicateKid),
            1207 => Some(Self::KeyPkcs8Invalid),
            1208 => Some(Self::KeyJwkInvalid),
            1209 => Some(Self::KeyKidInvalid),
            1210 => Some(Self::KeyNotOnCurve),
            1211 => Some(Self::MasterKeyWeak),
            1300 => Some(Self::SignatureInvalid),
            1301 => Some(Self::SigningFailed),
            1302 => Some(Self::RandomFailed),
            1400 => Some(Self::ClaimMissing),
            1401 => Some(Self::ClaimWrongType),
            1402 => Some(Self::ClaimUnknown),
            1403 => Some(Self::ClaimInvalid),
            1404 => Some(Self::ClaimsJson),
            1500 => Some(Self::Expired),
            1501 => Some(Self::NotYetValid),
            1502 => Some(Self::IssuedInFuture),
            1503 => Some(Self::AudienceMismatch),
            1504 => Some(Self::InvalidOption),
            1505 => Some(Self::PermitExpired),
            1600 => Some(Self::TaxonomyJson),
            1601 => Some(Self::TaxonomyInvalid),
            1602 => Some(Self::TaxonomyDuplicateCode),
            1603 => Some(Self::TaxonomyUnknownParent),
            1604 => Some(Self::TaxonomyCycle),
            1605 => Some(Self::TaxonomyTooDeep),
            1606 => Some(Self::TaxonomyShippedPrefix),
            1607 => Some(Self::TaxonomyShippedParent),
            1608 => Some(Self::TaxonomyLegitimateUseNotAllowed),
            1700 => Some(Self::RecordNotContainer),
            1701 => Some(Self::TransformUnsupported),
            1702 => Some(Self::TransformFailed),
            1703 => Some(Self::TransformConflict),
            1800 => Some(Self::StatusBitsInvalid),
            1801 => Some(Self::StatusSizeInvalid),
            1802 => Some(Self::StatusIndexOutOfRange),
            1803 => Some(Self::StatusValueTooWide),
            1804 => Some(Self::StatusListTooLarge),
            1805 => Some(Self::StatusListCorrupt),
            1806 => Some(Self::StatusListFull),
            1807 => Some(Self::Revoked),
            1808 => Some(Self::Suspended),
            1809 => Some(Self::StatusListForeign),
            1810 => Some(Self::StatusListOtherUri),
            1811 => Some(Self::StatusListStale),
            1812 => Some(Self::StatusValueUnknown),
            1813 => Some(Self::StatusListSymlink),
            1814 => Some(Self::StatusTransitionRefused),
            1820 => Some(Self::StatusListIssuedInFuture),
            1900 => Some(Self::LedgerFrameCorrupt),
            1901 => Some(Self::LedgerEntryUndecodable),
            1902 => Some(Self::LedgerEntryInvalid),
            1903 => Some(Self::LedgerBadSeq),
            1904 => Some(Self::LedgerBadLink),
            1905 => Some(Self::LedgerEntryAltered),
            1906 => Some(Self::LedgerEntryInserted),
            1907 => Some(Self::LedgerCheckpointInvalid),
            1908 => Some(Self::LedgerCheckpointMismatch),
            1909 => Some(Self::LedgerEntryTooLarge),
            1910 => Some(Self::LedgerNotALedger),
            1911 => Some(Self::LedgerTornTail),
            1912 => Some(Self::LedgerSymlink),
            1913 => Some(Self::LedgerNotAFile),
            1914 => Some(Self::LedgerTimeBackwards),
            1915 => Some(Self::LedgerHeadMismatch),
            1916 => Some(Self::LedgerNotSealed),
            1917 => Some(Self::LedgerFileReplaced),
            1918 => Some(Self::LedgerInsecurePermissions),
            2000 => Some(Self::RequestInvalid),
            2010 => Some(Self::RequestTooLarge),
            2100 => Some(Self::NullArgument),
            2101 => Some(Self::BufferTooSmall),
            2102 => Some(Self::InvalidUtf8),
            2103 => Some(Self::Panic),
            2104 => Some(Self::InvalidArgument),
            2105 => Some(Self::Internal),
            2110 => Some(Self::NotBase64url),
            2200 => Some(Self::CliUsage),
            2201 => Some(Self::CliIo),
            2202 => Some(Self::CliNotAFile),
            2204 => Some(Self::CliCsv),
            2205 => Some(Self::RecordJson),
            2206 => Some(Self::DecisionDenied),
            2207 => Some(Self::CliNoStatusClaim),
            2208 => Some(Self::CliWrongList),
            2209 => Some(Self::KeyFilePermissions),
            2300 => Some(Self::AaJwsStructure),
            2301 => Some(Self::AaBase64url),
            2302 => Some(Self::AaHeaderInvalid),
            2303 => Some(Self::AaAlgUnsupported),
            2304 => Some(Self::AaCritUnknown),
            2305 => Some(Self::AaKeyTooSmall),
            2306 => Some(Self::AaIssuerMismatch),
            2307 => Some(Self::AaPayloadNotJson),
            2308 => Some(Self::AaDetailInvalid),
            4000 => Some(Self::IdInvalid),
            4001 => Some(Self::IdChecksum),
            4002 => Some(Self::IdPanHolderType),
            4010 => Some(Self::IdUnknownType),
            5000 => Some(Self::PseudoInvalidValue),
            5001 => Some(Self::PseudoUnknownField),
            5002 => Some(Self::PseudoNotReversible),
            5003 => Some(Self::PseudoInvalidToken),
            5004 => Some(Self::PseudoMissingSubject),
            5005 => Some(Self::PseudoDateOutOfRange),
            5006 => Some(Self::PseudoUnsupportedValue),
            5007 => Some(Self::PseudoRowLength),
            5008 => Some(Self::PseudoInvalidKey),
            5009 => Some(Self::PseudoSubjectRequired),
            5010 => Some(Self::PseudoDuplicateColumn),
            5011 => Some(Self::PseudoWrongTransform),
            5012 => Some(Self::PseudoKeyCheckMismatch),
            5013 => Some(Self::PseudoKeyCheckMissing),
            5014 => Some(Self::PseudoKeyCheckMalformed),
            5015 => Some(Self::PseudoColumnNearMiss),
            5016 => Some(Self::PseudoUnlistedIdentifier),
            5030 => Some(Self::PseudoCsvOpenQuote),
            5031 => Some(Self::PseudoCsvSeveralRecords),
            5099 => Some(Self::PseudoInternal),
            5100 => Some(Self::PolicyMalformed),
            5101 => Some(Self::PolicyUnknownTransform),
            5102 => Some(Self::PolicyUnknownType),
            5103 => Some(Self::PolicyMissingParam),
            5104 => Some(Self::PolicyUnknownParam),
            5105 => Some(Self::PolicyInvalidParam),
            5106 => Some(Self::PolicyFf1DomainTooSmall),
            5107 => Some(Self::PolicyMaskNonString),
            5108 => Some(Self::PolicyUnsupportedTransform),
            5109 => Some(Self::PolicyInvalidSelector),
            5110 => Some(Self::PolicyOverlappingFields),
            5111 => Some(Self::PolicyEmptyDomain),
            5200 => Some(Self::ArrowUnsupportedType),
            5201 => Some(Self::ArrowValueNotUtf8),
            5202 => Some(Self::ArrowFieldDropped),
            5203 => Some(Self::ArrowSkipRowNeedsBatch),
            5204 => Some(Self::ArrowInvalid),
            6000 => Some(Self::KeyEnvUnset),
            6001 => Some(Self::KeyFileUnreadable),
            6002 => Some(Self::ArrowInterfaceMissing),
            6003 => Some(Self::ArrowImportFailed),
            6004 => Some(Self::MasterKeyNotPicklable),
            _ => None,
        }
    }
}
