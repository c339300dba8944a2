//! SCOPE-BRAND, SCOPE-WINDOW, SCOPE-STAR: who may be nominated in which category.
//!
//! A category's scope is data: the nominee kind, the unit kinds (empty = any),
//! `requires_brand` and `requires_front_line`. The rule id reported is
//! `SCOPE-<CATEGORY ID IN CAPITALS>` (`SCOPE-BRAND` for the category `brand`).

use serde::Serialize;

use crate::model::{Category, Nomination, NomineeKind, Snapshot, Unit, UnitKind};

use super::refusal::{RefKind, Refusal};
use super::text::pick;

/// The category `given` names, by its id only: an unknown name and an alias (a
/// name or an old id that finds the category but is not its id) are refused into
/// `out`, since a record names its category by id.
pub fn category_exact<'a>(
    snapshot: &'a Snapshot,
    given: &str,
    out: &mut Vec<Refusal>,
) -> Option<&'a Category> {
    match snapshot.campaign.category(given) {
        None => {
            out.push(Refusal::Unknown {
                what: RefKind::Category,
                id: given.to_string(),
            });
            None
        }
        Some(c) if c.id != given => {
            out.push(Refusal::CategoryAlias {
                given: given.to_string(),
                id: c.id.clone(),
            });
            None
        }
        Some(c) => Some(c),
    }
}

/// Why a nomination does not fit its category.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "problem", rename_all = "snake_case")]
pub enum ScopeProblem {
    NomineeKind {
        expected: NomineeKind,
        found: NomineeKind,
    },
    UnitKind {
        allowed: Vec<UnitKind>,
        found: UnitKind,
    },
    BrandMissing,
    NotFrontLine,
}

fn kind_name(k: NomineeKind, zh: bool) -> &'static str {
    match (k, zh) {
        (NomineeKind::Organisation, true) => "單位",
        (NomineeKind::Organisation, false) => "an organisation",
        (NomineeKind::Person, true) => "個人",
        (NomineeKind::Person, false) => "a person",
    }
}

impl ScopeProblem {
    pub fn message(&self, zh: bool) -> String {
        match self {
            ScopeProblem::NomineeKind { expected, found } => pick(
                zh,
                format!(
                    "被推薦對象應為{}，實為{}",
                    kind_name(*expected, true),
                    kind_name(*found, true)
                ),
                format!(
                    "the nominee must be {}, not {}",
                    kind_name(*expected, false),
                    kind_name(*found, false)
                ),
            ),
            ScopeProblem::UnitKind { allowed, found } => {
                let lang = crate::i18n::Lang::of(zh);
                let kinds: Vec<&str> = allowed.iter().map(|k| lang.unit_kind(*k)).collect();
                let found = lang.unit_kind(*found);
                pick(
                    zh,
                    format!(
                        "推薦單位類型「{found}」不在本類別允許的類型（{}）之內",
                        kinds.join("、")
                    ),
                    format!(
                        "a unit of kind {found} may not nominate here (allowed: {})",
                        kinds.join(", ")
                    ),
                )
            }
            ScopeProblem::BrandMissing => pick(
                zh,
                "須填寫已確立的服務品牌名稱".into(),
                "the established service brand must be named".into(),
            ),
            ScopeProblem::NotFrontLine => pick(
                zh,
                "被推薦對象須在一線直接服務群眾".into(),
                "the nominee must serve the public at the front line".into(),
            ),
        }
    }
}

/// `SCOPE-BRAND` for the category `brand`.
pub fn scope_rule(category: &Category) -> String {
    format!("SCOPE-{}", category.id.to_ascii_uppercase())
}

/// Everything that keeps `nomination` out of `category`; `unit` is the nominating
/// unit when known.
pub fn scope_problems(
    category: &Category,
    unit: Option<&Unit>,
    nomination: &Nomination,
) -> Vec<ScopeProblem> {
    let mut out = Vec::new();
    if nomination.nominee.kind != category.nominee {
        out.push(ScopeProblem::NomineeKind {
            expected: category.nominee,
            found: nomination.nominee.kind,
        });
    }
    if let Some(u) = unit {
        if !category.unit_kinds.is_empty() && !category.unit_kinds.contains(&u.kind) {
            out.push(ScopeProblem::UnitKind {
                allowed: category.unit_kinds.clone(),
                found: u.kind,
            });
        }
    }
    let brand_named = nomination
        .brand
        .as_deref()
        .is_some_and(|b| !b.trim().is_empty());
    if category.requires_brand && !brand_named {
        out.push(ScopeProblem::BrandMissing);
    }
    if category.requires_front_line && !nomination.nominee.front_line {
        out.push(ScopeProblem::NotFrontLine);
    }
    out
}

/// The scope refusals of `nomination` (its category must exist; an unknown
/// category or unit is a reference refusal reported by the caller).
pub fn check_scope(snapshot: &Snapshot, nomination: &Nomination) -> Vec<Refusal> {
    let Some(category) = snapshot.campaign.category(&nomination.category) else {
        return Vec::new();
    };
    scope_problems(category, snapshot.unit(&nomination.unit), nomination)
        .into_iter()
        .map(|problem| Refusal::Scope {
            rule: scope_rule(category),
            nomination: nomination.id.clone(),
            category: category.id.clone(),
            problem,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::*;

    fn problems(n: &Nomination) -> Vec<ScopeProblem> {
        let s = snapshot();
        let c = s.campaign.category(&n.category).unwrap();
        scope_problems(c, s.unit(&n.unit), n)
    }

    #[test]
    fn fixture_nominations_fit() {
        for cat in ["brand", "window", "star"] {
            assert_eq!(problems(&nomination("x", cat, "town-a")), vec![]);
        }
    }

    #[test]
    fn scope_brand_requires_brand_name_and_organisation() {
        // SCOPE-BRAND
        let mut n = nomination("b", "brand", "town-a");
        n.brand = Some("  ".into());
        assert_eq!(problems(&n), vec![ScopeProblem::BrandMissing]);
        n.brand = None;
        n.nominee.kind = NomineeKind::Person;
        assert_eq!(problems(&n).len(), 2);
        let s = snapshot();
        let r = check_scope(&s, &n);
        assert_eq!(r[0].rule(), "SCOPE-BRAND");
    }

    #[test]
    fn scope_window_front_line_organisation_of_allowed_unit_kind() {
        // SCOPE-WINDOW
        let mut n = nomination("w", "window", "town-a");
        n.nominee.front_line = false;
        assert_eq!(problems(&n), vec![ScopeProblem::NotFrontLine]);
        let mut n = nomination("w", "window", "ent");
        assert!(matches!(problems(&n)[..], [ScopeProblem::UnitKind { .. }]));
        n.unit = "town-a".into();
        n.nominee.kind = NomineeKind::Person;
        assert!(matches!(
            problems(&n)[..],
            [ScopeProblem::NomineeKind { .. }]
        ));
    }

    #[test]
    fn scope_star_is_a_front_line_person() {
        // SCOPE-STAR
        let mut n = nomination("s", "star", "town-a");
        n.nominee.kind = NomineeKind::Organisation;
        n.nominee.front_line = false;
        let p = problems(&n);
        assert_eq!(p.len(), 2, "{p:?}");
        assert!(p[0].message(true).contains("個人"));
    }
}
