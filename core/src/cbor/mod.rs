//! Strict CBOR: a zero-copy reader that accepts only RFC 8949 §4.2.1 deterministic encoding,
//! and a deterministic writer on top of `ciborium`.
//!
//! The reader is ours because no maintained crate rejects non-shortest heads, unsorted or
//! duplicate map keys and indefinite lengths while decoding without building a generic value
//! tree (which alone costs about an eighth of an Ed25519 verify). The writer uses `ciborium`,
//! which already emits shortest heads and definite lengths; we only sort map keys.

mod error;
pub use error::{CborError, CborType};

/// Default nesting limit for every decoder in the crate.
pub const MAX_DEPTH: usize = 16;

/// A strict, zero-copy CBOR reader over one buffer.
#[derive(Clone, Debug)]
pub(crate) struct Reader<'a> {
    buf: &'a [u8],
    pos: usize,
    depth: usize,
    any_order: bool,
}

/// Most entries a map may have when read in any order (duplicates are found by scanning).
pub(crate) const MAX_ANY_ORDER_ENTRIES: u64 = 64;

/// The head of an item: major type and argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Head {
    pub(crate) major: u8,
    pub(crate) arg: u64,
    /// the additional-information bits (needed for major type 7)
    pub(crate) info: u8,
    pub(crate) offset: usize,
}

fn type_of(major: u8, info: u8) -> CborType {
    match major {
        0 => CborType::Unsigned,
        1 => CborType::Negative,
        2 => CborType::Bytes,
        3 => CborType::Text,
        4 => CborType::Array,
        5 => CborType::Map,
        6 => CborType::Tag,
        _ if info == 20 || info == 21 => CborType::Bool,
        _ => CborType::Simple,
    }
}

impl<'a> Reader<'a> {
    pub(crate) fn new(buf: &'a [u8]) -> Self {
        Reader {
            buf,
            pos: 0,
            depth: 0,
            any_order: false,
        }
    }

    /// A reader that accepts map keys in any order (still refusing duplicates), for documents
    /// from other issuers that are not deterministically encoded (the IETF status list
    /// examples, for one). Maps are limited to [`MAX_ANY_ORDER_ENTRIES`] entries.
    pub(crate) fn new_any_order(buf: &'a [u8]) -> Self {
        Reader {
            any_order: true,
            ..Reader::new(buf)
        }
    }

    pub(crate) fn position(&self) -> usize {
        self.pos
    }

