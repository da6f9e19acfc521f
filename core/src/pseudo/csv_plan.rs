//! A policy applied to CSV rows: a header planned once ([`CsvPlan`]), then every row.

use std::ops::Deref;

use super::engine::{find_key, sort_keys, Pseudonymiser};
use super::error::PseudoError;
use super::names::fold_column_name;
use super::policy::{FieldRule, TransformSpec, Unlisted};
use crate::ids::{self, IdType};
use crate::scope::Segment as Seg;

impl Pseudonymiser {
    /// The rule index a column name selects exactly (`x`, `/x`, or `/*`).
    fn column_rule(&self, name: &str) -> Option<usize> {
        find_key(&self.columns, name).or(self.any_column)
    }

    /// The rule of policy key `field` as [`Pseudonymiser::transform_value`] finds it (a
    /// one-step key is found by either spelling, `x` or `/x`); `None` when the policy has no
    /// such key. For faces that plan a column of values once (Arrow).
    pub fn field_rule(&self, field: &str) -> Option<&FieldRule> {
        find_key(&self.index, field).and_then(|i| self.policy.fields().get(i))
    }

    /// The rule index a column name resembles ([`fold_column_name`]), when it selects none.
    fn near_miss_rule(&self, name: &str) -> Option<usize> {
        find_key(&self.folded, &fold_column_name(name))
    }

    /// Plans the transformation of CSV rows with this header: which column gets which rule,
    /// which are dropped, and the output header. Policy keys match a column when they are the
    /// column name, `/` + the (escaped) column name, or `/*`. With `"unlisted": "keep"`, a
    /// column whose name is a near miss of a policy key ([`fold_column_name`]) is refused
    /// ([`PseudoError::ColumnNearMiss`]); see [`Pseudonymiser::csv_plan_with`] to fold instead.
    /// Cost linear in the number of columns.
    pub fn csv_plan<S: AsRef<str>>(&self, header: &[S]) -> Result<CsvPlan<&Self>, PseudoError> {
        CsvPlan::new(self, header, CsvOptions::default())
    }

    /// [`Pseudonymiser::csv_plan`] with options: reversal, folding of near-miss column names.
    pub fn csv_plan_with<S: AsRef<str>>(
        &self,
        header: &[S],
        options: CsvOptions,
    ) -> Result<CsvPlan<&Self>, PseudoError> {
        CsvPlan::new(self, header, options)
    }

    /// Transforms one CSV row given its header (plans on every call; for many rows, use
    /// [`Pseudonymiser::csv_plan`] once). Empty cells stay empty.
    pub fn apply_csv_row<S: AsRef<str>, T: AsRef<str>>(
        &self,
        header: &[S],
        row: &[T],
    ) -> Result<Vec<String>, PseudoError> {
        self.csv_plan(header)?.apply_row(row)
    }

    /// Reverses the `token` and `ff1` cells of a pseudonymised CSV row; `header` is the output
    /// header ([`CsvPlan::header`]). Other cells are returned unchanged. Plans on every call;
    /// for many rows, use [`Pseudonymiser::csv_plan_with`] and [`CsvOptions::reverse`] once.
    pub fn reverse_csv_row<S: AsRef<str>, T: AsRef<str>>(
        &self,
        header: &[S],
        row: &[T],
    ) -> Result<Vec<String>, PseudoError> {
        self.csv_plan_with(header, CsvOptions::default().reverse(true))?
            .apply_row(row)
    }
}

/// Options of a [`CsvPlan`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct CsvOptions {
    reverse: bool,
    fold_column_names: bool,
}

impl CsvOptions {
    /// Restore `token` and `ff1` cells instead of applying the policy; the header is the
    /// pseudonymised file's and is kept as it is. A near-miss column is refused
    /// ([`PseudoError::ColumnNearMiss`]) whatever `"unlisted"` says (reversal keeps every
    /// column it does not restore), unless [`CsvOptions::fold_column_names`].
    pub fn reverse(mut self, yes: bool) -> Self {
        self.reverse = yes;
        self
    }

