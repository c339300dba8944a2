//! The inverse of [`plan`](super::plan::plan): the one action a change of one
//! file amounts to (EVERY-CHANGE). The audit reconstructs the action from the
//! file's two versions, puts it through the rules, then plans it again on the
//! parent's snapshot and requires the plan to write exactly that file with
//! exactly that content: a change no action makes is a violation, whatever
//! its author meant by it.
//!
//! Every match here is exhaustive, so a new file kind or action kind cannot be
//! forgotten on one side of the pair.

use serde::de::DeserializeOwned;

use super::codec::from_ron;
use super::layout::FileKind;
use crate::model::{
    Action, Campaign, Decision, Evaluation, Member, Nomination, Objection, ObjectionStatus,
    Opinion, Rulings, Score, Unit, Votes,
};

/// Why a change of a file is not an action.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NotAction {
    /// No action removes a file.
    Deleted,
    /// The new version does not parse as what the path holds.
    Unparsable,
    /// The file is not part of the campaign's layout.
    NotACampaignFile,
    /// An objection changed other than by the chair's resolution of an open one.
    ObjectionEdited,
    /// An evaluation is written once, under the time it was made.
    EvaluationRewritten,
    /// `rulings.ron` changed in a way no single ruling makes (something removed).
    RulingsEdited,
    /// `rulings.ron` changed by several rulings at once.
    SeveralRulings(usize),
}

impl NotAction {
    pub fn message(&self, zh: bool) -> String {
        match (self, zh) {
            (NotAction::Deleted, false) => "deletes the file; no action removes a record".into(),
            (NotAction::Deleted, true) => "刪除了文件；沒有任何操作會刪除記錄".into(),
            (NotAction::Unparsable, false) => "the new version does not parse".into(),
            (NotAction::Unparsable, true) => "新版本無法解析".into(),
            (NotAction::NotACampaignFile, false) => "not a campaign file".into(),
            (NotAction::NotACampaignFile, true) => "不屬於評選數據".into(),
            (NotAction::ObjectionEdited, false) => {
                "changes an objection; only the chair's resolution of an open objection may".into()
            }
            (NotAction::ObjectionEdited, true) => {
                "改動了異議；只有主任對未決異議的裁決可以改動它".into()
            }
            (NotAction::EvaluationRewritten, false) => {
                "rewrites an evaluation; an evaluation is written once".into()
            }
            (NotAction::EvaluationRewritten, true) => "改寫了測評記錄；測評只寫一次".into(),
            (NotAction::RulingsEdited, false) => {
                "changes rulings.ron in a way no ruling does (a ruling removed or edited)".into()
            }
            (NotAction::RulingsEdited, true) => {
                "rulings.ron 的改動不是任何一項裁定（刪除或改寫了已有裁定）".into()
            }
            (NotAction::SeveralRulings(n), false) => {
                format!("makes {n} rulings in one commit; each action is its own commit")
            }
            (NotAction::SeveralRulings(n), true) => {
                format!("一個提交做了 {n} 項裁定；每項操作應是單獨的提交")
            }
        }
    }
}

fn parse<T: DeserializeOwned>(path: &str, bytes: Option<&[u8]>) -> Option<T> {
    bytes.and_then(|b| from_ron(path, b).ok())
}

fn need<T: DeserializeOwned>(path: &str, bytes: Option<&[u8]>) -> Result<T, NotAction> {
    parse(path, bytes).ok_or(NotAction::Unparsable)
}