    /// The bytes between two positions of this reader.
    pub(crate) fn slice(&self, from: usize, to: usize) -> &'a [u8] {
        self.buf.get(from..to).unwrap_or_default()
    }

    /// Fails unless the whole buffer has been consumed.
    pub(crate) fn finish(&self) -> Result<(), CborError> {
        if self.pos < self.buf.len() {
            return Err(CborError::TrailingBytes {
                offset: self.pos,
                count: self.buf.len() - self.pos,
            });
        }
        Ok(())
    }

    fn take(&mut self, n: usize) -> Result<&'a [u8], CborError> {
        let end = self
            .pos
            .checked_add(n)
            .ok_or(CborError::Truncated { offset: self.pos })?;
        let s = self
            .buf
            .get(self.pos..end)
            .ok_or(CborError::Truncated { offset: self.pos })?;
        self.pos = end;
        Ok(s)
    }

    fn byte(&mut self) -> Result<u8, CborError> {
        let b = *self
            .buf
            .get(self.pos)
            .ok_or(CborError::Truncated { offset: self.pos })?;
        self.pos += 1;
        Ok(b)
    }

    /// Peeks at the major type of the next item.
    pub(crate) fn peek_major(&self) -> Result<u8, CborError> {
        self.buf
            .get(self.pos)
            .map(|b| b >> 5)
            .ok_or(CborError::Truncated { offset: self.pos })
    }

    /// Reads a head, enforcing shortest form and definite length.
    pub(crate) fn head(&mut self) -> Result<Head, CborError> {
        let offset = self.pos;
        let ib = self.byte()?;
        let major = ib >> 5;
        let info = ib & 0x1f;
        if major == 7 {
            return match info {
                20..=23 => Ok(Head {
                    major,
                    arg: u64::from(info),
                    info,
                    offset,
                }),
                31 => Err(CborError::Unsupported {
                    offset,
                    what: "break outside an indefinite-length item",
                }),
                24 => Err(CborError::Unsupported {
                    offset,
                    what: "simple value",
                }),
                25..=27 => Err(CborError::Unsupported {
                    offset,
                    what: "floating-point number",
                }),
                _ => Err(CborError::Unsupported {
                    offset,
                    what: "simple value",
                }),
            };
        }
        let arg = match info {
            0..=23 => u64::from(info),
            24 => {
                let v = u64::from(self.byte()?);
                if v < 24 {
                    return Err(CborError::NonCanonical { offset });
                }
                v
            }
            25 => {
                let b = self.take(2)?;
                let v = u64::from(u16::from_be_bytes([
                    b.first().copied().unwrap_or(0),
                    b.get(1).copied().unwrap_or(0),
                ]));
                if v <= 0xff {
                    return Err(CborError::NonCanonical { offset });
                }
                v
            }
            26 => {
                let b = self.take(4)?;
                let mut a = [0u8; 4];
                a.copy_from_slice(b);
                let v = u64::from(u32::from_be_bytes(a));
                if v <= 0xffff {
                    return Err(CborError::NonCanonical { offset });
                }
                v
            }
            27 => {
                let b = self.take(8)?;
                let mut a = [0u8; 8];
                a.copy_from_slice(b);
                let v = u64::from_be_bytes(a);
                if v <= 0xffff_ffff {
                    return Err(CborError::NonCanonical { offset });
                }
                v
            }
            31 if (2..=5).contains(&major) => return Err(CborError::IndefiniteLength { offset }),
            _ => {
                return Err(CborError::Unsupported {
                    offset,
                    what: "reserved additional information",
                })
            }
        };
        Ok(Head {
            major,
            arg,
            info,
            offset,
        })
    }

    fn expect(&mut self, major: u8, expected: CborType) -> Result<Head, CborError> {
        let h = self.head()?;
        if h.major != major {
            return Err(CborError::WrongType {
                offset: h.offset,
                expected,
                found: type_of(h.major, h.info),
            });
        }
        Ok(h)
    }

    /// Reads an unsigned integer.
    pub(crate) fn uint(&mut self) -> Result<u64, CborError> {
        Ok(self.expect(0, CborType::Unsigned)?.arg)
    }

    /// Reads an integer of either sign that fits in `i64`.
    pub(crate) fn int(&mut self) -> Result<i64, CborError> {
        let h = self.head()?;
        int_from_head(h)
    }

    /// Reads a byte string.
    pub(crate) fn bytes(&mut self) -> Result<&'a [u8], CborError> {
        let h = self.expect(2, CborType::Bytes)?;
        self.payload(h)
    }

    /// Reads a text string.
    pub(crate) fn text(&mut self) -> Result<&'a str, CborError> {
        let h = self.expect(3, CborType::Text)?;
        let b = self.payload(h)?;
        core::str::from_utf8(b).map_err(|_| CborError::InvalidUtf8 { offset: h.offset })
    }

    fn payload(&mut self, h: Head) -> Result<&'a [u8], CborError> {
        let len = usize::try_from(h.arg).map_err(|_| CborError::Truncated { offset: h.offset })?;
        self.take(len)
    }

    /// Reads a boolean.
    pub(crate) fn bool(&mut self) -> Result<bool, CborError> {
        let h = self.head()?;
        match (h.major, h.info) {
            (7, 20) => Ok(false),
            (7, 21) => Ok(true),
            _ => Err(CborError::WrongType {
                offset: h.offset,
                expected: CborType::Bool,
                found: type_of(h.major, h.info),
            }),
        }
    }

    fn enter(&mut self, offset: usize) -> Result<(), CborError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(CborError::TooDeep {
                offset,
                max: MAX_DEPTH,
            });
        }
        Ok(())
    }

    /// Ends a container begun with [`Reader::array`] or [`Reader::map`].
    pub(crate) fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    /// Begins an array and returns its length. Call [`Reader::leave`] after its items.
    pub(crate) fn array(&mut self) -> Result<u64, CborError> {
        let h = self.expect(4, CborType::Array)?;
        self.enter(h.offset)?;
        Ok(h.arg)
    }

    /// Begins a map and returns a key-order checker. Call [`Reader::leave`] after its entries.
    pub(crate) fn map(&mut self) -> Result<MapKeys<'a>, CborError> {
        let h = self.expect(5, CborType::Map)?;
        self.enter(h.offset)?;
        if self.any_order && h.arg > MAX_ANY_ORDER_ENTRIES {
            return Err(CborError::Unsupported {
                offset: h.offset,
                what: "map with more than 64 entries in a document read in any key order",
            });
        }
        Ok(MapKeys {
            len: h.arg,
            map_offset: h.offset,
            prev: None,
            any_order: self.any_order,
        })
    }

    /// Reads a tag number.
    pub(crate) fn tag(&mut self) -> Result<u64, CborError> {
        Ok(self.expect(6, CborType::Tag)?.arg)
    }

    /// Skips one well-formed, strict item of any type (nested maps checked for key order).
    pub(crate) fn skip(&mut self) -> Result<(), CborError> {
        let offset = self.pos;
        match self.peek_major()? {
            0 | 1 => {
                self.head()?;
            }
            2 => {
                self.bytes()?;
            }
            3 => {
                self.text()?;
            }
            4 => {
                let n = self.array()?;
                for _ in 0..n {
                    self.skip()?;
                }
                self.leave();
            }
            5 => {
                let mut keys = self.map()?;
                for _ in 0..keys.len {
                    let start = self.pos;
                    self.skip()?;
                    keys.check(self, start)?;
                    self.skip()?;
                }
                self.leave();
            }
            6 => {
                return Err(CborError::Unsupported {
                    offset,
                    what: "tag",
                })
            }
            _ => {
                self.head()?;
            }
        }
        Ok(())
    }
}

