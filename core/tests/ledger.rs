//! The ledger: record round trips, framing and torn tails, and a table of tampering at every
//! position of a small ledger, each reported at the record that was tampered with.
#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing
)]

use consentry::ledger::{
    self, Body, Entry, Event, EventKind, Head, LedgerError, Tail, FRAME_OVERHEAD, MAX_UNSYNCED,
};
use consentry::{Code, Cti, HasCode, SigningKey, TrustStore};
use proptest::prelude::*;

const T0: i64 = 1_764_300_000;

fn key() -> SigningKey {
    SigningKey::from_ed25519_seed(&[0x11; 32]).unwrap()
}

fn trust() -> TrustStore {
    let mut t = TrustStore::new();
    t.add(key().verifying_key().clone()).unwrap();
    t
}

fn event(i: u64) -> Event {
    let kind = EventKind::ALL[i as usize % EventKind::ALL.len()];
    let mut ev = Event::new(kind, &format!("pp-{}", i % 3), Cti([i as u8; 16]));
    if i.is_multiple_of(2) {
        ev = ev.recipient("tn.health");
    }
    if i.is_multiple_of(3) {
        ev = ev.purpose("aa:101");
    }
    ev
}

/// Records of a ledger; a checkpoint wherever `checkpoints` says.
fn build(n: u64, checkpoints: &[u64]) -> Vec<Vec<u8>> {
    let rng = ring::rand::SystemRandom::new();
    let k = key();
    let mut head = Head::GENESIS;
    (0..n)
        .map(|i| {
            let t = T0 + i as i64;
            if checkpoints.contains(&i) {
                head.append_checkpoint(t, &k, &rng).unwrap()
            } else {
                head.append_event(t, &event(i)).unwrap()
            }
        })
        .collect()
}

fn frame_all(records: &[Vec<u8>]) -> Vec<u8> {
    let mut out = Vec::new();
    for r in records {
        ledger::frame_into(r, &mut out).unwrap();
    }
    out
}

fn decode(r: &[u8]) -> Entry {
    Entry::from_cbor(r).unwrap()
}

/// Re-encodes a record after `f` changed it (valid CBOR, valid frame: only the chain can tell).
fn edit(r: &[u8], f: impl FnOnce(&mut Entry)) -> Vec<u8> {
    let mut e = decode(r);
    f(&mut e);
    e.to_cbor().unwrap()
}

fn first_bad(records: &[Vec<u8>]) -> (u64, Code) {
    let err =
        ledger::verify(&frame_all(records), &trust()).expect_err("tampering must be detected");
    (err.index, err.code())
}

#[test]
fn crc32c_matches_the_check_value() {
    assert_eq!(ledger::crc32c(b"123456789"), 0xe306_9283);
    assert_eq!(ledger::crc32c(b""), 0);
}

#[test]
fn record_bytes_are_pinned() {
    // seq 0, time 1764300000, prev zeros, "granted", sub "pp-1", cti 01.., recipient "r".
    let ev = Event::new(EventKind::Granted, "pp-1", Cti([1; 16])).recipient("r");
    let mut head = Head::GENESIS;
    let b = head.append_event(T0, &ev).unwrap();
    let want = concat!(
        "a7", // map(7)
        "00",
        "00", // 0 (seq): 0
        "01",
        "1a692914e0", // 1 (time): 1764300000
        "02",
        "5820",
        "0000000000000000000000000000000000000000000000000000000000000000",
        "03",
        "676772616e746564", // 3 (kind): "granted"
        "04",
        "64",
        "70702d31", // 4 (sub): "pp-1"
        "05",
        "50",
        "01010101010101010101010101010101", // 5 (cti)
        "06",
        "6172", // 6 (recipient): "r"
    );
    assert_eq!(hex::encode(&b), want);
    consentry::cbor::check_strict(&b).unwrap();
}

