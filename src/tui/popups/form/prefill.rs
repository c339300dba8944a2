//! A form filled from a set-aside action's files, to do the action again on
//! today's record (settling what sync set aside, `popups/aside.rs`).

use crate::i18n::Lang;
use crate::model::{ActionKind, Member, Score, Snapshot};
use crate::store::codec::from_ron;
use crate::store::layout::{classify, FileKind};

use super::{Form, Input, MarkState};

impl Form {
    /// The form of `kind` on `record`, with what the set-aside action wrote
    /// (`files`: path and content) where the form can hold it: a score's
    /// marks and comment. Other kinds open as they open from the menu.
    pub fn from_set_aside(
        kind: ActionKind,
        snap: &Snapshot,
        me: &Member,
        record: Option<&str>,
        files: &[(String, Option<String>)],
        lang: Lang,
    ) -> Option<Form> {
        let mut form = Form::open(kind, snap, me, record, lang)?;
        if kind == ActionKind::Score {
            let score = files
                .iter()
                .find_map(|(path, content)| match classify(path) {
                    FileKind::Score { .. } => content
                        .as_deref()
                        .and_then(|c| from_ron::<Score>(path, c.as_bytes()).ok()),
                    _ => None,
                });
            if let Some(score) = score {
                for f in &mut form.fields {
                    match &mut f.input {
                        Input::Mark { value, state, .. } => {
                            let (s, v) = MarkState::of(score.marks.get(&f.key));
                            *state = s;
                            *value = v;
                        }
                        Input::Text { value, .. } if f.key == "score.comment" => {
                            value.clone_from(&score.comment)
                        }
                        _ => {}
                    }
                }
            }
        }
        Some(form)
    }
}
