//! The status list itself: packed statuses, their `status_list` CBOR (zlib-compressed `lst`)
//! and index allocation.

use std::io::Read as _;

use ring::rand::SecureRandom;

use super::{claims_cbor, missing, wrong_type, StatusValue, DEFAULT_MAX_ENTRIES};
use crate::cbor::{Encoder, Reader};
use crate::StatusError;

/// A status list: `bits` bits per entry, packed least-significant bit first.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StatusList {
    bits: u8,
    bytes: Vec<u8>,
}

fn check_bits(bits: u8) -> Result<(), StatusError> {
    if matches!(bits, 1 | 2 | 4 | 8) {
        Ok(())
    } else {
        Err(StatusError::BitsInvalid { bits })
    }
}

impl StatusList {
    /// A list of `size` entries (rounded up to a whole byte), all VALID.
    pub fn new(size: u64, bits: u8) -> Result<Self, StatusError> {
        check_bits(bits)?;
        if size == 0 || size > DEFAULT_MAX_ENTRIES {
            return Err(StatusError::SizeInvalid {
                max: DEFAULT_MAX_ENTRIES,
            });
        }
        let nbytes = (size * u64::from(bits)).div_ceil(8);
        let nbytes = usize::try_from(nbytes).map_err(|_| StatusError::SizeInvalid {
            max: DEFAULT_MAX_ENTRIES,
        })?;
        Ok(StatusList {
            bits,
            bytes: vec![0; nbytes],
        })
    }

    /// A list from its packed bytes.
    pub fn from_bytes(bits: u8, bytes: Vec<u8>) -> Result<Self, StatusError> {
        check_bits(bits)?;
        if bytes.is_empty() {
            return Err(StatusError::Corrupt {
                reason: "the list is empty",
            });
        }
        Ok(StatusList { bits, bytes })
    }

    /// Bits per entry.
    pub fn bits(&self) -> u8 {
        self.bits
    }

    /// Number of entries.
    pub fn len(&self) -> u64 {
        self.bytes.len() as u64 * 8 / u64::from(self.bits)
    }

    /// Whether the list has no entries (never true for a list built by this module).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The packed bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    fn locate(&self, idx: u64) -> Result<(usize, u32, u8), StatusError> {
        if idx >= self.len() {
            return Err(StatusError::IndexOutOfRange {
                idx,
                len: self.len(),
            });
        }
        let bit = idx * u64::from(self.bits);
        let byte = usize::try_from(bit / 8).map_err(|_| StatusError::IndexOutOfRange {
            idx,
            len: self.len(),
        })?;
        let shift = (bit % 8) as u32;
        let mask = if self.bits == 8 {
            0xff
        } else {
            (1u8 << self.bits) - 1
        };
        Ok((byte, shift, mask))
    }

    /// The status at `idx`.
    pub fn get(&self, idx: u64) -> Result<StatusValue, StatusError> {
        let (byte, shift, mask) = self.locate(idx)?;
        let b = self.bytes.get(byte).ok_or(StatusError::IndexOutOfRange {
            idx,
            len: self.len(),
        })?;
        Ok(StatusValue::from_u8((b >> shift) & mask))
    }

    /// Sets the status at `idx`.
    pub fn set(&mut self, idx: u64, value: StatusValue) -> Result<(), StatusError> {
        let (byte, shift, mask) = self.locate(idx)?;
        let v = value.as_u8();
        if v > mask {
            return Err(StatusError::ValueTooWide { bits: self.bits });
        }
        let len = self.len();
        let b = self
            .bytes
            .get_mut(byte)
            .ok_or(StatusError::IndexOutOfRange { idx, len })?;
        *b = (*b & !(mask << shift)) | (v << shift);
        Ok(())
    }

    /// Picks a random index not yet in `allocated` (a list of the same length with 1 bit per
    /// entry, where 1 = allocated) and marks it there. Random allocation means the index says
    /// nothing about when or to whom an artefact was issued.
    pub fn allocate_index(
        allocated: &mut StatusList,
        rng: &dyn SecureRandom,
    ) -> Result<u64, StatusError> {
        let n = allocated.len();
        for _ in 0..64 {
            let mut b = [0u8; 8];
            rng.fill(&mut b).map_err(|_| StatusError::RandomFailed)?;
            let idx = u64::from_le_bytes(b) % n;
            if allocated.get(idx)? == StatusValue::Valid {
                allocated.set(idx, StatusValue::Invalid)?;
                return Ok(idx);
            }
        }
        // Nearly full: scan from a random start.
        let mut b = [0u8; 8];
        rng.fill(&mut b).map_err(|_| StatusError::RandomFailed)?;
        let start = u64::from_le_bytes(b) % n;
        for k in 0..n {
            let idx = (start + k) % n;
            if allocated.get(idx)? == StatusValue::Valid {
                allocated.set(idx, StatusValue::Invalid)?;
                return Ok(idx);
            }
        }
        Err(StatusError::Full)
    }

    /// The `status_list` structure: `{"bits": n, "lst": zlib(bytes)}`, deterministic CBOR.
    pub fn to_cbor(&self) -> Vec<u8> {
        let mut e = Encoder::new();
        self.encode(&mut e);
        e.finish_fixed()
    }

    pub(super) fn encode<'e>(&self, e: &'e mut Encoder) -> &'e mut Encoder {
        e.map(|m| {
            m.text("bits", |e| e.uint(u64::from(self.bits)))
                .text("lst", |e| e.bytes(&compress(&self.bytes)));
        })
    }

    /// Decodes a `status_list` structure, decompressing at most what `max_entries` entries need.
    pub fn from_cbor(bytes: &[u8], max_entries: u64) -> Result<Self, StatusError> {
        let mut r = Reader::new_any_order(bytes);
        let list = decode_list(&mut r, max_entries)?;
        r.finish().map_err(|e| claims_cbor("status_list", e))?;
        Ok(list)
    }
}

