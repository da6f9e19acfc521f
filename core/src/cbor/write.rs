//! The one deterministic CBOR writer of the crate (RFC 8949 §4.2.1).
//!
//! Everything consentry encodes goes through [`Encoder`]: artefact claims, Status List Tokens,
//! ledger records and checkpoints, COSE protected headers and `Sig_structure`s, COSE_Keys and
//! thumbprint inputs. It writes shortest-form heads and definite lengths only, and every map
//! is built by [`MapEncoder`], which orders the entries by the bytes of their encoded keys
//! whatever order they were given in, and refuses two equal keys
//! ([`CborError::DuplicateKey`], reported by [`Encoder::finish`]). No floats, no indefinite
//! lengths, and no tags but the one a caller writes with [`Encoder::tag`] (COSE_Sign1's 18):
//! output without a tag is always accepted by the strict reader ([`super::check_strict`]).
//!
//! ```text
//! let mut e = Encoder::new();
//! e.map(|m| {
//!     m.text("lst", |e| e.bytes(&zlib));
//!     m.text("bits", |e| e.uint(2));
//! });
//! let bytes = e.finish()?; // {"lst": .., "bits": 2} written as {"bits": 2, "lst": ..}
//! ```

use crate::CborError;

/// A deterministic CBOR writer into a growing buffer.
#[derive(Debug, Default)]
pub(crate) struct Encoder {
    out: Vec<u8>,
    /// The first duplicate map key met (offset of the map in `out`); sticky.
    duplicate: Option<usize>,
}

impl Encoder {
    /// An empty writer.
    pub(crate) fn new() -> Self {
        Encoder::default()
    }

    /// An empty writer with room for `n` bytes.
    pub(crate) fn with_capacity(n: usize) -> Self {
        Encoder {
            out: Vec::with_capacity(n),
            duplicate: None,
        }
    }

    /// Appends a head with the given major type and argument, in shortest form.
    fn head(&mut self, major: u8, arg: u64) -> &mut Self {
        push_head(&mut self.out, major, arg);
        self
    }

    /// An unsigned integer.
    pub(crate) fn uint(&mut self, v: u64) -> &mut Self {
        self.head(0, v)
    }

    /// An integer of either sign.
    pub(crate) fn int(&mut self, v: i64) -> &mut Self {
        if v >= 0 {
            self.head(0, v.unsigned_abs())
        } else {
            // -1 - v, which is in 0..=i64::MAX for every negative v
            self.head(1, (v + 1).unsigned_abs())
        }
    }

    /// A byte string.
    pub(crate) fn bytes(&mut self, b: &[u8]) -> &mut Self {
        self.head(2, b.len() as u64);
        self.out.extend_from_slice(b);
        self
    }

    /// A text string.
    pub(crate) fn text(&mut self, s: &str) -> &mut Self {
        self.head(3, s.len() as u64);
        self.out.extend_from_slice(s.as_bytes());
        self
    }

    /// `true` or `false`.
    pub(crate) fn bool(&mut self, b: bool) -> &mut Self {
        self.out.push(if b { 0xf5 } else { 0xf4 });
        self
    }

    /// A tag number; the caller writes the one item it tags next.
    pub(crate) fn tag(&mut self, t: u64) -> &mut Self {
        self.head(6, t)
    }

    /// The head of an array of `len` items; the caller writes exactly `len` items next. Prefer
    /// [`Encoder::seq`], which counts for itself.
    pub(crate) fn array(&mut self, len: usize) -> &mut Self {
        self.head(4, len as u64)
    }

    /// An array of `items`, each written by `item`.
    pub(crate) fn seq<T>(&mut self, items: &[T], mut item: impl FnMut(&mut Self, &T)) -> &mut Self {
        self.array(items.len());
        for t in items {
            item(self, t);
        }
        self
    }

    /// A map whose entries `entries` adds; they are put in deterministic order (by the bytes
    /// of their encoded keys) when it returns.
    pub(crate) fn map(&mut self, entries: impl FnOnce(&mut MapEncoder)) -> &mut Self {
        let mut m = MapEncoder {
            entries: Vec::new(),
            duplicate: false,
        };
        entries(&mut m);
        let MapEncoder {
            mut entries,
            mut duplicate,
        } = m;
        if !entries.windows(2).all(|w| matches!(w, [a, b] if a.0 < b.0)) {
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            duplicate |= entries
                .windows(2)
                .any(|w| matches!(w, [a, b] if a.0 == b.0));
        }
        if duplicate {
            self.duplicate.get_or_insert(self.out.len());
        }
        self.head(5, entries.len() as u64);
        for (k, v) in entries {
            self.out.extend_from_slice(&k);
            self.out.extend_from_slice(&v);
        }
        self
    }