/// The action a change of the file at `path` (of kind `kind`) from `old` to
/// `new` amounts to (`None`: absent). The nomination a record file belongs to
/// comes from the path.
pub fn reconstruct(
    kind: &FileKind,
    path: &str,
    old: Option<&[u8]>,
    new: Option<&[u8]>,
) -> Result<Action, NotAction> {
    if new.is_none() {
        // The one deletion an action makes: a reviewer withdraws a score.
        return match kind {
            FileKind::Score { id, reviewer } if old.is_some() => Ok(Action::Withdraw {
                nomination: id.clone(),
                reviewer: reviewer.clone(),
            }),
            _ => Err(NotAction::Deleted),
        };
    }
    match kind {
        FileKind::Campaign => Ok(Action::Campaign(Box::new(need::<Campaign>(path, new)?))),
        FileKind::Members => Ok(Action::Members(need::<Vec<Member>>(path, new)?)),
        FileKind::Units => Ok(Action::Units(need::<Vec<Unit>>(path, new)?)),
        FileKind::Rulings => {
            let b: Rulings = need(path, new)?;
            let a: Rulings = parse(path, old).unwrap_or_default();
            let mut actions = ruling_actions(&a, &b);
            match actions.len() {
                1 => actions.pop().ok_or(NotAction::RulingsEdited),
                0 => Err(NotAction::RulingsEdited),
                n => Err(NotAction::SeveralRulings(n)),
            }
        }
        FileKind::Nomination { .. } => {
            let b: Nomination = need(path, new)?;
            Ok(match parse::<Nomination>(path, old) {
                None => Action::Nominate(b),
                Some(a) => nomination_action(a, b),
            })
        }
        FileKind::Score { id, .. } => Ok(Action::Score {
            nomination: id.clone(),
            score: need(path, new)?,
        }),
        FileKind::Evaluation { id, .. } => {
            if old.is_some() {
                return Err(NotAction::EvaluationRewritten);
            }
            Ok(Action::Evaluate {
                nomination: id.clone(),
                evaluation: need(path, new)?,
            })
        }
        FileKind::Opinion { id, .. } => Ok(Action::Opinion {
            nomination: id.clone(),
            opinion: need(path, new)?,
        }),
        FileKind::Votes { id } => Ok(Action::Vote {
            nomination: id.clone(),
            votes: need(path, new)?,
        }),
        FileKind::Decision { id } => {
            let b: Decision = need(path, new)?;
            // FREEZE: the same decision with a reopening added is the chair's `reopen`.
            if let (Some(a), Some(r)) = (parse::<Decision>(path, old), b.reopened.clone()) {
                let mut unreopened = b.clone();
                unreopened.reopened = None;
                if a.reopened.is_none() && unreopened == a {
                    return Ok(Action::Reopen {
                        nomination: id.clone(),
                        reason: r.reason,
                        date: r.date,
                    });
                }
            }
            Ok(Action::Decide {
                nomination: id.clone(),
                decision: b,
            })
        }
        FileKind::Objection { id, stem } => {
            let b: Objection = need(path, new)?;
            match parse::<Objection>(path, old) {
                None if old.is_none() => Ok(Action::Object {
                    nomination: id.clone(),
                    objection: b,
                }),
                None => Err(NotAction::ObjectionEdited),
                Some(a) => {
                    let resolved =
                        a.status == ObjectionStatus::Open && b.status != ObjectionStatus::Open;
                    match (resolved, b.resolution.clone()) {
                        (true, Some(r)) => Ok(Action::Resolve {
                            nomination: id.clone(),
                            objection: stem.clone(),
                            upheld: b.status == ObjectionStatus::Upheld,
                            reason: r.reason,
                            date: r.date,
                        }),
                        (true, None) | (false, _) => Err(NotAction::ObjectionEdited),
                    }
                }
            }
        }
        FileKind::Other => Err(NotAction::NotACampaignFile),
    }
}

/// Whether two versions of a file at `path` hold the same value (formatting
/// and comments aside). Both must parse.
pub fn same_content(kind: &FileKind, path: &str, a: &[u8], b: &[u8]) -> bool {
    fn eq<T: DeserializeOwned + PartialEq>(path: &str, a: &[u8], b: &[u8]) -> bool {
        match (from_ron::<T>(path, a), from_ron::<T>(path, b)) {
            (Ok(x), Ok(y)) => x == y,
            _ => false,
        }
    }
    match kind {
        FileKind::Campaign => eq::<Campaign>(path, a, b),
        FileKind::Members => eq::<Vec<Member>>(path, a, b),
        FileKind::Units => eq::<Vec<Unit>>(path, a, b),
        FileKind::Rulings => eq::<Rulings>(path, a, b),
        FileKind::Nomination { .. } => eq::<Nomination>(path, a, b),
        FileKind::Score { .. } => eq::<Score>(path, a, b),
        FileKind::Evaluation { .. } => eq::<Evaluation>(path, a, b),
        FileKind::Opinion { .. } => eq::<Opinion>(path, a, b),
        FileKind::Votes { .. } => eq::<Votes>(path, a, b),
        FileKind::Objection { .. } => eq::<Objection>(path, a, b),
        FileKind::Decision { .. } => eq::<Decision>(path, a, b),
        FileKind::Other => a == b,
    }
}