/// zlib at the best compression level (level 9), in memory: `miniz_oxide`, the deflate engine
/// `flate2` runs on, whose in-memory form cannot fail.
fn compress(bytes: &[u8]) -> Vec<u8> {
    miniz_oxide::deflate::compress_to_vec_zlib(bytes, 9)
}

/// Inflates `lst`, refusing output beyond `cap` bytes.
fn decompress(lst: &[u8], cap: u64) -> Result<Vec<u8>, StatusError> {
    let mut out = Vec::new();
    let mut z = flate2::read::ZlibDecoder::new(lst).take(cap.saturating_add(1));
    z.read_to_end(&mut out).map_err(|_| StatusError::Corrupt {
        reason: "`lst` is not valid zlib data",
    })?;
    if out.len() as u64 > cap {
        return Err(StatusError::TooLarge { max_bytes: cap });
    }
    Ok(out)
}

pub(super) fn decode_list(r: &mut Reader<'_>, max_entries: u64) -> Result<StatusList, StatusError> {
    let at = "status_list";
    let mut keys = r.map().map_err(wrong_type(at, "a map"))?;
    let (mut bits, mut lst) = (None, None);
    for _ in 0..keys.len {
        let start = r.position();
        let k = match r.peek_major().map_err(|e| claims_cbor(at, e))? {
            3 => Some(r.text().map_err(|e| claims_cbor(at, e))?),
            _ => {
                r.skip().map_err(|e| claims_cbor(at, e))?;
                None
            }
        };
        keys.check(r, start).map_err(|e| claims_cbor(at, e))?;
        match k {
            Some("bits") => {
                let b = r
                    .uint()
                    .map_err(wrong_type("status_list.bits", "an unsigned integer"))?;
                bits =
                    Some(u8::try_from(b).map_err(|_| StatusError::BitsInvalid { bits: u8::MAX })?);
            }
            Some("lst") => {
                lst = Some(
                    r.bytes()
                        .map_err(wrong_type("status_list.lst", "a byte string"))?,
                )
            }
            // Other members (e.g. `aggregation_uri`) are defined by the draft and not needed here.
            _ => r.skip().map_err(|e| claims_cbor(at, e))?,
        }
    }
    r.leave();
    let bits = bits.ok_or_else(|| missing("status_list.bits"))?;
    check_bits(bits)?;
    let lst = lst.ok_or_else(|| missing("status_list.lst"))?;
    let cap = max_entries.saturating_mul(u64::from(bits)).div_ceil(8);
    StatusList::from_bytes(bits, decompress(lst, cap)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bit_packing_matches_the_draft() {
        // draft §4.1 example: 16 entries, 1 bit: statuses 1 0 0 1 1 1 0 1 | 1 1 0 0 0 1 0 1
        let list = StatusList::from_bytes(1, vec![0xb9, 0xa3]).unwrap();
        let got: Vec<u8> = (0..16).map(|i| list.get(i).unwrap().as_u8()).collect();
        assert_eq!(got, [1, 0, 0, 1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1]);
        let mut two = StatusList::new(12, 2).unwrap();
        for (i, v) in [1u8, 2, 0, 3, 0, 1, 0, 1, 1, 2, 3, 3].iter().enumerate() {
            two.set(i as u64, StatusValue::from_u8(*v)).unwrap();
        }
        assert_eq!(two.as_bytes(), [0xc9, 0x44, 0xf9]);
    }

    #[test]
    fn bounds_and_widths() {
        let mut l = StatusList::new(10, 1).unwrap();
        assert_eq!(l.len(), 16);
        assert_eq!(
            l.get(16),
            Err(StatusError::IndexOutOfRange { idx: 16, len: 16 })
        );
        assert_eq!(
            l.set(0, StatusValue::Suspended),
            Err(StatusError::ValueTooWide { bits: 1 })
        );
        assert_eq!(
            StatusList::new(10, 3),
            Err(StatusError::BitsInvalid { bits: 3 })
        );
        assert!(StatusList::new(0, 1).is_err());
        assert!(StatusList::new(u64::MAX, 8).is_err());
    }

    #[test]
    fn decompression_is_capped() {
        let big = StatusList::new(1 << 20, 8).unwrap();
        let cbor = big.to_cbor();
        assert!(
            cbor.len() < 4096,
            "a zero list compresses well: {}",
            cbor.len()
        );
        assert_eq!(StatusList::from_cbor(&cbor, 1 << 20).unwrap(), big);
        assert_eq!(
            StatusList::from_cbor(&cbor, 1 << 10),
            Err(StatusError::TooLarge { max_bytes: 1 << 10 })
        );
    }
}