#[test]
fn decoding_is_strict() {
    let good = build(1, &[])[0].clone();
    assert!(Entry::from_cbor(&good).is_ok());
    // trailing byte
    let mut b = good.clone();
    b.push(0);
    assert_eq!(
        Entry::from_cbor(&b).unwrap_err().code(),
        Code::LedgerEntryUndecodable
    );
    // unknown key 9 (map grows by one)
    let mut b = good.clone();
    b[0] += 1;
    b.extend_from_slice(&[0x09, 0x00]);
    assert_eq!(
        Entry::from_cbor(&b).unwrap_err().code(),
        Code::LedgerEntryInvalid
    );
    // missing sub: an event without its principal
    let mut e = decode(&good);
    if let Body::Event(ev) = &mut e.body {
        ev.sub.clear();
    }
    assert!(matches!(
        e.to_cbor().unwrap_err(),
        LedgerError::Invalid { field: "sub", .. }
    ));
    // over the size cap
    let big = vec![0u8; consentry::ledger::MAX_ENTRY_SIZE + 1];
    assert_eq!(
        Entry::from_cbor(&big).unwrap_err().code(),
        Code::LedgerEntryTooLarge
    );
    // unknown kind
    let b = hex::decode("a4000001000258200000000000000000000000000000000000000000000000000000000000000000036361626364").unwrap();
    assert!(Entry::from_cbor(&b).is_err());
}

#[test]
fn json_event_is_strict_and_never_echoes_values() {
    let ev = Event::from_json(
        r#"{"event":"shared","sub":"pp-9","cti":"AQEBAQEBAQEBAQEBAQEBAQ","recipient":"tn.research"}"#,
    )
    .unwrap();
    assert_eq!(ev.kind, EventKind::Shared);
    for bad in [
        r#"{"event":"shared","sub":"pp-9","cti":"AQEB"}"#,
        r#"{"event":"nope","sub":"pp-9","cti":"AQEBAQEBAQEBAQEBAQEBAQ"}"#,
        r#"{"event":"used","sub":"","cti":"AQEBAQEBAQEBAQEBAQEBAQ"}"#,
        r#"{"event":"used","sub":"secret-123","cti":"AQEBAQEBAQEBAQEBAQEBAQ","x":1}"#,
        r#"{"event":"used","sub":1234567,"cti":"AQEBAQEBAQEBAQEBAQEBAQ"}"#,
    ] {
        let e = Event::from_json(bad).unwrap_err();
        let msg = e.to_string();
        assert!(!msg.contains("secret") && !msg.contains("1234567"), "{msg}");
    }
}

#[test]
fn sound_ledger_verifies_and_exports() {
    let recs = build(12, &[4, 9]);
    let file = frame_all(&recs);
    let r = ledger::verify(&file, &trust()).unwrap();
    assert_eq!((r.records, r.checkpoints, r.sealed), (12, 2, 10));
    assert_eq!(r.last_checkpoint_time, Some(T0 + 9));
    assert_eq!(r.torn_tail, None);
    let lines = ledger::export(&file, "pp-1").unwrap();
    // events 1, 7, 10 (4 is a checkpoint)
    let seqs: Vec<u64> = lines.iter().map(|l| l["seq"].as_u64().unwrap()).collect();
    assert_eq!(seqs, [1, 7, 10]);
    assert_eq!(lines[0]["event"], "denied");
    assert_eq!(lines[0]["cti"], "AQEBAQEBAQEBAQEBAQEBAQ");
    assert!(ledger::export(&file, "nobody").unwrap().is_empty());
    // An empty file is an empty ledger.
    assert_eq!(ledger::verify(&[], &trust()).unwrap().records, 0);
}

