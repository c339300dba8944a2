//! Where each file lives in a campaign repository (DESIGN.md "The data repository").
//! Pure path arithmetic; every id is validated before it becomes part of a path.

use crate::model::{shard_of, validate_id, BadId};

pub const CAMPAIGN: &str = "campaign.ron";
pub const MEMBERS: &str = "members.ron";
pub const UNITS: &str = "units.ron";
pub const RULINGS: &str = "rulings.ron";
pub const NOMINATIONS: &str = "nominations";

pub const NOMINATION_FILE: &str = "nomination.ron";
pub const VOTES_FILE: &str = "votes.ron";
pub const DECISION_FILE: &str = "decision.ron";
pub const SCORES_DIR: &str = "scores";
pub const EVALUATIONS_DIR: &str = "evaluations";
pub const OPINIONS_DIR: &str = "opinions";
pub const OBJECTIONS_DIR: &str = "objections";

/// `nominations/<shard>/<id>`.
pub fn record_dir(id: &str) -> Result<String, BadId> {
    validate_id(id)?;
    Ok(format!("{NOMINATIONS}/{}/{id}", shard_of(id)))
}

pub fn nomination_path(id: &str) -> Result<String, BadId> {
    Ok(format!("{}/{NOMINATION_FILE}", record_dir(id)?))
}

pub fn score_path(id: &str, reviewer: &str) -> Result<String, BadId> {
    validate_id(reviewer)?;
    Ok(format!("{}/{SCORES_DIR}/{reviewer}.ron", record_dir(id)?))
}

/// `stem` is `<YYYYMMDD-HHMMSS>-<author>`.
pub fn evaluation_path(id: &str, stem: &str) -> Result<String, BadId> {
    validate_id(stem)?;
    Ok(format!("{}/{EVALUATIONS_DIR}/{stem}.ron", record_dir(id)?))
}

pub fn opinion_path(id: &str, department: &str) -> Result<String, BadId> {
    validate_id(department)?;
    Ok(format!(
        "{}/{OPINIONS_DIR}/{department}.ron",
        record_dir(id)?
    ))
}

pub fn votes_path(id: &str) -> Result<String, BadId> {
    Ok(format!("{}/{VOTES_FILE}", record_dir(id)?))
}

/// `stem` is `<YYYYMMDD-HHMMSS>-<n>`.
pub fn objection_path(id: &str, stem: &str) -> Result<String, BadId> {
    validate_id(stem)?;
    Ok(format!("{}/{OBJECTIONS_DIR}/{stem}.ron", record_dir(id)?))
}

pub fn decision_path(id: &str) -> Result<String, BadId> {
    Ok(format!("{}/{DECISION_FILE}", record_dir(id)?))
}

/// What a repository path holds, as far as the layout tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileKind {
    Campaign,
    Members,
    Units,
    Rulings,
    Nomination {
        id: String,
    },
    Score {
        id: String,
        reviewer: String,
    },
    Evaluation {
        id: String,
        stem: String,
    },
    Opinion {
        id: String,
        department: String,
    },
    Votes {
        id: String,
    },
    Objection {
        id: String,
        stem: String,
    },
    Decision {
        id: String,
    },
    /// Anything else: not part of a campaign.
    Other,
}

impl FileKind {
    /// The nomination this file belongs to.
    pub fn record(&self) -> Option<&str> {
        match self {
            FileKind::Nomination { id }
            | FileKind::Score { id, .. }
            | FileKind::Evaluation { id, .. }
            | FileKind::Opinion { id, .. }
            | FileKind::Votes { id }
            | FileKind::Objection { id, .. }
            | FileKind::Decision { id } => Some(id),
            _ => None,
        }
    }
}

