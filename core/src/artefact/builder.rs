//! [`ClaimsBuilder`]: claims built member by member, validated at the end.

use super::{Audience, Claims, Consent, Cti, DataRange, Grant, Grantor, GrantorRole, Notice};
use super::{Status, StatusListRef, V1};
use crate::ClaimsError;

impl Claims {
    /// Starts building claims for `iss` about `sub` addressed to `aud`.
    ///
    /// ```
    /// use consentry::{Claims, Cti, Grant, Mode, Notice};
    /// let claims = Claims::builder("cm.example", "pp-7f3a", "tn.health")
    ///     .issued_at(1_700_000_000)
    ///     .expires(1_731_536_000)
    ///     .cti(Cti([1; 16]))
    ///     .notice(Notice { id: "n-1".into(), sha256: [0; 32], lang: "ta-IN".into() })
    ///     .grant(Grant::new("aa:101", ["/name", "/balance"], Mode::View))
    ///     .build()?;
    /// let cbor = claims.to_cbor()?;
    /// assert_eq!(Claims::from_cbor(&cbor)?, claims);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn builder(iss: &str, sub: &str, aud: impl Into<Audience>) -> ClaimsBuilder {
        ClaimsBuilder {
            iss: iss.to_owned(),
            sub: sub.to_owned(),
            aud: aud.into(),
            exp: None,
            nbf: None,
            iat: None,
            cti: None,
            status: None,
            basis: "consent".to_owned(),
            purposes: Vec::new(),
            notice: None,
            grantor: None,
            child: None,
            range: None,
        }
    }
}

/// Builder for [`Claims`]. `exp`, `iat`, `cti`, a notice and at least one grant are required.
#[derive(Clone, Debug)]
pub struct ClaimsBuilder {
    iss: String,
    sub: String,
    aud: Audience,
    exp: Option<i64>,
    nbf: Option<i64>,
    iat: Option<i64>,
    cti: Option<Cti>,
    status: Option<Status>,
    basis: String,
    purposes: Vec<Grant>,
    notice: Option<Notice>,
    grantor: Option<Grantor>,
    child: Option<bool>,
    range: Option<DataRange>,
}

impl ClaimsBuilder {
    /// Sets `exp`.
    #[must_use]
    pub fn expires(mut self, exp: i64) -> Self {
        self.exp = Some(exp);
        self
    }
    /// Sets `nbf`.
    #[must_use]
    pub fn not_before(mut self, nbf: i64) -> Self {
        self.nbf = Some(nbf);
        self
    }
    /// Sets `iat`.
    #[must_use]
    pub fn issued_at(mut self, iat: i64) -> Self {
        self.iat = Some(iat);
        self
    }
    /// Sets `cti`.
    #[must_use]
    pub fn cti(mut self, cti: Cti) -> Self {
        self.cti = Some(cti);
        self
    }
    /// Points at index `idx` of the status list published at `uri`.
    #[must_use]
    pub fn status(mut self, idx: u64, uri: &str) -> Self {
        self.status = Some(Status {
            status_list: StatusListRef {
                idx,
                uri: uri.to_owned(),
            },
        });
        self
    }
    /// Sets the legal basis (default `consent`).
    #[must_use]
    pub fn basis(mut self, basis: &str) -> Self {
        self.basis = basis.to_owned();
        self
    }
    /// Adds a grant.
    #[must_use]
    pub fn grant(mut self, grant: Grant) -> Self {
        self.purposes.push(grant);
        self
    }
    /// Sets the notice.
    #[must_use]
    pub fn notice(mut self, notice: Notice) -> Self {
        self.notice = Some(notice);
        self
    }
    /// Records who consented on the principal's behalf.
    #[must_use]
    pub fn grantor(mut self, role: GrantorRole, evidence: &str) -> Self {
        self.grantor = Some(Grantor {
            role,
            evidence: evidence.to_owned(),
        });
        self
    }
    /// Marks the principal as a child (or not).
    #[must_use]
    pub fn child(mut self, child: bool) -> Self {
        self.child = Some(child);
        self
    }
    /// Sets the period of the data covered.
    #[must_use]
    pub fn range(mut self, from: i64, to: i64) -> Self {
        self.range = Some(DataRange { from, to });
        self
    }

    /// Builds and validates the claims.
    pub fn build(self) -> Result<Claims, ClaimsError> {
        let missing = |c: &str| ClaimsError::Missing {
            claim: c.to_owned(),
        };
        let claims = Claims {
            iss: self.iss,
            sub: self.sub,
            aud: self.aud,
            exp: self.exp.ok_or_else(|| missing("exp"))?,
            nbf: self.nbf,
            iat: self.iat.ok_or_else(|| missing("iat"))?,
            cti: self.cti.ok_or_else(|| missing("cti"))?,
            status: self.status,
            consent: Consent {
                v: V1,
                basis: self.basis,
                purposes: self.purposes,
                notice: self.notice.ok_or_else(|| missing("consent.notice"))?,
                grantor: self.grantor,
                child: self.child,
                range: self.range,
            },
        };
        claims.validate()?;
        Ok(claims)
    }
}