/// Twelve records, checkpoints at 4 and 9: every tampering at positions 0..=9 (all before or
/// at the last checkpoint) is caught and pinned on the tampered record.
#[test]
fn tampering_anywhere_before_the_last_checkpoint_names_the_record() {
    let recs = build(12, &[4, 9]);
    let is_cp = |i: usize| matches!(decode(&recs[i]).body, Body::Checkpoint(_));
    for i in 0..=9usize {
        // edit: a field other than seq and prev
        let mut t = recs.clone();
        t[i] = edit(&recs[i], |e| e.time += 1);
        let want = if is_cp(i) {
            Code::LedgerCheckpointMismatch
        } else {
            Code::LedgerEntryAltered
        };
        assert_eq!(first_bad(&t), (i as u64, want), "edit {i}");

        // edit of an event's content (purpose added)
        if !is_cp(i) {
            let mut t = recs.clone();
            t[i] = edit(&recs[i], |e| {
                if let Body::Event(ev) = &mut e.body {
                    ev.purpose = Some("dpdp:7(b)".into());
                }
            });
            assert_eq!(
                first_bad(&t),
                (i as u64, Code::LedgerEntryAltered),
                "edit purpose {i}"
            );
        }

        // edit of prev alone
        let mut t = recs.clone();
        t[i] = edit(&recs[i], |e| e.prev[0] ^= 1);
        assert_eq!(first_bad(&t), (i as u64, Code::LedgerBadLink), "prev {i}");

        // edit of seq alone
        let mut t = recs.clone();
        t[i] = edit(&recs[i], |e| e.seq += 100);
        assert_eq!(first_bad(&t), (i as u64, Code::LedgerBadSeq), "seq {i}");

        // delete
        let mut t = recs.clone();
        t.remove(i);
        assert_eq!(first_bad(&t), (i as u64, Code::LedgerBadSeq), "delete {i}");

        // reorder with the next record
        let mut t = recs.clone();
        t.swap(i, i + 1);
        assert_eq!(first_bad(&t), (i as u64, Code::LedgerBadSeq), "swap {i}");

        // insert a well-formed record that claims place i and links to record i-1
        let prev = if i == 0 {
            ledger::GENESIS_PREV
        } else {
            ring_sha256(&recs[i - 1])
        };
        let forged = Entry {
            seq: i as u64,
            time: T0,
            prev,
            body: Body::Event(Event::new(EventKind::Granted, "pp-x", Cti([0xee; 16]))),
        }
        .to_cbor()
        .unwrap();
        let mut t = recs.clone();
        t.insert(i, forged.clone());
        assert_eq!(
            first_bad(&t),
            (i as u64, Code::LedgerEntryInserted),
            "insert {i}"
        );
        // ... and a forged record with a stale seq
        let mut t = recs.clone();
        t.insert(i, edit(&forged, |e| e.seq = 50));
        assert_eq!(
            first_bad(&t),
            (i as u64, Code::LedgerBadSeq),
            "insert bad {i}"
        );

        // duplicate a record
        let mut t = recs.clone();
        t.insert(i + 1, recs[i].clone());
        assert!(first_bad(&t).0 <= i as u64 + 1, "duplicate {i}");
    }
}

fn ring_sha256(b: &[u8]) -> [u8; 32] {
    ring::digest::digest(&ring::digest::SHA256, b)
        .as_ref()
        .try_into()
        .unwrap()
}

/// A rewriter who recomputes every later hash still cannot forge the checkpoint: the first
/// checkpoint after the edit is reported.
#[test]
fn rehashed_rewrites_are_caught_at_the_next_checkpoint() {
    let recs = build(12, &[4, 9]);
    for i in (0..9usize).filter(|&i| i != 4) {
        let mut entries: Vec<Entry> = recs.iter().map(|r| decode(r)).collect();
        if let Body::Event(ev) = &mut entries[i].body {
            ev.recipient = Some("someone.else".into());
        }
        let mut prev = entries[i].prev;
        let rewritten: Vec<Vec<u8>> = entries
            .into_iter()
            .enumerate()
            .map(|(j, mut e)| {
                if j >= i {
                    e.prev = prev;
                }
                let b = e.to_cbor().unwrap();
                prev = ring_sha256(&b);
                b
            })
            .collect();
        let cp = if i < 4 { 4 } else { 9 };
        assert_eq!(
            first_bad(&rewritten),
            (cp, Code::LedgerCheckpointMismatch),
            "rehash from {i}"
        );
    }
}

