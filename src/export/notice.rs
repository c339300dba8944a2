//! `notice`: the public notice (公示) of the candidates (CANDIDATES), one document
//! for every category.
//!
//! Each category lists the candidates of its latest published
//! [`Notice`](crate::model::Notice), in the order of the units (「排名不分先後」:
//! the order is never the ranking), each with unit, nominee, brand and a summary
//! of deeds. An entry that is no longer a candidate — disqualified (FRAUD),
//! rejected, or removed by an upheld objection — is never on it. Then the notice
//! window (`published ..= published + notice_days − 1`, as the rules take
//! objections) and how and where to lodge an objection: the office, address,
//! telephone, mailbox and hours of `campaign.ron`'s `objection_contact` (the
//! campaign's office unit when the campaign names none). A category without a
//! published notice is shown from its current candidates, and the document is
//! then marked as a draft, without dates.

use chrono::NaiveDate;
use serde::Serialize;

use super::doc::{date_blank, Block, Document, Row, TCell, Table};
use super::sheet::{headers, Cell, Sheet};
use super::{
    categories, category_name, date, nominee_line, office_name, source_commit, summary, unit_name,
    ExportError, Options,
};
use crate::i18n::Lang;
use crate::model::{NomineeKind, Outcome, Snapshot};
use crate::rules::notice::{candidates, notice_window, upheld_objection};