    /// Treat a column whose name is a near miss of a policy key ([`fold_column_name`]) as that
    /// key instead of refusing it.
    pub fn fold_column_names(mut self, yes: bool) -> Self {
        self.fold_column_names = yes;
        self
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Col {
    /// Passed through; `unlisted` when no policy key selects it.
    Keep {
        unlisted: bool,
    },
    Drop,
    Apply {
        rule: usize,
        subject: Option<usize>,
    },
    Reverse {
        rule: usize,
    },
}

/// What a [`CsvPlan`] does with one input column ([`CsvPlan::columns`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlannedColumn<'a> {
    /// Passed through unchanged and never read, unless it is another column's `shift`
    /// subject; `unlisted` when no policy key selects it.
    Keep {
        /// No policy key selects the column (`"unlisted": "keep"`).
        unlisted: bool,
    },
    /// Left out of the output.
    Drop,
    /// Transformed by `rule`; a `shift` rule also reads the column at position `subject`.
    Apply {
        /// The policy rule.
        rule: &'a FieldRule,
        /// The position of the `shift` subject column.
        subject: Option<usize>,
    },
    /// Restored by `rule` (a plan for reversal).
    Reverse {
        /// The policy rule.
        rule: &'a FieldRule,
    },
}

/// A CSV header resolved against a policy (see [`Pseudonymiser::csv_plan`]): build once per
/// header, then transform every row with it. `P` is how the plan holds its pseudonymiser (a
/// reference, or an `Arc` for a plan that outlives the borrow).
#[derive(Debug)]
pub struct CsvPlan<P> {
    pub(super) ps: P,
    cols: Vec<Col>,
    header: Vec<String>,
    /// Positions of the columns a policy key names (by name, or folded when folding).
    pub(super) listed: Vec<usize>,
    /// Policy key or column name → column position, sorted by [`sort_keys`] (first wins):
    /// which cell an error's field names, for [`super::OnError::NullField`].
    pub(super) positions: Vec<(String, usize)>,
}

impl<P: Deref<Target = Pseudonymiser>> CsvPlan<P> {
    /// Plans `header` for `ps` (see [`Pseudonymiser::csv_plan`]). A column named twice is
    /// [`PseudoError::DuplicateColumn`].
    pub fn new<S: AsRef<str>>(
        ps: P,
        header: &[S],
        options: CsvOptions,
    ) -> Result<CsvPlan<P>, PseudoError> {
        let names: Vec<&str> = header.iter().map(AsRef::as_ref).collect();
        let mut positions: Vec<(String, usize)> = names
            .iter()
            .enumerate()
            .map(|(i, n)| ((*n).to_owned(), i))
            .collect();
        sort_keys(&mut positions);
        if let Some([(dup, _), _]) = positions
            .windows(2)
            .find(|w| matches!(w, [(a, _), (b, _)] if a == b))
        {
            return Err(PseudoError::DuplicateColumn {
                column: dup.clone(),
            });
        }
        let p: &Pseudonymiser = &ps;
        let keep_unlisted = p.policy.unlisted() == Unlisted::Keep;
        // Folded column names → position, for `shift` subjects when folding (first wins).
        let mut folded_positions: Vec<(String, usize)> = Vec::new();
        if options.fold_column_names {
            folded_positions = names
                .iter()
                .enumerate()
                .map(|(i, n)| (fold_column_name(n), i))
                .collect();
            sort_keys(&mut folded_positions);
        }
        let mut cols = Vec::with_capacity(names.len());
        let mut out_header = Vec::with_capacity(names.len());
        for name in &names {
            let mut found = p.column_rule(name);
            if found.is_none() {
                if let Some(i) = p.near_miss_rule(name) {
                    if options.fold_column_names {
                        found = Some(i);
                    } else if keep_unlisted || options.reverse {
                        // Reversal keeps every column it does not restore, so a near miss
                        // would leave its pseudonymised values in place: refused as forward.
                        let field = p.policy.fields().get(i).map(|r| r.name.clone());
                        return Err(PseudoError::ColumnNearMiss {
                            column: (*name).to_owned(),
                            field: field.unwrap_or_default(),
                        });
                    }
                }
            }
            let rule = found.and_then(|i| p.policy.fields().get(i).map(|r| (i, r)));
            let col = match rule {
                None if options.reverse => Col::Keep { unlisted: false },
                None if keep_unlisted => Col::Keep { unlisted: true },
                None => Col::Drop,
                Some((i, r)) if options.reverse => {
                    if r.is_reversible() {
                        Col::Reverse { rule: i }
                    } else {
                        Col::Keep { unlisted: false }
                    }
                }
                Some((_, r)) if r.transform == TransformSpec::Drop => Col::Drop,
                Some((_, r)) if r.transform == TransformSpec::Keep => Col::Keep { unlisted: false },
                Some((i, r)) => {
                    let subject = match &r.transform {
                        TransformSpec::Shift(s) => {
                            let pos = match s.subject.segments() {
                                [Seg::Key(x)] => find_key(&positions, x)
                                    .or_else(|| find_key(&folded_positions, &fold_column_name(x))),
                                _ => None,
                            };
                            Some(pos.ok_or_else(|| PseudoError::MissingSubject {
                                field: r.name.clone(),
                            })?)
                        }
                        _ => None,
                    };
                    Col::Apply { rule: i, subject }
                }
            };
            if col != Col::Drop {
                out_header.push((*name).to_owned());
            }
            cols.push(col);
        }
        let (listed, positions) = field_columns(p, &names, options.fold_column_names);
        Ok(CsvPlan {
            ps,
            cols,
            header: out_header,
            listed,
            positions,
        })
    }

    /// The output header (dropped columns removed; for reversal, the input header).
    pub fn header(&self) -> &[String] {
        &self.header
    }