#[test]
fn checkpoints_need_a_trusted_key() {
    let file = frame_all(&build(3, &[2]));
    let other = TrustStore::new();
    let e = ledger::verify(&file, &other).unwrap_err();
    assert_eq!((e.index, e.code()), (2, Code::LedgerCheckpointInvalid));
    assert!(e.to_string().contains("kid"), "{e}");
    // A checkpoint with a flipped signature bit.
    let mut recs = build(3, &[2]);
    let last = recs[2].len() - 1;
    recs[2][last] ^= 1;
    assert_eq!(first_bad(&recs), (2, Code::LedgerCheckpointInvalid));
}

#[test]
fn torn_tails_are_recognised_at_every_cut() {
    let recs = build(5, &[3]);
    let file = frame_all(&recs);
    let last_start = file.len() - recs[4].len() - FRAME_OVERHEAD;
    for cut in last_start + 1..file.len() {
        let s = ledger::scan(&file[..cut]);
        assert_eq!(s.records.len(), 4, "cut {cut}");
        assert_eq!(s.valid_len, last_start as u64);
        assert!(
            matches!(s.tail, Tail::Torn { offset, .. } if offset == last_start as u64),
            "cut {cut}"
        );
        let r = ledger::verify(&file[..cut], &trust()).unwrap();
        assert_eq!(r.records, 4);
        assert!(r.torn_tail.is_some());
    }
    // Garbage or zeros after the last record: a torn tail too.
    for junk in [&b"CLg1\x00\x00\x00\x20half"[..], &[0u8; 4096][..], b"x"] {
        let mut f = file.clone();
        f.extend_from_slice(junk);
        let s = ledger::scan(&f);
        assert_eq!((s.records.len(), s.valid_len), (5, file.len() as u64));
        assert!(matches!(s.tail, Tail::Torn { .. }));
    }
}

#[test]
fn damage_followed_by_a_valid_frame_is_corruption_not_a_torn_tail() {
    let recs = build(5, &[3]);
    let file = frame_all(&recs);
    let mut off = 0;
    for (i, rec) in recs.iter().enumerate().take(4) {
        let len = rec.len() + FRAME_OVERHEAD;
        // every byte of every frame but the last: flip it
        for b in off..off + len {
            let mut f = file.clone();
            f[b] ^= 0x40;
            let s = ledger::scan(&f);
            assert!(
                matches!(s.tail, Tail::Corrupt { offset, .. } if offset == off as u64),
                "record {i} byte {b}: {:?}",
                s.tail
            );
            let e = ledger::verify(&f, &trust()).unwrap_err();
            assert_eq!((e.index, e.code()), (i as u64, Code::LedgerFrameCorrupt));
        }
        off += len;
    }
}

#[test]
fn damage_followed_by_more_than_one_batch_is_corruption() {
    let n = (MAX_UNSYNCED / 90 + 100) as u64;
    let recs = build(n, &[n - 1]);
    let mut file = frame_all(&recs);
    // Damage record 10's CRC.
    let off: usize = recs[..10].iter().map(|r| r.len() + FRAME_OVERHEAD).sum();
    let crc_at = off + FRAME_OVERHEAD + recs[10].len() - 1;
    file[crc_at] ^= 0xff;
    assert!(file.len() - off > MAX_UNSYNCED);
    let s = ledger::scan(&file);
    assert!(matches!(s.tail, Tail::Corrupt { offset, .. } if offset == off as u64));
    let e = ledger::verify(&file, &trust()).unwrap_err();
    assert_eq!(
        (e.index, e.offset, e.code()),
        (10, off as u64, Code::LedgerFrameCorrupt)
    );
}

fn arb_text() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9:._ /-]{1,40}"
}