/// Converts an integer head to `i64`.
pub(crate) fn int_from_head(h: Head) -> Result<i64, CborError> {
    match h.major {
        0 => i64::try_from(h.arg).map_err(|_| CborError::Unsupported {
            offset: h.offset,
            what: "integer out of range",
        }),
        1 => i64::try_from(h.arg)
            .map(|v| -1 - v)
            .map_err(|_| CborError::Unsupported {
                offset: h.offset,
                what: "integer out of range",
            }),
        _ => Err(CborError::WrongType {
            offset: h.offset,
            expected: CborType::Integer,
            found: type_of(h.major, h.info),
        }),
    }
}

/// Checks that the keys of one map come in strictly increasing bytewise order.
#[derive(Debug)]
pub(crate) struct MapKeys<'a> {
    pub(crate) len: u64,
    map_offset: usize,
    prev: Option<&'a [u8]>,
    any_order: bool,
}

impl<'a> MapKeys<'a> {
    /// Call after reading a key that started at `start`; `r` is positioned just after it.
    pub(crate) fn check(&mut self, r: &Reader<'a>, start: usize) -> Result<(), CborError> {
        let key = r.slice(start, r.position());
        if self.any_order {
            return if self.seen_before(r, key, start) {
                Err(CborError::DuplicateKey { offset: start })
            } else {
                Ok(())
            };
        }
        if let Some(prev) = self.prev {
            if key <= prev {
                return Err(if key == prev || self.seen_before(r, key, start) {
                    CborError::DuplicateKey { offset: start }
                } else {
                    CborError::UnsortedKeys { offset: start }
                });
            }
        }
        self.prev = Some(key);
        Ok(())
    }

