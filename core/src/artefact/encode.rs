//! Deterministic CBOR encoding of the claims set, through the crate's one writer.

use super::{label, Audience, Claims, Consent, Grant};
use crate::cbor::Encoder;

impl Claims {
    /// Writes the claims set (the CDDL in `docs/artefact.md`); the writer orders the keys.
    pub(super) fn encode<'e>(&self, e: &'e mut Encoder) -> &'e mut Encoder {
        e.map(|m| {
            m.int(label::ISS, |e| e.text(&self.iss))
                .int(label::SUB, |e| e.text(&self.sub))
                .int(label::AUD, |e| match &self.aud {
                    Audience::One(a) => e.text(a),
                    Audience::Many(v) => e.seq(v, |e, a| {
                        e.text(a);
                    }),
                })
                .int(label::EXP, |e| e.int(self.exp))
                .int(label::IAT, |e| e.int(self.iat))
                .int(label::CTI, |e| e.bytes(&self.cti.0));
            if let Some(nbf) = self.nbf {
                m.int(label::NBF, |e| e.int(nbf));
            }
            if let Some(st) = &self.status {
                m.int(label::STATUS, |e| {
                    e.map(|m| {
                        m.text("status_list", |e| {
                            e.map(|m| {
                                m.text("idx", |e| e.uint(st.status_list.idx))
                                    .text("uri", |e| e.text(&st.status_list.uri));
                            })
                        });
                    })
                });
            }
            m.text(label::CONSENT, |e| self.consent.encode(e));
        })
    }
}

impl Consent {
    /// Writes the `consent` claim.
    fn encode<'e>(&self, e: &'e mut Encoder) -> &'e mut Encoder {
        e.map(|m| {
            m.text("v", |e| e.uint(1))
                .text("basis", |e| e.text(&self.basis))
                .text("purposes", |e| {
                    e.seq(&self.purposes, |e, g| {
                        g.encode(e);
                    })
                })
                .text("notice", |e| {
                    e.map(|m| {
                        m.text("id", |e| e.text(&self.notice.id))
                            .text("sha256", |e| e.bytes(&self.notice.sha256))
                            .text("lang", |e| e.text(&self.notice.lang));
                    })
                });
            if let Some(g) = &self.grantor {
                m.text("grantor", |e| {
                    e.map(|m| {
                        m.text("role", |e| e.text(g.role.as_str()))
                            .text("evidence", |e| e.text(&g.evidence));
                    })
                });
            }
            if let Some(child) = self.child {
                m.text("child", |e| e.bool(child));
            }
            if let Some(r) = self.range {
                m.text("range", |e| {
                    e.map(|m| {
                        m.text("from", |e| e.int(r.from))
                            .text("to", |e| e.int(r.to));
                    })
                });
            }
        })
    }
}

impl Grant {
    /// Writes one grant of `consent.purposes`.
    fn encode<'e>(&self, e: &'e mut Encoder) -> &'e mut Encoder {
        e.map(|m| {
            m.text("purpose", |e| e.text(&self.purpose))
                .text("fields", |e| {
                    e.seq(&self.fields, |e, f| {
                        e.text(f);
                    })
                })
                .text("mode", |e| e.text(self.mode.as_str()));
            if let Some(d) = self.data_life {
                m.text("data_life", |e| e.uint(d));
            }
            if let Some(f) = self.frequency {
                m.text("frequency", |e| {
                    e.map(|m| {
                        m.text("max", |e| e.uint(f.max))
                            .text("per", |e| e.uint(f.per));
                    })
                });
            }
            if let Some(tr) = &self.transforms {
                m.text("transforms", |e| {
                    e.map(|m| {
                        for (sel, t) in tr {
                            m.text(sel, |e| e.text(t));
                        }
                    })
                });
            }
        })
    }
}