fn arb_entry() -> impl Strategy<Value = Entry> {
    let ev = (
        0..EventKind::ALL.len(),
        arb_text(),
        any::<[u8; 16]>(),
        proptest::option::of(arb_text()),
        proptest::option::of(arb_text()),
    )
        .prop_map(|(k, sub, cti, recipient, purpose)| {
            Body::Event(Event {
                kind: EventKind::ALL[k],
                sub,
                cti: Cti(cti),
                recipient,
                purpose,
            })
        });
    let body = prop_oneof![
        ev,
        proptest::collection::vec(any::<u8>(), 1..300).prop_map(Body::Checkpoint)
    ];
    (any::<u64>(), any::<i64>(), any::<[u8; 32]>(), body).prop_map(|(seq, time, prev, body)| {
        Entry {
            seq,
            time,
            prev,
            body,
        }
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn record_round_trip(e in arb_entry()) {
        let b = e.to_cbor().unwrap();
        consentry::cbor::check_strict(&b).unwrap();
        let d = Entry::from_cbor(&b).unwrap();
        prop_assert_eq!(&d, &e);
        prop_assert_eq!(d.to_cbor().unwrap(), b);
    }

    #[test]
    fn frame_round_trip_and_any_bit_flip_is_caught(e in arb_entry(), bit in any::<usize>()) {
        let b = e.to_cbor().unwrap();
        let mut f = Vec::new();
        ledger::frame_into(&b, &mut f).unwrap();
        let s = ledger::scan(&f);
        prop_assert_eq!(s.records.len(), 1);
        prop_assert_eq!(s.records[0].record, &b[..]);
        let bit = bit % (f.len() * 8);
        f[bit / 8] ^= 1 << (bit % 8);
        prop_assert!(ledger::scan(&f).records.is_empty());
    }

    #[test]
    fn chains_of_any_shape_verify(n in 1u64..30, cps in proptest::collection::vec(0u64..30, 0..4)) {
        let recs = build(n, &cps);
        let r = ledger::verify(&frame_all(&recs), &trust()).unwrap();
        prop_assert_eq!(r.records, n);
        let last_cp = cps.iter().filter(|&&c| c < n).max();
        prop_assert_eq!(r.sealed, last_cp.map_or(0, |c| c + 1));
        prop_assert_eq!(r.head, ring_sha256(recs.last().unwrap()));
        prop_assert_eq!(Head::after(recs.last().unwrap()).unwrap().next_seq, n);
    }

    #[test]
    fn undecodable_records_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..200)) {
        let _ = Entry::from_cbor(&bytes);
        let _ = ledger::scan(&bytes);
        let _ = ledger::verify(&bytes, &trust());
    }
}

#[test]
fn a_file_that_does_not_begin_with_the_magic_is_not_a_ledger() {
    for junk in [
        &b"precious data, not a ledger"[..],
        &[0u8; 64][..],
        b"x",
        b"CLg2",
        b"CLgX and more",
    ] {
        let s = ledger::scan(junk);
        assert_eq!(
            s.tail,
            Tail::NotALedger {
                len: junk.len() as u64
            }
        );
        let e = ledger::verify(junk, &trust()).unwrap_err();
        assert_eq!(
            (e.index, e.offset, e.code()),
            (0, 0, Code::LedgerNotALedger)
        );
        let e = ledger::writer_head(junk).unwrap_err();
        assert_eq!(e.code(), Code::LedgerNotALedger);
        assert_eq!(
            ledger::repair_plan(junk).unwrap_err().code(),
            Code::LedgerNotALedger
        );
    }
    // A prefix of the magic is a torn first append; an empty file a new ledger.
    for torn in [&b"C"[..], b"CL", b"CLg", b"CLg1", b"CLg1\x00\x00"] {
        assert!(matches!(
            ledger::scan(torn).tail,
            Tail::Torn { offset: 0, .. }
        ));
        assert_eq!(
            ledger::writer_head(torn).unwrap_err().code(),
            Code::LedgerTornTail
        );
        let plan = ledger::repair_plan(torn).unwrap();
        assert_eq!((plan.keep, plan.records, plan.last_seq), (0, 0, None));
    }
    assert_eq!(ledger::writer_head(&[]).unwrap(), Head::GENESIS);
    // Over one batch of foreign bytes: still not a ledger (not "corrupt").
    let big = vec![b'z'; MAX_UNSYNCED + 1];
    assert!(matches!(ledger::scan(&big).tail, Tail::NotALedger { .. }));
    // ... and a writer can tell from its first four bytes and its size.
    assert!(ledger::foreign_at_start(&big[..4], big.len() as u64));
    assert!(!ledger::foreign_at_start(b"CLg1", big.len() as u64));
    assert!(
        !ledger::foreign_at_start(b"zzzz", 100),
        "a small file is scanned"
    );
    // A damaged first magic followed by valid frames is a damaged ledger: corruption.
    let mut f = frame_all(&build(3, &[]));
    f[0] ^= 0x40;
    assert!(matches!(
        ledger::scan(&f).tail,
        Tail::Corrupt { offset: 0, .. }
    ));
}