/// Classifies a path relative to the repository root.
pub fn classify(path: &str) -> FileKind {
    match path {
        CAMPAIGN => return FileKind::Campaign,
        MEMBERS => return FileKind::Members,
        UNITS => return FileKind::Units,
        RULINGS => return FileKind::Rulings,
        _ => {}
    }
    // nominations/<shard>/<id>/<file> or nominations/<shard>/<id>/<dir>/<file>,
    // split in place (run for each of a campaign's ~190k files on a cold open)
    let mut parts = path.split('/');
    let (Some(NOMINATIONS), Some(shard), Some(id), Some(first)) =
        (parts.next(), parts.next(), parts.next(), parts.next())
    else {
        return FileKind::Other;
    };
    let (second, more) = (parts.next(), parts.next().is_some());
    if more || validate_id(id).is_err() || shard_of(id) != shard {
        return FileKind::Other;
    }
    let id = id.to_string();
    let stem = |name: &str| -> Option<String> {
        let stem = name.strip_suffix(".ron")?;
        validate_id(stem).ok()?;
        Some(stem.to_string())
    };
    match (first, second) {
        (NOMINATION_FILE, None) => FileKind::Nomination { id },
        (VOTES_FILE, None) => FileKind::Votes { id },
        (DECISION_FILE, None) => FileKind::Decision { id },
        (SCORES_DIR, Some(name)) => match stem(name) {
            Some(reviewer) => FileKind::Score { id, reviewer },
            None => FileKind::Other,
        },
        (EVALUATIONS_DIR, Some(name)) => match stem(name) {
            Some(stem) => FileKind::Evaluation { id, stem },
            None => FileKind::Other,
        },
        (OPINIONS_DIR, Some(name)) => match stem(name) {
            Some(department) => FileKind::Opinion { id, department },
            None => FileKind::Other,
        },
        (OBJECTIONS_DIR, Some(name)) => match stem(name) {
            Some(stem) => FileKind::Objection { id, stem },
            None => FileKind::Other,
        },
        _ => FileKind::Other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `classify` as it was written first (a list of the parts), to hold
    /// the in-place version to it.
    fn classify_by_list(path: &str) -> FileKind {
        match path {
            CAMPAIGN => return FileKind::Campaign,
            MEMBERS => return FileKind::Members,
            UNITS => return FileKind::Units,
            RULINGS => return FileKind::Rulings,
            _ => {}
        }
        let parts: Vec<&str> = path.split('/').collect();
        let (shard, id, rest) = match parts.as_slice() {
            [NOMINATIONS, shard, id, rest @ ..] => (*shard, *id, rest),
            _ => return FileKind::Other,
        };
        if validate_id(id).is_err() || shard_of(id) != shard {
            return FileKind::Other;
        }
        let id = id.to_string();
        let stem = |name: &str| -> Option<String> {
            let stem = name.strip_suffix(".ron")?;
            validate_id(stem).ok()?;
            Some(stem.to_string())
        };
        match rest {
            [NOMINATION_FILE] => FileKind::Nomination { id },
            [VOTES_FILE] => FileKind::Votes { id },
            [DECISION_FILE] => FileKind::Decision { id },
            [SCORES_DIR, name] => match stem(name) {
                Some(reviewer) => FileKind::Score { id, reviewer },
                None => FileKind::Other,
            },
            [EVALUATIONS_DIR, name] => match stem(name) {
                Some(stem) => FileKind::Evaluation { id, stem },
                None => FileKind::Other,
            },
            [OPINIONS_DIR, name] => match stem(name) {
                Some(department) => FileKind::Opinion { id, department },
                None => FileKind::Other,
            },
            [OBJECTIONS_DIR, name] => match stem(name) {
                Some(stem) => FileKind::Objection { id, stem },
                None => FileKind::Other,
            },
            _ => FileKind::Other,
        }
    }

    proptest::proptest! {
        #[test]
        fn classify_in_place_agrees_with_the_list_of_parts(
            in_record in proptest::bool::weighted(0.8),
            head in proptest::collection::vec(pieces(), 0..4),
            tail in proptest::collection::vec(pieces(), 0..4),
        ) {
            // mostly inside a real record folder, so both get past it
            let shard = shard_of("w-1");
            let mut parts: Vec<&str> = head;
            if in_record {
                parts = [NOMINATIONS, shard.as_str(), "w-1"].to_vec();
            }
            parts.extend(tail);
            let path = parts.join("/");
            proptest::prop_assert_eq!(classify(&path), classify_by_list(&path), "{}", path);
        }
    }

    fn pieces() -> proptest::sample::Select<&'static str> {
        proptest::sample::select(
            &[
                "nominations",
                "campaign.ron",
                "nomination.ron",
                "votes.ron",
                "decision.ron",
                "scores",
                "evaluations",
                "opinions",
                "objections",
                "a1.ron",
                "r-2.ron",
                "X.ron",
                ".ron",
                "",
                "w-1",
                "W-1",
                "7f",
                "00",
            ][..],
        )
    }

    #[test]
    fn paths_round_trip_through_classify() {
        let id = "2017-window-007";
        let cases = [
            (
                nomination_path(id).unwrap(),
                FileKind::Nomination { id: id.into() },
            ),
            (
                score_path(id, "zhangwei").unwrap(),
                FileKind::Score {
                    id: id.into(),
                    reviewer: "zhangwei".into(),
                },
            ),
            (
                evaluation_path(id, "20170915-093000-zhangwei").unwrap(),
                FileKind::Evaluation {
                    id: id.into(),
                    stem: "20170915-093000-zhangwei".into(),
                },
            ),
            (
                opinion_path(id, "xinfang").unwrap(),
                FileKind::Opinion {
                    id: id.into(),
                    department: "xinfang".into(),
                },
            ),
            (votes_path(id).unwrap(), FileKind::Votes { id: id.into() }),
            (
                objection_path(id, "20171205-100000-1").unwrap(),
                FileKind::Objection {
                    id: id.into(),
                    stem: "20171205-100000-1".into(),
                },
            ),
            (
                decision_path(id).unwrap(),
                FileKind::Decision { id: id.into() },
            ),
        ];
        for (path, kind) in cases {
            assert!(path.starts_with(&format!("nominations/{}/{id}/", shard_of(id))));
            assert_eq!(classify(&path), kind, "{path}");
        }
        assert_eq!(classify("campaign.ron"), FileKind::Campaign);
        assert_eq!(classify("README.md"), FileKind::Other);
        assert_eq!(classify("nominations/zz/x/nomination.ron"), FileKind::Other);
    }

    #[test]
    fn bad_ids_never_become_paths() {
        assert!(record_dir("../etc").is_err());
        assert!(score_path("ok", "../../x").is_err());
        assert!(opinion_path("ok", ".git").is_err());
    }
}