    /// Cold path: does `key` occur among the keys before `until`?
    fn seen_before(&self, r: &Reader<'a>, key: &[u8], until: usize) -> bool {
        let mut scan = Reader {
            buf: r.buf,
            pos: self.map_offset,
            depth: 0,
            any_order: true,
        };
        if scan.head().is_err() {
            return false;
        }
        while scan.pos < until {
            let s = scan.pos;
            if scan.skip().is_err() {
                return false;
            }
            if scan.slice(s, scan.pos) == key {
                return true;
            }
            if scan.skip().is_err() {
                return false;
            }
        }
        false
    }
}

/// Encodes a value with RFC 8949 §4.2.1 deterministic encoding: map keys sorted by the bytes of
/// their encodings, recursively; `ciborium` supplies shortest heads and definite lengths.
pub(crate) fn to_deterministic_vec(value: ciborium::Value) -> Vec<u8> {
    let mut out = Vec::new();
    write_value(&canonicalise(value), &mut out);
    out
}

fn canonicalise(value: ciborium::Value) -> ciborium::Value {
    use ciborium::Value;
    match value {
        Value::Array(items) => Value::Array(items.into_iter().map(canonicalise).collect()),
        Value::Map(entries) => {
            let mut keyed: Vec<(Vec<u8>, Value, Value)> = entries
                .into_iter()
                .map(|(k, v)| {
                    let k = canonicalise(k);
                    let mut enc = Vec::new();
                    write_value(&k, &mut enc);
                    (enc, k, canonicalise(v))
                })
                .collect();
            keyed.sort_by(|a, b| a.0.cmp(&b.0));
            Value::Map(keyed.into_iter().map(|(_, k, v)| (k, v)).collect())
        }
        Value::Tag(t, inner) => Value::Tag(t, Box::new(canonicalise(*inner))),
        other => other,
    }
}

fn write_value(value: &ciborium::Value, out: &mut Vec<u8>) {
    // Writing into a Vec cannot fail, and every Value we build is serialisable.
    if ciborium::into_writer(value, &mut *out).is_err() {
        out.clear();
    }
}

/// Appends the head of a byte string of `len` bytes (shortest form).
pub(crate) fn write_bstr_head(out: &mut Vec<u8>, len: usize) {
    write_head(out, 2, len as u64);
}

/// Appends a head with the given major type and argument (shortest form).
pub(crate) fn write_head(out: &mut Vec<u8>, major: u8, arg: u64) {
    let m = major << 5;
    if arg < 24 {
        out.push(m | arg as u8);
    } else if arg <= 0xff {
        out.push(m | 24);
        out.push(arg as u8);
    } else if arg <= 0xffff {
        out.push(m | 25);
        out.extend_from_slice(&(arg as u16).to_be_bytes());
    } else if arg <= 0xffff_ffff {
        out.push(m | 26);
        out.extend_from_slice(&(arg as u32).to_be_bytes());
    } else {
        out.push(m | 27);
        out.extend_from_slice(&arg.to_be_bytes());
    }
}