#[test]
fn a_writer_refuses_a_torn_tail_and_repair_drops_only_it() {
    let recs = build(4, &[2]);
    let file = frame_all(&recs);
    assert_eq!(
        ledger::writer_head(&file).unwrap(),
        Head::after(recs.last().unwrap()).unwrap()
    );
    let clean = ledger::repair_plan(&file).unwrap();
    assert_eq!(clean.drop, None);
    assert_eq!(
        (clean.keep, clean.records, clean.last_seq),
        (file.len() as u64, 4, Some(3))
    );
    let mut torn = file.clone();
    torn.extend_from_slice(b"CLg1\x00\x00\x00\x30half a record");
    let e = ledger::writer_head(&torn).unwrap_err();
    assert_eq!((e.index, e.offset), (4, file.len() as u64));
    assert!(matches!(
        e.error,
        LedgerError::TornTail { offset, len: 21, .. } if offset == file.len() as u64
    ));
    let plan = ledger::repair_plan(&torn).unwrap();
    assert_eq!(plan.keep, file.len() as u64);
    assert_eq!(plan.drop.map(|d| (d.0, d.1)), Some((file.len() as u64, 21)));
    assert_eq!(plan.last_seq, Some(3));
    assert_eq!(plan.head, clean.head);
    // Corruption: never a repair.
    let mut corrupt = file.clone();
    corrupt[20] ^= 1;
    let e = ledger::repair_plan(&corrupt).unwrap_err();
    assert_eq!(e.code(), Code::LedgerFrameCorrupt);
    assert_eq!(
        ledger::writer_head(&corrupt).unwrap_err().code(),
        Code::LedgerFrameCorrupt
    );
}

/// Overlapping candidate frames each declaring a 64 KiB record (a hostile tail that made the
/// search quadratic): a torn tail; with one valid frame anywhere among them, corruption. The
/// search derives each candidate's checksum, so the frame is found wherever it is.
#[test]
fn hostile_overlapping_candidate_frames_are_classified_exactly() {
    let recs = build(2, &[]);
    let file = frame_all(&recs);
    let mut hostile = file.clone();
    while hostile.len() - file.len() < MAX_UNSYNCED {
        hostile.extend_from_slice(b"CLg1\x00\x01\x00\x00");
    }
    let s = ledger::scan(&hostile);
    assert!(matches!(s.tail, Tail::Torn { offset, .. } if offset == file.len() as u64));
    // A huge declared length: a bad frame at once, a torn tail.
    let mut huge = file.clone();
    huge.extend_from_slice(b"CLg1\xff\xff\xff\xff");
    huge.resize(file.len() + MAX_UNSYNCED, 0xff);
    assert!(matches!(
        ledger::scan(&huge).tail,
        Tail::Torn {
            reason: "bad length",
            ..
        }
    ));
    // A real frame whose record spans later candidate headers: put one inside the hostile
    // bytes, at several places, and with a record of the largest size.
    let big_event = Event::new(EventKind::Used, &"s".repeat(256), Cti([3; 16]))
        .recipient(&"r".repeat(256))
        .purpose(&"p".repeat(256));
    let mut head = Head::after(recs.last().unwrap()).unwrap();
    let rec = head.append_event(T0, &big_event).unwrap();
    let mut frame = Vec::new();
    ledger::frame_into(&rec, &mut frame).unwrap();
    for at in [
        file.len() + 1,
        file.len() + 8,
        file.len() + 4099,
        hostile.len() - frame.len(),
    ] {
        let mut h = hostile.clone();
        h[at..at + frame.len()].copy_from_slice(&frame);
        let s = ledger::scan(&h);
        assert!(
            matches!(s.tail, Tail::Corrupt { offset, .. } if offset == file.len() as u64),
            "frame at {at}: {:?}",
            s.tail
        );
    }
    // A frame with one bit of its CRC wrong is not a frame.
    let mut h = hostile.clone();
    let at = file.len() + 4099;
    h[at..at + frame.len()].copy_from_slice(&frame);
    h[at + frame.len() - 1] ^= 1;
    assert!(matches!(ledger::scan(&h).tail, Tail::Torn { .. }));
}