/// The member a record file names as its author (`None` for the files no
/// single member owns: nominations and the top-level files).
pub fn owner(kind: &FileKind, path: &str, bytes: Option<&[u8]>) -> Option<String> {
    match kind {
        FileKind::Score { .. } => parse::<Score>(path, bytes).map(|s| s.reviewer),
        FileKind::Evaluation { .. } => parse::<Evaluation>(path, bytes).map(|e| e.author),
        FileKind::Opinion { .. } => parse::<Opinion>(path, bytes).map(|o| o.recorded_by),
        FileKind::Votes { .. } => parse::<Votes>(path, bytes).map(|v| v.recorded_by),
        FileKind::Objection { .. } => parse::<Objection>(path, bytes).map(|o| o.recorded_by),
        FileKind::Decision { .. } => parse::<Decision>(path, bytes).map(|d| d.by),
        FileKind::Campaign
        | FileKind::Members
        | FileKind::Units
        | FileKind::Rulings
        | FileKind::Nomination { .. }
        | FileKind::Other => None,
    }
}

/// An edit of an existing nomination: one activity or supervisor appended, the
/// form filed, or else a re-registration.
fn nomination_action(a: Nomination, b: Nomination) -> Action {
    let id = b.id.clone();
    let same_but = |edit: &dyn Fn(&mut Nomination)| {
        let mut x = b.clone();
        edit(&mut x);
        x == a
    };
    if b.activities.len() == a.activities.len() + 1
        && same_but(&|x| {
            x.activities.pop();
        })
    {
        if let Some(activity) = b.activities.last().cloned() {
            return Action::Activity {
                nomination: id,
                activity,
            };
        }
    }
    if b.supervisors.len() == a.supervisors.len() + 1
        && same_but(&|x| {
            x.supervisors.pop();
        })
    {
        if let Some(supervisor) = b.supervisors.last().cloned() {
            return Action::Supervisor {
                nomination: id,
                supervisor,
            };
        }
    }
    if let Some(date) = b.form_filed {
        if a.form_filed != b.form_filed && same_but(&|x| x.form_filed = a.form_filed) {
            return Action::FileForm {
                nomination: id,
                date,
            };
        }
    }
    Action::Nominate(b)
}