    /// What the plan does with each input column, in header order: for faces that hold their
    /// rows as typed columns (Arrow) and must know which columns are read.
    pub fn columns(&self) -> impl Iterator<Item = PlannedColumn<'_>> + '_ {
        let ps: &Pseudonymiser = &self.ps;
        self.cols.iter().map(move |c| {
            let rule = |i: usize| ps.policy.fields().get(i);
            match *c {
                Col::Keep { unlisted } => PlannedColumn::Keep { unlisted },
                Col::Drop => PlannedColumn::Drop,
                Col::Apply { rule: i, subject } => match rule(i) {
                    Some(rule) => PlannedColumn::Apply { rule, subject },
                    None => PlannedColumn::Drop,
                },
                Col::Reverse { rule: i } => match rule(i) {
                    Some(rule) => PlannedColumn::Reverse { rule },
                    None => PlannedColumn::Drop,
                },
            }
        })
    }

    /// The positions (in the input header) of the columns named by a policy key as written
    /// (or, with [`CsvOptions::fold_column_names`], by its folded form): the cells counted as
    /// values in [`CsvPlan::apply_row_on_error`]. Empty when no column is named in the policy.
    pub fn listed_columns(&self) -> &[usize] {
        &self.listed
    }

    /// The positions (in the input header) of the columns no policy key selects and that
    /// are kept (`"unlisted": "keep"`).
    pub fn unlisted_columns(&self) -> impl Iterator<Item = usize> + '_ {
        self.cols
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, Col::Keep { unlisted: true }))
            .map(|(i, _)| i)
    }

    /// The positions of the unlisted kept columns ([`CsvPlan::unlisted_columns`]) whose cell
    /// in `row` holds a valid Aadhaar number ([`crate::ids::detect`]: Verhoeff checked), so
    /// that a caller can warn that identifiers leave untransformed. Never the values.
    pub fn unlisted_aadhaar<T: AsRef<str>>(&self, row: &[T]) -> Vec<usize> {
        self.unlisted_columns()
            .filter(|&i| {
                row.get(i).is_some_and(|c| {
                    ids::detect(c.as_ref())
                        .iter()
                        .any(|s| s.kind == IdType::Aadhaar)
                })
            })
            .collect()
    }

    /// Transforms (or, planned for reversal, restores) one row. Empty cells stay empty; errors
    /// name the field.
    pub fn apply_row<T: AsRef<str>>(&self, row: &[T]) -> Result<Vec<String>, PseudoError> {
        if row.len() != self.cols.len() {
            return Err(PseudoError::RowLength {
                expected: self.cols.len(),
                actual: row.len(),
            });
        }
        let ps: &Pseudonymiser = &self.ps;
        let rule_at = |i: usize| ps.policy.fields().get(i).ok_or(PseudoError::Internal);
        let mut out = Vec::with_capacity(self.header.len());
        for (col, cell) in self.cols.iter().zip(row) {
            let cell = cell.as_ref();
            match col {
                Col::Drop => {}
                Col::Keep { .. } => out.push(cell.to_owned()),
                Col::Apply { .. } | Col::Reverse { .. } if cell.is_empty() => {
                    out.push(String::new());
                }
                Col::Reverse { rule } => out.push(ps.reverse_rule(rule_at(*rule)?, cell)?),
                Col::Apply { rule, subject } => {
                    let r = rule_at(*rule)?;
                    let subject = match subject {
                        Some(j) => Some(
                            row.get(*j)
                                .map(AsRef::as_ref)
                                .filter(|s| !s.is_empty())
                                .ok_or_else(|| PseudoError::MissingSubject {
                                    field: r.name.clone(),
                                })?,
                        ),
                        None => None,
                    };
                    if let Some(v) = ps.apply_rule(r, cell, subject)? {
                        out.push(v);
                    }
                }
            }
        }
        Ok(out)
    }
}

/// The columns a policy key names as written (or folded), and the table from policy key or
/// column name to column position: header names first, then (folding) each policy key at the
/// first column that folds to it.
fn field_columns(
    p: &Pseudonymiser,
    names: &[&str],
    fold: bool,
) -> (Vec<usize>, Vec<(String, usize)>) {
    let mut keys: Vec<(String, usize)> = p
        .policy
        .fields()
        .iter()
        .enumerate()
        .map(|(i, f)| (f.name.clone(), i))
        .collect();
    sort_keys(&mut keys);
    let mut by_fold: Vec<(String, usize)> = Vec::new();
    if fold {
        by_fold = p
            .policy
            .fields()
            .iter()
            .enumerate()
            .map(|(i, f)| (fold_column_name(&f.name), i))
            .collect();
        sort_keys(&mut by_fold);
    }
    let folded: Vec<Option<usize>> = names
        .iter()
        .map(|n| {
            if fold {
                find_key(&by_fold, &fold_column_name(n))
            } else {
                None
            }
        })
        .collect();
    let listed = names
        .iter()
        .zip(&folded)
        .enumerate()
        .filter(|(_, (n, f))| find_key(&keys, n).is_some() || f.is_some())
        .map(|(i, _)| i)
        .collect();
    let mut positions: Vec<(String, usize)> = names
        .iter()
        .enumerate()
        .map(|(i, n)| ((*n).to_owned(), i))
        .collect();
    for (i, f) in folded.iter().enumerate() {
        if let Some(rule) = f.and_then(|r| p.policy.fields().get(r)) {
            positions.push((rule.name.clone(), i));
        }
    }
    sort_keys(&mut positions);
    (listed, positions)
}