/// Characters of deeds kept in the summary.
pub const SUMMARY_CHARS: usize = 90;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoticeDoc {
    pub commit: String,
    pub campaign: String,
    pub issuer: String,
    /// Where objections go.
    pub office: String,
    pub address: String,
    pub postcode: String,
    pub phone: String,
    pub mailbox: String,
    pub hours: String,
    pub notice_days: u32,
    /// Some category is not published yet.
    pub draft: bool,
    /// The latest publication day (the date under the issuer).
    pub published: Option<NaiveDate>,
    pub categories: Vec<NoticeCategory>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoticeCategory {
    pub category: String,
    pub name: String,
    pub nominee: NomineeKind,
    /// `None` for a draft: the category's notice is not published yet.
    pub published: Option<NaiveDate>,
    pub first_day: Option<NaiveDate>,
    pub last_day: Option<NaiveDate>,
    pub entries: Vec<NoticeEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NoticeEntry {
    pub no: usize,
    pub id: String,
    pub unit: String,
    pub nominee: String,
    pub brand: Option<String>,
    pub deeds: String,
}

/// Still a candidate: decided Candidate (or Final), no upheld objection. A
/// disqualified or rejected entry never appears on a notice.
fn still_candidate(snapshot: &Snapshot, id: &str) -> bool {
    snapshot.record(id).is_some_and(|r| {
        matches!(
            r.decision.as_ref().map(|d| d.outcome),
            Some(Outcome::Candidate | Outcome::Final)
        ) && upheld_objection(r).is_none()
    })
}

/// The notice's order: by the nominating unit's place in `units.ron`, then id;
/// never the ranking (排名不分先後).
fn unit_order(snapshot: &Snapshot, ids: &mut [String]) {
    let place = |id: &String| {
        let unit = snapshot.record(id).map(|r| r.nomination.unit.as_str());
        let pos = unit
            .and_then(|u| snapshot.units.iter().position(|x| x.id == u))
            .unwrap_or(usize::MAX);
        (pos, id.clone())
    };
    ids.sort_by_key(place);
}

/// The notice document of the selected categories.
pub fn build(snapshot: &Snapshot, opts: &Options) -> Result<NoticeDoc, ExportError> {
    let c = &snapshot.campaign;
    let mut cats = Vec::new();
    for cat in categories(snapshot, opts)? {
        let notice = snapshot
            .rulings
            .notices
            .iter()
            .filter(|n| n.category == cat.id)
            .max_by_key(|n| n.published);
        let (mut ids, published, window) = match notice {
            Some(n) => (
                n.candidates.clone(),
                Some(n.published),
                Some(notice_window(n, c.notice_days)),
            ),
            None => (candidates(snapshot, &cat.id), None, None),
        };
        ids.retain(|id| still_candidate(snapshot, id));
        unit_order(snapshot, &mut ids);
        let entries = ids
            .iter()
            .filter_map(|id| {
                let n = &snapshot.record(id)?.nomination;
                let nominee = nominee_line(n, opts.lang);
                let mut unit = unit_name(snapshot, &n.unit);
                if unit == n.nominee.name {
                    // a window reported by itself: name the body it belongs to
                    if let Some(p) = snapshot.unit(&n.unit).and_then(|u| u.parent.clone()) {
                        unit = unit_name(snapshot, &p);
                    }
                }
                Some((
                    unit,
                    nominee,
                    n.brand.clone(),
                    summary(&n.deeds, SUMMARY_CHARS),
                    id,
                ))
            })
            .enumerate()
            .map(|(i, (unit, nominee, brand, deeds, id))| NoticeEntry {
                no: i + 1,
                id: id.clone(),
                unit,
                nominee,
                brand,
                deeds,
            })
            .collect();
        cats.push(NoticeCategory {
            category: cat.id.clone(),
            name: category_name(cat, opts.lang).to_string(),
            nominee: cat.nominee,
            published,
            first_day: window.map(|w| w.0),
            last_day: window.map(|w| w.1),
            entries,
        });
    }
    let contact = c.objection_contact.clone().unwrap_or_default();
    let office = if contact.office.trim().is_empty() {
        office_name(snapshot)
    } else {
        contact.office.clone()
    };
    Ok(NoticeDoc {
        commit: source_commit(snapshot),
        campaign: opts.lang.pick(&c.title, &c.title_en).to_string(),
        issuer: c.issuer.clone(),
        office,
        address: contact.address,
        postcode: contact.postcode,
        phone: contact.phone,
        mailbox: contact.mailbox,
        hours: contact.hours,
        notice_days: c.notice_days,
        draft: cats.iter().any(|c| c.published.is_none()),
        published: cats.iter().filter_map(|c| c.published).max(),
        categories: cats,
    })
}

impl super::document::Document for NoticeDoc {
    fn kind(&self) -> super::Kind {
        super::Kind::Notice
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

    fn sheets(&self, l: Lang) -> Option<Vec<Sheet>> {
        Some(vec![sheet(self, l)])
    }
}

/// 「文明服務名牌、十佳文明窗口候選名單公示」.
pub fn title(doc: &NoticeDoc, l: Lang) -> String {
    let names: Vec<&str> = doc.categories.iter().map(|c| c.name.as_str()).collect();
    let draft = if doc.draft {
        l.pick("（草稿）", " (draft)")
    } else {
        ""
    };
    match l {
        Lang::Zh | Lang::ZhHans => format!("{}候選名單公示{draft}", names.join("、")),
        Lang::En => format!(
            "Public notice of the candidates: {}{draft}",
            names.join(", ")
        ),
    }
}

/// `9個`, `10名`: organisations are counted with 個, people with 名.
fn count(n: usize, kind: NomineeKind, l: Lang) -> String {
    match (l, kind) {
        (Lang::Zh | Lang::ZhHans, NomineeKind::Organisation) => format!("{n}個"),
        (Lang::Zh | Lang::ZhHans, NomineeKind::Person) => format!("{n}名"),
        (Lang::En, _) => n.to_string(),
    }
}

/// The paragraph before the lists.
fn lead(doc: &NoticeDoc, l: Lang) -> String {
    match l {
        Lang::Zh | Lang::ZhHans => format!(
            "根據《{}》，經評委會日常測評、實地考察、座談走訪、民主測評，並徵求有關部門意見，確定以下候選對象，現予以公示，接受社會監督。",
            doc.campaign
        ),
        Lang::En => format!(
            "Under “{}”, after routine evaluation, site visits, interviews, a democratic evaluation and the opinions of the departments concerned, the committee has fixed the following candidates, published here for public scrutiny.",
            doc.campaign
        ),
    }
}

fn heading(i: usize, cat: &NoticeCategory, l: Lang) -> String {
    const NUM: [&str; 10] = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十"];
    let n = count(cat.entries.len(), cat.nominee, l);
    match l {
        Lang::Zh | Lang::ZhHans => format!(
            "{}、{}（{n}，排名不分先後）",
            NUM.get(i).copied().unwrap_or("〇"),
            cat.name
        ),
        Lang::En => format!("{}. {} ({n}, in no order of rank)", i + 1, cat.name),
    }
}

/// The notice window line(s).
fn window_lines(doc: &NoticeDoc, l: Lang) -> Vec<String> {
    let windows: Vec<(Option<NaiveDate>, Option<NaiveDate>)> = doc
        .categories
        .iter()
        .map(|c| (c.first_day, c.last_day))
        .collect();
    let line = |a: NaiveDate, b: NaiveDate| match l {
        Lang::Zh | Lang::ZhHans => {
            format!("{}至{}（共{}天）", date(a, l), date(b, l), doc.notice_days)
        }
        Lang::En => format!(
            "{} to {} inclusive ({} days)",
            date(a, l),
            date(b, l),
            doc.notice_days
        ),
    };
    let label = l.pick("公示時間：", "Notice period: ");
    let all_same = windows.windows(2).all(|w| w[0] == w[1]);
    match windows.first() {
        Some((Some(a), Some(b))) if all_same => {
            vec![format!("{label}{}{}", line(*a, *b), l.pick("。", "."))]
        }
        _ if windows.iter().all(|w| w.0.is_none()) => vec![match l {
            Lang::Zh | Lang::ZhHans => format!("{label}自發布之日起{}天。", doc.notice_days),
            Lang::En => format!(
                "{label}{} days from publication (not published yet).",
                doc.notice_days
            ),
        }],
        _ => doc
            .categories
            .iter()
            .map(|c| match (c.first_day, c.last_day) {
                (Some(a), Some(b)) => {
                    format!("{label}{}{}{}", c.name, l.pick(" ", ": "), line(a, b))
                }
                _ => format!(
                    "{label}{}{}",
                    c.name,
                    l.pick("（尚未發布）", ": not published yet")
                ),
            })
            .collect(),
    }
}

/// How to object, then the channel's particulars.
fn objection_lines(doc: &NoticeDoc, l: Lang) -> (String, Vec<String>) {
    let how = match l {
        Lang::Zh | Lang::ZhHans => "公示期間，對公示對象有異議的，可通過來人、來信、來電或電子郵件向下列受理單位反映。反映問題應實事求是、具體詳實；以單位名義反映的須加蓋公章，以個人名義反映的須署真實姓名並留聯繫方式。每件異議均予登記，由評委會主任核實後作出成立或不成立的決定並說明理由；異議成立的，取消候選資格。對弄虛作假的舉報，評選任何階段均予受理。".to_string(),
        Lang::En => "During the notice period, objections to a candidate may be lodged in person, by letter, by telephone or by e-mail with the office below. State the facts concretely; an objection in the name of an organisation must bear its seal, one by a person their real name and a contact. Every objection is recorded and resolved by the committee chair as upheld or dismissed, with reasons; an upheld objection removes the candidate. Reports of fraud are accepted at any stage.".to_string(),
    };
    let colon = l.pick("\u{ff1a}", ": ");
    let mut lines = vec![format!(
        "{}{colon}{}",
        l.pick("受理單位", "Office"),
        doc.office
    )];
    if !doc.address.trim().is_empty() {
        let mut a = doc.address.clone();
        if !doc.postcode.trim().is_empty() {
            a = match l {
                Lang::Zh | Lang::ZhHans => {
                    format!("{a}\u{ff08}郵編\u{ff1a}{}\u{ff09}", doc.postcode)
                }
                Lang::En => format!("{a} (postcode {})", doc.postcode),
            };
        }
        lines.push(format!("{}{colon}{a}", l.pick("通信地址", "Address")));
    }
    if !doc.phone.trim().is_empty() {
        lines.push(format!(
            "{}{colon}{}",
            l.pick("聯繫電話", "Telephone"),
            doc.phone
        ));
    }
    if !doc.mailbox.trim().is_empty() {
        lines.push(format!(
            "{}{colon}{}",
            l.pick("電子郵箱", "Mailbox"),
            doc.mailbox
        ));
    }
    if !doc.hours.trim().is_empty() {
        lines.push(format!(
            "{}{colon}{}",
            l.pick("受理時間", "Hours"),
            doc.hours
        ));
    }
    (how, lines)
}

fn has_brand(cat: &NoticeCategory) -> bool {
    cat.entries.iter().any(|e| e.brand.is_some())
}

fn table(cat: &NoticeCategory, l: Lang) -> Table {
    let brand = has_brand(cat);
    let mut head = vec![
        l.pick("序號", "No.").to_string(),
        match cat.nominee {
            NomineeKind::Person => l.pick("姓名（工作單位、崗位）", "Nominee"),
            NomineeKind::Organisation => l.pick("候選對象", "Nominee"),
        }
        .to_string(),
        l.pick("申報單位", "Unit").to_string(),
    ];
    let mut widths = vec![7, 23, 20];
    if brand {
        head.push(l.pick("服務品牌", "Brand").to_string());
        widths.push(14);
    }
    head.push(l.pick("主要事蹟", "Deeds (summary)").to_string());
    widths.push(if brand { 36 } else { 50 });
    let rows = cat
        .entries
        .iter()
        .map(|e| {
            let mut r = vec![
                TCell::new(e.no.to_string()).center(),
                TCell::new(e.nominee.clone()),
                TCell::new(e.unit.clone()),
            ];
            if brand {
                r.push(TCell::new(e.brand.clone().unwrap_or_default()));
            }
            r.push(TCell::new(e.deeds.clone()));
            Row::new(r)
        })
        .collect();
    Table {
        class: "candidates".into(),
        widths,
        head: vec![Row::new(head.into_iter().map(TCell::label).collect())],
        rows,
    }
}

pub fn document(doc: &NoticeDoc, l: Lang) -> Document {
    let mut blocks = Vec::new();
    if doc.draft {
        blocks.push(Block::Mark(
            l.pick("草稿（尚未發布）", "DRAFT (not published)")
                .to_string(),
        ));
    }
    blocks.push(Block::Title(title(doc, l)));
    blocks.push(Block::Para(lead(doc, l)));
    for (i, cat) in doc.categories.iter().enumerate() {
        blocks.push(Block::Heading(heading(i, cat, l)));
        if cat.published.is_none() {
            blocks.push(Block::Note(
                l.pick(
                    "本類候選名單尚未發布，以下為目前的候選對象。",
                    "This category's list is not published yet; these are its current candidates.",
                )
                .to_string(),
            ));
        }
        if cat.entries.is_empty() {
            blocks.push(Block::Plain(
                l.pick("本類暫無候選對象。", "No candidates in this category.")
                    .to_string(),
            ));
        } else {
            blocks.push(Block::Table(table(cat, l)));
        }
    }
    for w in window_lines(doc, l) {
        blocks.push(Block::Para(w));
    }
    let (how, lines) = objection_lines(doc, l);
    blocks.push(Block::Para(how));
    for line in lines {
        blocks.push(Block::Para(line));
    }
    let when = doc
        .published
        .filter(|_| !doc.draft)
        .map(|d| date(d, l))
        .unwrap_or_else(|| date_blank(l));
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

pub fn sheet(doc: &NoticeDoc, l: Lang) -> Sheet {
    let mut s = Sheet::new(
        l.pick("候選名單公示", "Notice"),
        headers(&[
            l.pick("類別", "Category"),
            l.pick("序號", "No."),
            l.pick("編號", "Id"),
            l.pick("申報單位", "Unit"),
            l.pick("候選對象", "Nominee"),
            l.pick("服務品牌", "Brand"),
            l.pick("主要事蹟", "Deeds (summary)"),
            l.pick("公示發布日期", "Published"),
            l.pick("公示開始", "First day"),
            l.pick("公示截止", "Last day"),
        ]),
    );
    for cat in &doc.categories {
        for e in &cat.entries {
            s.push(vec![
                Cell::text(cat.name.clone()),
                Cell::int(e.no as i64),
                Cell::text(e.id.clone()),
                Cell::text(e.unit.clone()),
                Cell::text(e.nominee.clone()),
                Cell::opt(e.brand.as_deref()),
                Cell::text(e.deeds.clone()),
                Cell::date(cat.published),
                Cell::date(cat.first_day),
                Cell::date(cat.last_day),
            ]);
        }
    }
    s
}