/// The rulings that turn `a` into `b`, each added or (a tie order, a
/// category's notice) replaced; removals are no ruling and show as none.
pub fn ruling_actions(a: &Rulings, b: &Rulings) -> Vec<Action> {
    let mut out = Vec::new();
    for n in &b.notices {
        if !a.notices.contains(n) {
            out.push(Action::Publish(n.clone()));
        }
    }
    for o in &b.overrides {
        if !a.overrides.contains(o) {
            out.push(Action::Override(o.clone()));
        }
    }
    for e in &b.exceptions {
        if !a.exceptions.contains(e) {
            out.push(Action::Exception(e.clone()));
        }
    }
    for (category, order) in &b.tie_orders {
        if a.tie_orders.get(category) != Some(order) {
            out.push(Action::TieOrder {
                category: category.clone(),
                order: order.clone(),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::*;
    use crate::rules::fixture;
    use crate::store::layout::classify;
    use crate::store::plan::{apply, plan};
    use proptest::prelude::*;

    /// Plans `action` on `snap`, then reconstructs it from the file it writes.
    fn round_trip(snap: &Snapshot, actor: &str, action: &Action) -> Result<Action, NotAction> {
        let when = fixture::time(9, 20);
        let changes = plan(Some(snap), actor, &when, action).expect("plan");
        assert_eq!(changes.len(), 1, "{action:?} writes one file");
        let c = &changes[0];
        let kind = classify(&c.path);
        let old = old_bytes(snap, &kind);
        let new = c.content.as_deref().map(str::as_bytes);
        let back = reconstruct(&kind, &c.path, old.as_deref(), new)?;
        // And the reconstructed action plans to the very same file.
        let again = plan(Some(snap), actor, &when, &back).expect("plan again");
        assert_eq!(again.len(), 1);
        assert_eq!(again[0].path, c.path);
        match (again[0].content.as_deref(), new) {
            (Some(a), Some(b)) => {
                assert!(same_content(&kind, &c.path, a.as_bytes(), b), "{action:?}")
            }
            (a, b) => assert!(a.is_none() && b.is_none(), "{action:?}"),
        }
        Ok(back)
    }

    /// The bytes `snap` holds at the file `kind` names.
    fn old_bytes(snap: &Snapshot, kind: &FileKind) -> Option<Vec<u8>> {
        use crate::store::codec::to_ron;
        let text = |r: Result<String, _>| r.ok().map(String::into_bytes);
        let rec = |id: &str| snap.records.get(id);
        match kind {
            FileKind::Campaign => text(to_ron(&snap.campaign)),
            FileKind::Members => text(to_ron(&snap.members)),
            FileKind::Units => text(to_ron(&snap.units)),
            FileKind::Rulings => text(to_ron(&snap.rulings)),
            FileKind::Nomination { id } => rec(id).and_then(|r| text(to_ron(&r.nomination))),
            FileKind::Score { id, reviewer } => rec(id)
                .and_then(|r| r.scores.get(reviewer))
                .and_then(|v| text(to_ron(v))),
            FileKind::Evaluation { id, stem } => rec(id)
                .and_then(|r| r.evaluations.get(stem))
                .and_then(|v| text(to_ron(v))),
            FileKind::Opinion { id, department } => rec(id)
                .and_then(|r| r.opinions.get(department))
                .and_then(|v| text(to_ron(v))),
            FileKind::Votes { id } => rec(id)
                .and_then(|r| r.votes.as_ref())
                .and_then(|v| text(to_ron(v))),
            FileKind::Objection { id, stem } => rec(id)
                .and_then(|r| r.objections.get(stem))
                .and_then(|v| text(to_ron(v))),
            FileKind::Decision { id } => rec(id)
                .and_then(|r| r.decision.as_ref())
                .and_then(|v| text(to_ron(v))),
            FileKind::Other => None,
        }
    }

    const W: &str = "2017-window-001";

    fn base() -> Snapshot {
        let mut s = fixture::snapshot();
        fixture::add(&mut s, fixture::nomination(W, "window", "win-0"));
        let rec = s.records.get_mut(W).expect("record");
        rec.objections.insert(
            "20170920-100000-1".into(),
            fixture::objection(false, ObjectionStatus::Open),
        );
        // A score to withdraw and a decision to reopen.
        let cat = s.campaign.category("window").expect("window").clone();
        let rec = s.records.get_mut(W).expect("record");
        rec.scores
            .insert("r2".into(), fixture::uniform_score(&cat, "r2", 0.5));
        rec.decision = Some(fixture::decision(
            Outcome::Candidate,
            "chair",
            fixture::day(11, 20),
        ));
        s
    }

    fn text() -> impl Strategy<Value = String> {
        "[a-z0-9 ]{0,12}"
    }

    fn date() -> impl Strategy<Value = chrono::NaiveDate> {
        (6u32..=12, 1u32..=28).prop_map(|(m, d)| fixture::day(m, d))
    }

    /// One action of every kind but `Setup` (three files; see the test below),
    /// with generated content.
    fn action() -> impl Strategy<Value = Action> {
        let kinds: Vec<ActionKind> = ActionKind::ALL
            .into_iter()
            .filter(|k| *k != ActionKind::Setup)
            .collect();
        (
            proptest::sample::select(kinds),
            text(),
            date(),
            0u32..50,
            any::<bool>(),
            (0u32..=10).prop_map(f64::from),
        )
            .prop_map(|(kind, t, d, n, flag, p)| make(kind, &t, d, n, flag, p))
    }

    /// An action of `kind` built from the generated values; every kind named,
    /// no wildcard.
    fn make(kind: ActionKind, t: &str, d: chrono::NaiveDate, n: u32, flag: bool, p: f64) -> Action {
        let snap = base();
        match kind {
            ActionKind::Setup => Action::Setup {
                campaign: snap.campaign.clone(),
                members: snap.members.clone(),
                units: snap.units.clone(),
            },
            ActionKind::Nominate => {
                let mut nom =
                    fixture::nomination(&format!("2017-window-{:03}", n + 2), "window", "win-1");
                nom.deeds = t.to_string();
                Action::Nominate(nom)
            }
            ActionKind::Activity => Action::Activity {
                nomination: W.into(),
                activity: Activity {
                    date: d,
                    summary: t.to_string(),
                },
            },
            ActionKind::Supervisor => Action::Supervisor {
                nomination: W.into(),
                supervisor: Supervisor {
                    name: format!("s{n}"),
                    affiliation: t.to_string(),
                },
            },
            ActionKind::FileForm => Action::FileForm {
                nomination: W.into(),
                date: d,
            },
            ActionKind::Score => Action::Score {
                nomination: W.into(),
                score: score(&snap, t, p),
            },
            ActionKind::Evaluate => Action::Evaluate {
                nomination: W.into(),
                evaluation: evaluation(t, d, p),
            },
            ActionKind::Opinion => Action::Opinion {
                nomination: W.into(),
                opinion: opinion(t, d, flag),
            },
            ActionKind::Vote => Action::Vote {
                nomination: W.into(),
                votes: fixture::votes(n, n / 2, n / 3),
            },
            ActionKind::Object => Action::Object {
                nomination: W.into(),
                objection: {
                    let mut o = fixture::objection(flag, ObjectionStatus::Open);
                    o.text = t.to_string();
                    o
                },
            },
            ActionKind::Resolve => Action::Resolve {
                nomination: W.into(),
                objection: "20170920-100000-1".into(),
                upheld: flag,
                reason: t.to_string(),
                date: d,
            },
            ActionKind::Decide => Action::Decide {
                nomination: W.into(),
                decision: decision(t, d, flag),
            },
            ActionKind::Publish => Action::Publish(fixture::notice("window", &[W], d)),
            ActionKind::Override => Action::Override(PhaseOverride {
                phase: "review".into(),
                start: d,
                end: d,
                reason: t.to_string(),
                by: "chair".into(),
                date: d,
            }),
            ActionKind::Exception => Action::Exception(Exception {
                nomination: W.into(),
                rule: "REG-DEADLINE".into(),
                until: d,
                reason: t.to_string(),
                by: "chair".into(),
                date: d,
            }),
            ActionKind::TieOrder => Action::TieOrder {
                category: "window".into(),
                order: vec![W.into(), format!("2017-window-{:03}", n + 2)],
            },
            ActionKind::Members => Action::Members(members(&snap, t)),
            ActionKind::Units => Action::Units(units(&snap, t)),
            ActionKind::Campaign => Action::Campaign(Box::new(campaign(&snap, t, n))),
            ActionKind::Reopen => Action::Reopen {
                nomination: W.into(),
                reason: format!("r{t}"),
                date: d,
            },
            ActionKind::Withdraw => Action::Withdraw {
                nomination: W.into(),
                reviewer: "r2".into(),
            },
        }
    }

    fn score(snap: &Snapshot, t: &str, p: f64) -> Score {
        let mut s = fixture::uniform_score(
            snap.campaign.category("window").expect("window"),
            "r2",
            p / 10.0,
        );
        s.comment = t.to_string();
        s
    }

    fn evaluation(t: &str, d: chrono::NaiveDate, p: f64) -> Evaluation {
        let mut e = fixture::evaluation("r2", EvaluationKind::Routine, d, Some(p * 10.0));
        e.findings = t.to_string();
        e
    }

    fn opinion(t: &str, d: chrono::NaiveDate, flag: bool) -> Opinion {
        let mut o = fixture::opinion("xinfang", if flag { Stance::Veto } else { Stance::Approve });
        o.reason = t.to_string();
        o.date = d;
        o
    }

    fn decision(t: &str, d: chrono::NaiveDate, flag: bool) -> Decision {
        let mut x = fixture::decision(
            if flag {
                Outcome::Candidate
            } else {
                Outcome::Rejected
            },
            "chair",
            d,
        );
        x.reason = t.to_string();
        x
    }

    fn members(snap: &Snapshot, t: &str) -> Vec<Member> {
        let mut m = snap.members.clone();
        if let Some(first) = m.first_mut() {
            first.name = format!("{}{t}", first.name);
        }
        m
    }

    fn units(snap: &Snapshot, t: &str) -> Vec<Unit> {
        let mut u = snap.units.clone();
        if let Some(first) = u.first_mut() {
            first.name = format!("{}{t}", first.name);
        }
        u
    }

    fn campaign(snap: &Snapshot, t: &str, n: u32) -> Campaign {
        let mut c = snap.campaign.clone();
        c.notice_days = n + 1;
        c.title = format!("{}{t}", c.title);
        c
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// EVERY-CHANGE: plan → reconstruct returns the same action, for every kind.
        #[test]
        fn every_change_plan_then_reconstruct_is_the_same_action(action in action()) {
            let snap = base();
            let back = round_trip(&snap, "chair", &action).expect("an action");
            prop_assert_eq!(back, action);
        }
    }

    #[test]
    fn every_change_every_kind_is_generated() {
        // The strategy above covers every kind but Setup, which has its own test.
        let d = fixture::day(9, 1);
        for k in ActionKind::ALL {
            assert_eq!(make(k, "x", d, 1, true, 5.0).kind(), k);
        }
    }

    #[test]
    fn every_change_setup_writes_the_three_top_files() {
        let snap = base();
        let setup = make(ActionKind::Setup, "", fixture::day(6, 15), 0, false, 0.0);
        let when = fixture::time(6, 15);
        let changes = plan(None, "chair", &when, &setup).expect("plan");
        let Action::Setup {
            campaign,
            members,
            units,
        } = &setup
        else {
            panic!("setup")
        };
        for c in &changes {
            let kind = classify(&c.path);
            let back = reconstruct(
                &kind,
                &c.path,
                None,
                c.content.as_deref().map(str::as_bytes),
            )
            .expect("an action");
            match back {
                Action::Campaign(c) => assert_eq!(&*c, campaign),
                Action::Members(m) => assert_eq!(&m, members),
                Action::Units(u) => assert_eq!(&u, units),
                other => panic!("{other:?}"),
            }
        }
        assert_eq!(changes.len(), 3);
        let _ = snap;
    }

    #[test]
    fn every_change_deletions_and_edits_that_no_action_makes() {
        let snap = base();
        let rec = &snap.records[W];
        let path = crate::store::layout::objection_path(W, "20170920-100000-1").expect("path");
        let kind = classify(&path);
        let open = crate::store::codec::to_ron(&rec.objections["20170920-100000-1"]).expect("ron");
        // A deletion is no action, but for a withdrawn score.
        assert_eq!(
            reconstruct(&kind, &path, Some(open.as_bytes()), None),
            Err(NotAction::Deleted)
        );
        // A resolved objection's status changed again (upheld → dismissed).
        let mut upheld = rec.objections["20170920-100000-1"].clone();
        upheld.status = ObjectionStatus::Upheld;
        upheld.resolution = Some(Resolution {
            by: "chair".into(),
            date: fixture::day(9, 21),
            reason: "r".into(),
        });
        let mut dismissed = upheld.clone();
        dismissed.status = ObjectionStatus::Dismissed;
        let (a, b) = (
            crate::store::codec::to_ron(&upheld).expect("ron"),
            crate::store::codec::to_ron(&dismissed).expect("ron"),
        );
        assert_eq!(
            reconstruct(&kind, &path, Some(a.as_bytes()), Some(b.as_bytes())),
            Err(NotAction::ObjectionEdited)
        );
        // A ruling removed.
        let mut with = snap.clone();
        let publish = Action::Publish(fixture::notice("window", &[W], fixture::day(12, 1)));
        apply(&mut with, "chair", &fixture::time(12, 1), &publish).expect("apply");
        let (a, b) = (
            crate::store::codec::to_ron(&with.rulings).expect("ron"),
            crate::store::codec::to_ron(&snap.rulings).expect("ron"),
        );
        assert_eq!(
            reconstruct(
                &FileKind::Rulings,
                "rulings.ron",
                Some(a.as_bytes()),
                Some(b.as_bytes())
            ),
            Err(NotAction::RulingsEdited)
        );
    }
}
