//! Documents in simplified characters (zh-Hans) without touching record text.
//!
//! The program's words are written in traditional characters (zh-Hant); a
//! zh-Hans document is built as zh-Hant words ([`crate::i18n::Lang::pick`]
//! already converts its own) and then every frame word is converted — except
//! record text: names, deeds, reasons, the campaign's own title are shown as
//! entered. Record text is found by value: every string of the snapshot that
//! conversion would change is kept wherever it (or a cut of it, at least
//! [`MIN_CUT`] characters, as in a notice's shortened deeds) appears.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use super::doc::{Block, Document};
use super::sheet::{Cell, Sheet};
use crate::i18n::to_hans;
use crate::model::Snapshot;

/// A shortened record text this long (in characters), ending the text or
/// followed by `…`, is still kept as entered.
const MIN_CUT: usize = 6;

/// The record texts of a snapshot that conversion would change, by first character.
pub struct Keep {
    by_first: HashMap<char, Vec<Vec<char>>>,
}

impl Keep {
    /// The [`Keep`] of `snapshot`, made once per commit (the TUI and the
    /// command line convert their sentences with it on every draw or line).
    pub fn cached(snapshot: &Snapshot) -> Arc<Keep> {
        static LAST: Mutex<Option<(String, Arc<Keep>)>> = Mutex::new(None);
        let Some(commit) = snapshot.commit.clone() else {
            return Arc::new(Keep::of(snapshot));
        };
        let Ok(mut last) = LAST.lock() else {
            return Arc::new(Keep::of(snapshot));
        };
        match &*last {
            Some((c, k)) if *c == commit => k.clone(),
            _ => {
                let k = Arc::new(Keep::of(snapshot));
                *last = Some((commit, k.clone()));
                k
            }
        }
    }

    /// Also keeps `texts` as entered (text given on the command line that is
    /// not yet in a snapshot).
    pub fn with(mut self, texts: impl IntoIterator<Item = String>) -> Keep {
        for t in texts {
            self.add(&t);
        }
        self.sort();
        self
    }

    fn add(&mut self, s: &str) {
        for line in s.lines() {
            if to_hans(line) != line {
                let chars: Vec<char> = line.chars().collect();
                if let Some(&c) = chars.first() {
                    self.by_first.entry(c).or_default().push(chars);
                }
            }
        }
    }

    fn sort(&mut self) {
        for v in self.by_first.values_mut() {
            v.sort_by_key(|c| std::cmp::Reverse(c.len()));
            v.dedup();
        }
    }

    /// Nothing kept: every word converted.
    pub fn none() -> Keep {
        Keep {
            by_first: HashMap::new(),
        }
    }

    pub fn of(snapshot: &Snapshot) -> Keep {
        let mut strings = Vec::new();
        if let Ok(v) = serde_json::to_value(snapshot) {
            collect(&v, &mut strings);
        }
        let mut by_first: HashMap<char, Vec<Vec<char>>> = HashMap::new();
        for s in strings {
            for line in s.lines() {
                if to_hans(line) != line {
                    let chars: Vec<char> = line.chars().collect();
                    if let Some(&c) = chars.first() {
                        by_first.entry(c).or_default().push(chars);
                    }
                }
            }
        }
        for v in by_first.values_mut() {
            v.sort_by_key(|c| std::cmp::Reverse(c.len()));
            v.dedup();
        }
        Keep { by_first }
    }

    /// `text` with the program's words in simplified characters and record
    /// text as entered.
    pub fn convert(&self, text: &str) -> String {
        let converted = to_hans(text);
        if converted == text {
            return converted;
        }
        let chars: Vec<char> = text.chars().collect();
        let mut kept = vec![false; chars.len()];
        for i in 0..chars.len() {
            let Some(cands) = self.by_first.get(&chars[i]) else {
                continue;
            };
            // the longest record text (or cut of one) that starts here
            let mut best = 0;
            for r in cands {
                if r.len() <= best {
                    break;
                }
                let m = chars[i..]
                    .iter()
                    .zip(r.iter())
                    .take_while(|(a, b)| a == b)
                    .count();
                // a cut of a record text ends the text or is marked `…`
                let cut = m >= MIN_CUT && matches!(chars.get(i + m), None | Some('…'));
                if (m == r.len() || cut) && m > best {
                    best = m;
                }
            }
            kept[i..i + best].iter_mut().for_each(|k| *k = true);
        }
        let mut out = String::with_capacity(text.len());
        let mut run = String::new();
        for (c, k) in chars.iter().zip(kept) {
            if k {
                if !run.is_empty() {
                    out.push_str(&to_hans(&run));
                    run.clear();
                }
                out.push(*c);
            } else {
                run.push(*c);
            }
        }
        out.push_str(&to_hans(&run));
        out
    }

    pub fn document(&self, d: &mut Document) {
        d.title = self.convert(&d.title);
        for b in &mut d.blocks {
            match b {
                Block::Title(s)
                | Block::Centered(s)
                | Block::Mark(s)
                | Block::Heading(s)
                | Block::Para(s)
                | Block::Plain(s)
                | Block::Note(s) => *s = self.convert(s),
                Block::Signature { lines, .. } => {
                    lines.iter_mut().for_each(|s| *s = self.convert(s));
                }
                Block::Table(t) => {
                    for row in t.head.iter_mut().chain(t.rows.iter_mut()) {
                        for cell in &mut row.cells {
                            cell.lines.iter_mut().for_each(|s| *s = self.convert(s));
                            if let Some(b) = &mut cell.bottom {
                                *b = self.convert(b);
                            }
                        }
                    }
                }
                Block::PageBreak => {}
            }
        }
    }

    pub fn sheets(&self, sheets: &mut [Sheet]) {
        for s in sheets {
            s.name = self.convert(&s.name);
            s.headers.iter_mut().for_each(|h| *h = self.convert(h));
            for row in &mut s.rows {
                for cell in row {
                    if let Cell::Text(t) = cell {
                        *t = self.convert(t);
                    }
                }
            }
        }
    }
}

fn collect(v: &serde_json::Value, out: &mut Vec<String>) {
    match v {
        serde_json::Value::String(s) => out.push(s.clone()),
        serde_json::Value::Array(a) => a.iter().for_each(|x| collect(x, out)),
        serde_json::Value::Object(o) => o.iter().for_each(|(k, x)| {
            out.push(k.clone());
            collect(x, out);
        }),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frame_words_convert_and_record_text_stays() {
        let mut by_first = HashMap::new();
        let name: Vec<char> = "國網滕州市供電公司".chars().collect();
        by_first.insert('國', vec![name]);
        let keep = Keep { by_first };
        assert_eq!(
            keep.convert("候選對象:國網滕州市供電公司(申報單位)"),
            "候选对象:國網滕州市供電公司(申报单位)"
        );
        // a cut of the record text, as in a notice's shortened deeds
        assert_eq!(keep.convert("事跡:國網滕州市供…"), "事迹:國網滕州市供…");
        // the longest of several record texts that start alike
        let mut by_first = HashMap::new();
        let long: Vec<char> = "未達到硬性條件:2017年3月有投訴".chars().collect();
        let other: Vec<char> = "未達到硬性條件:2016年違規".chars().collect();
        by_first.insert('未', vec![long, other]);
        let keep = Keep { by_first };
        assert_eq!(
            keep.convert("決定:未達到硬性條件:2016年違規。"),
            "决定:未達到硬性條件:2016年違規。"
        );
    }
}