/// Checks that `buf` is exactly one strict, deterministic CBOR item of any shape.
///
/// ```
/// use consentry::cbor::check_strict;
/// assert!(check_strict(&[0xa2, 0x01, 0x02, 0x03, 0x04]).is_ok());
/// assert!(check_strict(&[0xa2, 0x03, 0x04, 0x01, 0x02]).is_err()); // unsorted keys
/// assert!(check_strict(&[0x18, 0x05]).is_err()); // 5 in two bytes
/// ```
pub fn check_strict(buf: &[u8]) -> Result<(), CborError> {
    let mut r = Reader::new(buf);
    r.skip()?;
    r.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(b: &[u8]) -> CborError {
        check_strict(b).unwrap_err()
    }

    #[test]
    fn rejects_each_violation_with_its_error() {
        assert!(matches!(
            err(&[0x18, 0x17]),
            CborError::NonCanonical { offset: 0 }
        ));
        assert!(matches!(
            err(&[0x19, 0x00, 0xff]),
            CborError::NonCanonical { .. }
        ));
        assert!(matches!(
            err(&[0x1a, 0, 0, 0xff, 0xff]),
            CborError::NonCanonical { .. }
        ));
        assert!(matches!(
            err(&[0x1b, 0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]),
            CborError::NonCanonical { .. }
        ));
        assert!(matches!(
            err(&[0x9f, 0x01, 0xff]),
            CborError::IndefiniteLength { .. }
        ));
        assert!(matches!(
            err(&[0x5f, 0x41, 0x00, 0xff]),
            CborError::IndefiniteLength { .. }
        ));
        assert!(matches!(
            err(&[0x01, 0x02]),
            CborError::TrailingBytes {
                offset: 1,
                count: 1
            }
        ));
        assert!(matches!(err(&[0x82, 0x01]), CborError::Truncated { .. }));
        assert!(matches!(
            err(&[0xa2, 0x01, 0x00, 0x01, 0x00]),
            CborError::DuplicateKey { offset: 3 }
        ));
        assert!(matches!(
            err(&[0xa3, 0x01, 0x00, 0x02, 0x00, 0x01, 0x00]),
            CborError::DuplicateKey { offset: 5 }
        ));
        assert!(matches!(
            err(&[0xa2, 0x02, 0x00, 0x01, 0x00]),
            CborError::UnsortedKeys { offset: 3 }
        ));
        assert!(matches!(
            err(&[0x62, 0xff, 0xfe]),
            CborError::InvalidUtf8 { .. }
        ));
        assert!(matches!(
            err(&[0xf9, 0x3c, 0x00]),
            CborError::Unsupported { .. }
        ));
        assert!(matches!(err(&[0xc1, 0x01]), CborError::Unsupported { .. }));
        assert!(matches!(err(&[0x1c]), CborError::Unsupported { .. }));
        let deep = [0x81u8; 17];
        let mut d = deep.to_vec();
        d.push(0x00);
        assert!(matches!(err(&d), CborError::TooDeep { .. }));
        let mut ok = vec![0x81u8; 16];
        ok.push(0);
        assert!(check_strict(&ok).is_ok());
    }

    #[test]
    fn huge_declared_lengths_do_not_allocate_or_panic() {
        assert!(matches!(
            err(&[0x5b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            CborError::Truncated { .. }
        ));
        assert!(matches!(
            err(&[0x9b, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]),
            CborError::Truncated { .. }
        ));
    }

    #[test]
    fn writer_sorts_keys_by_encoding() {
        use ciborium::Value;
        let v = Value::Map(vec![
            (Value::Text("consent".into()), Value::Integer(1.into())),
            (Value::Integer(65535.into()), Value::Integer(2.into())),
            (Value::Integer(1.into()), Value::Integer(3.into())),
            (Value::Text("v".into()), Value::Integer(4.into())),
        ]);
        let b = to_deterministic_vec(v);
        assert_eq!(hex::encode(&b), "a4010319ffff0261760467636f6e73656e7401");
        assert!(check_strict(&b).is_ok());
    }

    #[test]
    fn head_writer_is_shortest() {
        for (arg, want) in [
            (0u64, "40"),
            (23, "57"),
            (24, "5818"),
            (255, "58ff"),
            (256, "590100"),
            (65536, "5a00010000"),
            (1 << 32, "5b0000000100000000"),
        ] {
            let mut v = Vec::new();
            write_bstr_head(&mut v, arg as usize);
            assert_eq!(hex::encode(&v), want);
        }
    }
}