    /// The encoded bytes, or [`CborError::DuplicateKey`] if a map was given the same key twice
    /// (`offset` is where that map, or the outermost map around it, begins in the output).
    pub(crate) fn finish(self) -> Result<Vec<u8>, CborError> {
        match self.duplicate {
            Some(offset) => Err(CborError::DuplicateKey { offset }),
            None => Ok(self.out),
        }
    }

    /// The output of an encoder whose maps all have fixed, distinct constant labels (or no map
    /// at all): the duplicate-key check, which only input-dependent keys need, is not consulted.
    /// Every caller's output is read back by the strict reader in its unit tests, which refuses
    /// a duplicate key, so a label written twice by mistake fails a test, not a user.
    pub(crate) fn finish_fixed(self) -> Vec<u8> {
        self.out
    }
}

/// Adds the entries of one map; see [`Encoder::map`].
#[derive(Debug)]
pub(crate) struct MapEncoder {
    /// per entry: its encoded key and its encoded value
    entries: Vec<(Vec<u8>, Vec<u8>)>,
    /// whether a map inside a key or value had a duplicate key
    duplicate: bool,
}

impl MapEncoder {
    /// An entry whose key `key` writes and whose value `value` writes (one item each).
    pub(crate) fn entry(
        &mut self,
        key: impl FnOnce(&mut Encoder) -> &mut Encoder,
        value: impl FnOnce(&mut Encoder) -> &mut Encoder,
    ) -> &mut Self {
        let (mut k, mut v) = (Encoder::new(), Encoder::new());
        key(&mut k);
        value(&mut v);
        self.duplicate |= k.duplicate.is_some() || v.duplicate.is_some();
        self.entries.push((k.out, v.out));
        self
    }

    /// An entry with an unsigned integer key.
    pub(crate) fn uint(
        &mut self,
        key: u64,
        value: impl FnOnce(&mut Encoder) -> &mut Encoder,
    ) -> &mut Self {
        self.entry(|e| e.uint(key), value)
    }

    /// An entry with an integer key.
    pub(crate) fn int(
        &mut self,
        key: i64,
        value: impl FnOnce(&mut Encoder) -> &mut Encoder,
    ) -> &mut Self {
        self.entry(|e| e.int(key), value)
    }

    /// An entry with a text key.
    pub(crate) fn text(
        &mut self,
        key: &str,
        value: impl FnOnce(&mut Encoder) -> &mut Encoder,
    ) -> &mut Self {
        self.entry(|e| e.text(key), value)
    }
}

