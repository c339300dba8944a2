//! `decision`: the commendation decision (表彰決定, COMMEND) — issuing body,
//! document number (文號), a preamble naming the campaign and the procedure, the
//! commended per category (排名不分先後, in the order of the units), a closing,
//! and the issuing body and date above the seal place.
//!
//! The date is the day of the chair's last `Final` decision, never the export's
//! day. Until every candidate of every category on a published notice has been
//! decided (and at least one `Final` recorded) the document is a draft: marked so
//! at the top, with blanks for the number and the date, and a category not yet
//! decided says so instead of 「寧缺毋濫」.

use chrono::NaiveDate;
use serde::Serialize;

use super::doc::{date_blank, Block, Document};
use super::{categories, category_name, date, source_commit, unit_name, ExportError, Options};
use crate::i18n::Lang;
use crate::model::{NomineeKind, Outcome, Snapshot};

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionDoc {
    pub commit: String,
    pub campaign: String,
    pub issuer: String,
    /// 文號; empty when the campaign names none yet.
    pub number: String,
    /// The day of the last `Final` decision; `None` for a draft without one.
    pub date: Option<NaiveDate>,
    pub draft: bool,
    pub categories: Vec<DecisionCategory>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DecisionCategory {
    pub category: String,
    pub name: String,
    pub nominee: NomineeKind,
    /// Every candidate of the category has been decided.
    pub decided: bool,
    pub commended: Vec<Commended>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Commended {
    pub id: String,
    pub name: String,
    pub unit: String,
    pub brand: Option<String>,
    pub workplace: Option<String>,
}

pub fn build(snapshot: &Snapshot, opts: &Options) -> Result<DecisionDoc, ExportError> {
    let c = &snapshot.campaign;
    let mut cats = Vec::new();
    let mut last: Option<NaiveDate> = None;
    for cat in categories(snapshot, opts)? {
        let list = crate::rules::final_list(snapshot, &cat.id, opts.day)
            .map_err(|r| ExportError::Rules(r.message_in(Some(snapshot), opts.lang.zh())))?;
        let pending = snapshot.records.values().any(|r| {
            r.nomination.category == cat.id
                && r.decision.as_ref().map(|d| d.outcome) == Some(Outcome::Candidate)
                && crate::rules::objection::upheld_objection(r).is_none()
        });
        let mut commended: Vec<(usize, Commended)> = list
            .entries
            .iter()
            .filter_map(|e| {
                let r = snapshot.record(&e.id)?;
                if let Some(d) = &r.decision {
                    last = last.max(Some(d.date));
                }
                let n = &r.nomination;
                let place = snapshot
                    .units
                    .iter()
                    .position(|u| u.id == n.unit)
                    .unwrap_or(usize::MAX);
                Some((
                    place,
                    Commended {
                        id: e.id.clone(),
                        name: n.nominee.name.clone(),
                        unit: unit_name(snapshot, &n.unit),
                        brand: n.brand.clone(),
                        workplace: n.nominee.workplace.clone(),
                    },
                ))
            })
            .collect();
        commended.sort_by(|a, b| (a.0, &a.1.id).cmp(&(b.0, &b.1.id)));
        cats.push(DecisionCategory {
            category: cat.id.clone(),
            name: category_name(cat, opts.lang).to_string(),
            nominee: cat.nominee,
            decided: !pending
                && snapshot
                    .rulings
                    .notices
                    .iter()
                    .any(|n| n.category == cat.id),
            commended: commended.into_iter().map(|(_, c)| c).collect(),
        });
    }
    let draft = last.is_none() || cats.iter().any(|c| !c.decided);
    let com = c.commendation.clone().unwrap_or_default();
    Ok(DecisionDoc {
        commit: source_commit(snapshot),
        campaign: opts.lang.pick(&c.title, &c.title_en).to_string(),
        issuer: if com.issuer.trim().is_empty() {
            c.issuer.clone()
        } else {
            com.issuer
        },
        number: com.number,
        date: last,
        draft,
        categories: cats,
    })
}

impl super::document::Document for DecisionDoc {
    fn kind(&self) -> super::Kind {
        super::Kind::Decision
    }

    fn commit(&self) -> &str {
        &self.commit
    }

    fn json(&self) -> Result<Vec<u8>, ExportError> {
        super::json::to_vec(self)
    }

    fn blocks(&self, l: Lang) -> Option<Document> {
        Some(document(self, l))
    }
}

pub fn title(doc: &DecisionDoc, l: Lang) -> String {
    let names: Vec<String> = doc
        .categories
        .iter()
        .map(|c| match l {
            Lang::Zh | Lang::ZhHans => format!("「{}」", c.name),
            Lang::En => format!("“{}”", c.name),
        })
        .collect();
    match l {
        Lang::Zh | Lang::ZhHans => format!("關於命名錶彰{}的決定", names.join("")),
        Lang::En => format!("Decision on the commendation: {}", names.join(", ")),
    }
}

fn count(n: usize, kind: NomineeKind, l: Lang) -> String {
    match (l, kind) {
        (Lang::Zh | Lang::ZhHans, NomineeKind::Organisation) => format!("{n}個"),
        (Lang::Zh | Lang::ZhHans, NomineeKind::Person) => format!("{n}名"),
        (Lang::En, _) => n.to_string(),
    }
}

fn line(e: &Commended, kind: NomineeKind, l: Lang) -> String {
    let extra = match kind {
        NomineeKind::Person => e
            .workplace
            .clone()
            .filter(|w| !w.trim().is_empty())
            .or_else(|| Some(e.unit.clone())),
        NomineeKind::Organisation => e.brand.clone().filter(|b| !b.trim().is_empty()),
    };
    match (extra, l) {
        (Some(x), Lang::Zh | Lang::ZhHans) => format!("{}（{x}）", e.name),
        (Some(x), Lang::En) => format!("{} ({x})", e.name),
        (None, _) => e.name.clone(),
    }
}

pub fn document(doc: &DecisionDoc, l: Lang) -> Document {
    const NUM: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let mut blocks = Vec::new();
    if doc.draft {
        blocks.push(Block::Mark(
            l.pick(
                "草稿（尚未作出全部決定，不得印發）",
                "DRAFT (not all decisions made; not to be issued)",
            )
            .to_string(),
        ));
    }
    blocks.push(Block::Title(doc.issuer.clone()));
    blocks.push(Block::Title(title(doc, l)));
    let number = if doc.number.trim().is_empty() {
        l.pick("〔　　〕　　號", "No. ______").to_string()
    } else {
        doc.number.clone()
    };
    blocks.push(Block::Centered(number));
    blocks.push(Block::Plain(
        l.pick("各有關單位：", "To all units concerned:")
            .to_string(),
    ));
    blocks.push(Block::Para(match l {
        Lang::Zh | Lang::ZhHans => format!(
            "根據《{}》，經各單位推薦申報，評委會日常測評、明察暗訪、實地考察、座談走訪和民主測評，徵求有關部門意見，並經社會公示無異議，決定命名以下單位和個人，予以表彰：",
            doc.campaign
        ),
        Lang::En => format!(
            "Under “{}”, after the units' nominations, the committee's routine evaluation, unannounced inspections, site visits, interviews and democratic evaluation, the opinions of the departments concerned and a public notice without upheld objection, the following are named and commended:",
            doc.campaign
        ),
    }));
    for (i, cat) in doc.categories.iter().enumerate() {
        let n = count(cat.commended.len(), cat.nominee, l);
        blocks.push(Block::Heading(match l {
            Lang::Zh | Lang::ZhHans => format!(
                "{}、「{}」（{n}，排名不分先後）",
                NUM.get(i).copied().unwrap_or("〇"),
                cat.name
            ),
            Lang::En => format!("{}. {} ({n}, in no order of rank)", i + 1, cat.name),
        }));
        if cat.commended.is_empty() {
            blocks.push(Block::Plain(if cat.decided {
                l.pick(
                    "本類無入選對象（寧缺毋濫）。",
                    "No one is commended in this category (none qualified).",
                )
                .to_string()
            } else {
                l.pick(
                    "本類尚未作出入選決定。",
                    "This category has not been decided yet.",
                )
                .to_string()
            }));
        } else {
            for e in &cat.commended {
                blocks.push(Block::Plain(line(e, cat.nominee, l)));
            }
            if !cat.decided {
                blocks.push(Block::Note(
                    l.pick(
                        "本類尚有候選對象未作出決定。",
                        "Some candidates of this category are not decided yet.",
                    )
                    .to_string(),
                ));
            }
        }
    }
    blocks.push(Block::Para(l.pick(
        "希望受到表彰的單位和個人珍惜榮譽，再接再厲，充分發揮示範帶動作用。各單位、各部門要以先進為榜樣，進一步提升服務水平，推動文明服務工作再上新臺階。",
        "The commended are asked to honour the distinction and to lead by example; every unit is asked to follow them and to raise its standard of service further.",
    ).to_string()));
    let when = match (doc.date, doc.draft) {
        (Some(d), false) => date(d, l),
        _ => date_blank(l),
    };
    blocks.push(Block::Signature {
        lines: vec![doc.issuer.clone(), when],
        seal: true,
    });
    Document {
        lang: l,
        title: title(doc, l),
        commit: doc.commit.clone(),
        landscape: false,
        blocks,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::fixture::*;

    fn opts() -> Options {
        Options::new(day(12, 31), Lang::Zh).category("window")
    }

    #[test]
    fn a_decision_before_the_final_decisions_is_a_draft_commend() {
        // COMMEND: candidates published but not decided: a draft, no date, and the
        // category says it is not decided (never 寧缺毋濫)
        let mut s = snapshot();
        complete(&mut s, "w1", "window", "win-1", 0.9);
        s.records.get_mut("w1").unwrap().decision =
            Some(decision(Outcome::Candidate, "chair", day(11, 28)));
        s.rulings
            .notices
            .push(notice("window", &["w1"], day(12, 1)));
        let doc = build(&s, &opts()).unwrap();
        assert!(doc.draft && doc.date.is_none());
        let md = crate::export::doc::to_markdown(&document(&doc, Lang::Zh));
        assert!(md.contains("草稿"), "{md}");
        assert!(md.contains("本類尚未作出入選決定"));
        assert!(!md.contains("寧缺毋濫"));
    }

    #[test]
    fn the_decision_is_dated_by_the_last_final_decision_not_the_export_day_commend() {
        let mut s = snapshot();
        complete(&mut s, "w1", "window", "win-1", 0.9);
        s.rulings
            .notices
            .push(notice("window", &["w1"], day(12, 1)));
        s.records.get_mut("w1").unwrap().decision =
            Some(decision(Outcome::Final, "chair", day(12, 11)));
        let doc = build(&s, &opts()).unwrap();
        assert!(!doc.draft, "{doc:?}");
        assert_eq!(doc.date, Some(day(12, 11)));
        let md = crate::export::doc::to_markdown(&document(&doc, Lang::Zh));
        assert!(
            md.contains("2017年12月11日") && !md.contains("2017年12月31日"),
            "{md}"
        );
        assert!(md.contains("排名不分先後"));
    }
}