#[test]
fn verify_with_reports_time_backwards_and_fails_it_when_strict() {
    let mut head = Head::GENESIS;
    let times = [T0, T0 + 5, T0 + 2, T0 + 9, T0 + 1];
    let recs: Vec<Vec<u8>> = times
        .iter()
        .enumerate()
        .map(|(i, &t)| head.append_event(t, &event(i as u64)).unwrap())
        .collect();
    let file = frame_all(&recs);
    let r = ledger::verify(&file, &trust()).unwrap();
    assert_eq!(r.time_backwards, 2);
    let first = r.first_time_backwards.unwrap();
    assert_eq!(
        (first.index, first.time, first.previous),
        (2, T0 + 2, T0 + 5)
    );
    assert_eq!(first.offset, ledger::scan(&file).records[2].offset);
    let strict = ledger::VerifyOptions::default().strict(true);
    let e = ledger::verify_with(&file, &trust(), &strict).unwrap_err();
    assert_eq!((e.index, e.code()), (2, Code::LedgerTimeBackwards));
    // Equal times are not backwards.
    let ok = frame_all(&build(4, &[]));
    assert!(ledger::verify_with(&ok, &trust(), &strict).is_ok());
    // Strict fails on a torn tail too.
    let mut torn = ok.clone();
    torn.push(b'C');
    assert!(ledger::verify(&torn, &trust()).is_ok());
    let e = ledger::verify_with(&torn, &trust(), &strict).unwrap_err();
    assert_eq!((e.index, e.code()), (4, Code::LedgerTornTail));
}

#[test]
fn verify_with_checks_an_expected_head_and_a_sealed_end() {
    let recs = build(5, &[4]);
    let file = frame_all(&recs);
    let head = ring_sha256(recs.last().unwrap());
    let opts = ledger::VerifyOptions::default()
        .expect_head(Some(head))
        .sealed(true);
    let r = ledger::verify_with(&file, &trust(), &opts).unwrap();
    assert_eq!((r.records, r.sealed), (5, 5));
    // Truncated back to before the checkpoint: a valid chain, but not the anchor, not sealed.
    let short = frame_all(&recs[..3]);
    let e = ledger::verify_with(&short, &trust(), &opts).unwrap_err();
    assert_eq!((e.index, e.code()), (2, Code::LedgerHeadMismatch));
    let sealed = ledger::VerifyOptions::default().sealed(true);
    let e = ledger::verify_with(&short, &trust(), &sealed).unwrap_err();
    assert_eq!(e.code(), Code::LedgerNotSealed);
    assert!(matches!(
        e.error,
        LedgerError::NotSealed {
            unsealed: 3,
            records: 3
        }
    ));
    let e = ledger::verify_with(&[], &trust(), &sealed).unwrap_err();
    assert_eq!(e.code(), Code::LedgerNotSealed);
    // An event after the checkpoint: unsealed.
    let longer = frame_all(&build(6, &[4]));
    let e = ledger::verify_with(&longer, &trust(), &sealed).unwrap_err();
    assert_eq!((e.index, e.code()), (5, Code::LedgerNotSealed));
}