/// Appends a head with the given major type and argument, in shortest form.
fn push_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    if let Ok(small) = u8::try_from(arg) {
        if small < 24 {
            out.push(m | small);
        } else {
            out.extend_from_slice(&[m | 24, small]);
        }
    } else if let Ok(v) = u16::try_from(arg) {
        out.push(m | 25);
        out.extend_from_slice(&v.to_be_bytes());
    } else if let Ok(v) = u32::try_from(arg) {
        out.push(m | 26);
        out.extend_from_slice(&v.to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&arg.to_be_bytes());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
mod tests {
    use super::*;
    use crate::cbor::check_strict;
    use ciborium::Value;
    use proptest::prelude::*;

    fn hex_of(f: impl FnOnce(&mut Encoder) -> &mut Encoder) -> String {
        let mut e = Encoder::new();
        f(&mut e);
        hex::encode(e.finish().unwrap())
    }

    #[test]
    fn heads_are_shortest_at_every_boundary() {
        for (arg, want) in [
            (0u64, "00"),
            (23, "17"),
            (24, "1818"),
            (255, "18ff"),
            (256, "190100"),
            (65535, "19ffff"),
            (65536, "1a00010000"),
            (u64::from(u32::MAX), "1affffffff"),
            (1 << 32, "1b0000000100000000"),
            (u64::MAX, "1bffffffffffffffff"),
        ] {
            assert_eq!(hex_of(|e| e.uint(arg)), want, "{arg}");
        }
        for (v, want) in [
            (-1i64, "20"),
            (-24, "37"),
            (-25, "3818"),
            (-256, "38ff"),
            (-257, "390100"),
            (i64::MIN, "3b7fffffffffffffff"),
            (i64::MAX, "1b7fffffffffffffff"),
        ] {
            assert_eq!(hex_of(|e| e.int(v)), want, "{v}");
        }
        assert_eq!(
            hex_of(|e| e.bytes(&[0; 24])),
            format!("5818{}", "00".repeat(24))
        );
        assert_eq!(hex_of(|e| e.text("a")), "6161");
        assert_eq!(hex_of(|e| e.bool(true).bool(false)), "f5f4");
        assert_eq!(hex_of(|e| e.tag(18).array(0)), "d280");
    }

    #[test]
    fn map_keys_come_out_in_bytewise_order_whatever_order_they_went_in() {
        // The order of RFC 8949 §4.2.1 (bytewise), not length-first (RFC 7049 canonical).
        let got = hex_of(|e| {
            e.map(|m| {
                m.text("consent", |e| e.uint(1))
                    .int(65535, |e| e.uint(2))
                    .int(1, |e| e.uint(3))
                    .text("v", |e| e.uint(4));
            })
        });
        assert_eq!(got, "a4010319ffff0261760467636f6e73656e7401");
        check_strict(&hex::decode(got).unwrap()).unwrap();
    }

    #[test]
    fn a_duplicate_key_is_refused_even_inside_a_nested_map() {
        let mut e = Encoder::new();
        e.map(|m| {
            m.int(1, |e| e.uint(1)).int(1, |e| e.uint(2));
        });
        assert_eq!(e.finish(), Err(CborError::DuplicateKey { offset: 0 }));
        let mut e = Encoder::new();
        e.array(2).uint(7).map(|m| {
            m.text("a", |e| {
                e.map(|m| {
                    m.text("x", |e| e.uint(1)).text("x", |e| e.uint(1));
                })
            });
        });
        assert!(matches!(e.finish(), Err(CborError::DuplicateKey { .. })));
    }

    /// Writes a ciborium value with [`Encoder`] (ints, bytes, text, bools, arrays, maps).
    fn write<'e>(e: &'e mut Encoder, v: &Value) -> &'e mut Encoder {
        match v {
            Value::Integer(i) => {
                let i = i128::from(*i);
                match u64::try_from(i) {
                    Ok(u) => e.uint(u),
                    Err(_) => e.int(i64::try_from(i).unwrap()),
                }
            }
            Value::Bytes(b) => e.bytes(b),
            Value::Text(t) => e.text(t),
            Value::Bool(b) => e.bool(*b),
            Value::Array(items) => e.seq(items, |e, item| {
                write(e, item);
            }),
            Value::Map(entries) => e.map(|m| {
                for (k, v) in entries {
                    m.entry(|e| write(e, k), |e| write(e, v));
                }
            }),
            other => panic!("not generated: {other:?}"),
        }
    }

    fn ciborium_bytes(v: &Value) -> Vec<u8> {
        let mut out = Vec::new();
        ciborium::into_writer(v, &mut out).unwrap();
        out
    }

    /// The value with every map's entries sorted by the bytes of their encoded keys (what the
    /// previous writer, a sorted ciborium value tree, produced).
    fn canonical(v: &Value) -> Value {
        match v {
            Value::Array(items) => Value::Array(items.iter().map(canonical).collect()),
            Value::Map(entries) => {
                let mut e: Vec<(Vec<u8>, Value, Value)> = entries
                    .iter()
                    .map(|(k, v)| {
                        let k = canonical(k);
                        (ciborium_bytes(&k), k, canonical(v))
                    })
                    .collect();
                e.sort_by(|a, b| a.0.cmp(&b.0));
                Value::Map(e.into_iter().map(|(_, k, v)| (k, v)).collect())
            }
            other => other.clone(),
        }
    }

    fn scalar() -> impl Strategy<Value = Value> {
        prop_oneof![
            any::<i64>().prop_map(|i| Value::Integer(i.into())),
            any::<u64>().prop_map(|u| Value::Integer(u.into())),
            (-30i64..30).prop_map(|i| Value::Integer(i.into())),
            proptest::collection::vec(any::<u8>(), 0..40).prop_map(Value::Bytes),
            ".{0,30}".prop_map(Value::Text),
            any::<bool>().prop_map(Value::Bool),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        scalar().prop_recursive(4, 64, 8, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..8).prop_map(Value::Array),
                proptest::collection::vec((inner.clone(), inner), 0..8).prop_map(|entries| {
                    // distinct keys (by encoding): a map may not hold one key twice
                    let mut seen = Vec::new();
                    Value::Map(
                        entries
                            .into_iter()
                            .filter(|(k, _)| {
                                let b = ciborium_bytes(&canonical(k));
                                let new = !seen.contains(&b);
                                seen.push(b);
                                new
                            })
                            .collect(),
                    )
                }),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// The writer's output is strict deterministic CBOR, ciborium reads back the same value
        /// (maps in key order), the bytes equal ciborium's encoding of the sorted value tree
        /// (the writer this one replaced), and re-encoding what was read gives the same bytes.
        #[test]
        fn writer_output_is_strict_and_round_trips_through_ciborium(v in value()) {
            let mut e = Encoder::new();
            write(&mut e, &v);
            let bytes = e.finish().unwrap();
            prop_assert!(check_strict(&bytes).is_ok(), "{}", hex::encode(&bytes));
            let back: Value = ciborium::from_reader(bytes.as_slice()).unwrap();
            prop_assert_eq!(&back, &canonical(&v));
            prop_assert_eq!(&ciborium_bytes(&canonical(&v)), &bytes);
            let mut again = Encoder::new();
            write(&mut again, &back);
            prop_assert_eq!(again.finish().unwrap(), bytes);
        }
    }
}
