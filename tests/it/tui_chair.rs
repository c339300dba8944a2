//! The chair's whole job in the TUI (issue 15), on a FRESH campaign made with
//! `pingxuan init` and moved to the notice phase through the CLI: in the real
//! binary in tmux the chair decides two tied window entries, sets their tie
//! order, publishes the category's candidates, reopens one, grants a
//! deadline exception, extends a phase, and adds and revokes a member's
//! signing key; every write first shows the preview of its
//! commit and is signed only on `y`. Git then holds one commit per write, each
//! accepted by `git verify-commit`, with the trailers and files the preview
//! showed, and the audit finds nothing. Also: `act::preview` is the commit the
//! write then makes (message, trailers, files), and writes nothing itself.
//! Needs tmux (CI installs it).

use std::time::{Duration, Instant};

use crate::common::output_text;
use crate::init_world::{email, interview, prepare, World, BIN};
use crate::tmux::Tmux;
use pingxuan::act::{self, Request};
use pingxuan::i18n::Lang;
use pingxuan::model::{Action, Member, Notice, Rulings};
use pingxuan::store::{layout, Store};

/// The chair's walk: the menu and the confirmation of a write.
trait ChairKeys {
    fn menu_to(&self, label: &str);
    fn confirm(&self, action: &str, path: &str) -> String;
}

impl ChairKeys for Tmux<'_> {
    /// Opens the action menu (`a`) and moves to the item `label`.
    fn menu_to(&self, label: &str) {
        self.keys(&["a"]);
        self.wait_for("Enter choose");
        for _ in 0..20 {
            if self.screen().contains(&format!("▸ {label}")) {
                return;
            }
            self.keys(&["Down"]);
        }
        panic!("no {label:?} in the menu:\n{}", self.screen());
    }

    /// Submits the form: the confirmation shows the commit's preview (its
    /// `Pingxuan-Action` trailer and `path`); `y` signs and commits it.
    fn confirm(&self, action: &str, path: &str) -> String {
        self.keys(&["C-s"]);
        let preview = self.wait_for(&format!("Pingxuan-Action: {action}"));
        assert!(preview.contains("Confirm commit"), "{preview}");
        assert!(preview.contains("Pingxuan-Actor: chair"), "{preview}");
        let files = self.wait_for(path);
        // Nothing is written before the answer.
        self.keys(&["y"]);
        self.wait_for("committed:");
        files
    }
}

/// Two window entries alike in every mark (so tied), both up to their
/// interview: the chair's day can start.
fn two_tied() -> World {
    let w = World::new();
    prepare(
        &w,
        &[
            ("w-a", "gongdian-yingye-ting"),
            ("w-b", "gonganju-chegusuo"),
        ],
    );
    interview(&w, "w-a");
    interview(&w, "w-b");
    w
}

#[test]
fn the_chair_decides_orders_publishes_reopens_and_keys_in_the_tui_each_confirmed() {
    let w = two_tied();
    let before = w.head();
    // git verify-commit trusts the members' keys (for the chair's commits).
    let r1_new = w.sb.ssh_keygen("r1-new", &email("r1"));
    let signers: Vec<(String, String)> = w
        .keys
        .iter()
        .map(|(id, k)| (email(id), k.line.clone()))
        .collect();
    let pairs: Vec<(&str, &str)> = signers
        .iter()
        .map(|(a, b)| (a.as_str(), b.as_str()))
        .collect();
    w.sb.write_allowed_signers(&pairs);
    w.identity("chair");

    let tmux = Tmux {
        sb: &w.sb,
        sock: w.sb.path().join("tmux.sock"),
    };
    let command = format!(
        "{BIN} --lang en --repo {} --at 2017-12-01T10:00:00+08:00",
        w.dir.display()
    );
    let started = tmux.run(&[
        "new-session",
        "-d",
        "-s",
        "px",
        "-x",
        "100",
        "-y",
        "30",
        &command,
    ]);
    assert!(started.status.success(), "{}", output_text(&started));
    tmux.wait_for("chair chair │");

    // Decide both candidates, each from the list's menu.
    for id in ["w-a", "w-b"] {
        tmux.keys(&["Escape"]);
        tmux.keys(&["/"]);
        tmux.literal(id);
        tmux.wait_for(&format!("/{id}"));
        tmux.keys(&["Enter"]);
        tmux.menu_to("decide");
        tmux.keys(&["Enter"]);
        tmux.wait_for(&format!("decide · {id}"));
        tmux.keys(&["Tab"]);
        tmux.literal("committee decision");
        let preview = tmux.confirm("decide", "decision.ron");
        assert!(
            preview.contains(&format!("Pingxuan-Record: {id}")),
            "{preview}"
        );
    }

    // The rankings of the window category: the tie order, filled with the
    // tied pair, then the notice.
    tmux.keys(&["r"]);
    tmux.keys(&["Right"]);
    tmux.wait_for("minimum score");
    tmux.menu_to("set tie order");
    tmux.keys(&["Enter"]);
    let form = tmux.wait_for("set tie order");
    assert!(
        form.contains("w-a,w-b") || form.contains("w-b,w-a"),
        "the tied pair is proposed: {form}"
    );
    tmux.confirm("tie-order", "rulings.ron");
    tmux.menu_to("publish candidates");
    tmux.keys(&["Enter"]);
    tmux.wait_for("publish candidates");
    tmux.confirm("publish", "rulings.ron");

    // Reopen w-b (the list still shows it).
    tmux.keys(&["Escape"]);
    tmux.wait_for("w-b");
    tmux.menu_to("reopen assessment");
    tmux.keys(&["Enter"]);
    tmux.wait_for("reopen assessment · w-b");
    tmux.literal("petition office asks for a second look");
    tmux.confirm("reopen", "decision.ron");

    // A form-deadline exception for w-b (its number filled in from the
    // list), and the notice phase extended.
    tmux.menu_to("grant exception");
    tmux.keys(&["Enter"]);
    tmux.wait_for("grant exception");
    tmux.keys(&["Space"]);
    tmux.wait_for("form FORM-DEADLINE");
    tmux.keys(&["Tab", "Tab"]);
    tmux.literal("2017-12-10");
    tmux.keys(&["Tab"]);
    tmux.literal("form delayed by the post");
    tmux.confirm("exception", "rulings.ron");
    tmux.menu_to("override phase");
    tmux.keys(&["Enter"]);
    tmux.wait_for("override phase");
    for _ in 0..3 {
        tmux.keys(&["Space"]);
    }
    tmux.wait_for("‹ Public notice and commendation");
    tmux.keys(&["Tab", "Tab"]);
    tmux.literal("2018-01-10");
    tmux.keys(&["Tab"]);
    tmux.literal("commendation moved to January");
    tmux.confirm("override", "rulings.ron");

    // A new key for r1, then r1's first key revoked.
    for (revoke, key) in [(false, &r1_new.public), (true, &w.keys["r1"].public)] {
        tmux.menu_to("update members");
        tmux.keys(&["Enter"]);
        tmux.wait_for("add a key");
        if revoke {
            tmux.keys(&["Space"]);
            tmux.wait_for("revoke a key");
        }
        tmux.keys(&["Tab"]);
        for _ in 0..4 {
            tmux.keys(&["Space"]);
        }
        tmux.wait_for("‹ r1 r1 ›");
        tmux.keys(&["Tab"]);
        tmux.literal(key.to_str().expect("utf-8"));
        tmux.confirm("members", "members.ron");
    }
    tmux.keys(&["q"]);
    let start = Instant::now();
    while tmux.alive() {
        assert!(start.elapsed() < Duration::from_secs(10), "the TUI quits");
        std::thread::sleep(Duration::from_millis(100));
    }

    // One signed commit per write, in order, each accepted by git.
    let range = format!("{before}..HEAD");
    let actions = w.sb.git_ok(
        &w.dir,
        &[
            "log",
            "--reverse",
            "--format=%(trailers:key=Pingxuan-Action,valueonly)",
            &range,
        ],
    );
    let actions: Vec<&str> = actions.split_whitespace().collect();
    assert_eq!(
        actions,
        [
            "decide",
            "decide",
            "tie-order",
            "publish",
            "reopen",
            "exception",
            "override",
            "members",
            "members"
        ]
    );
    let commits = w.sb.git_ok(&w.dir, &["rev-list", &range]);
    for c in commits.split_whitespace() {
        let v = w.sb.git(&w.dir, &["verify-commit", c]);
        assert!(v.status.success(), "{c}: {}", output_text(&v));
    }
    // What they wrote.
    let rulings: Rulings =
        ron::from_str(std::str::from_utf8(&w.read(layout::RULINGS)).expect("utf-8"))
            .expect("rulings");
    let order = &rulings.tie_orders["window"];
    assert_eq!(order.len(), 2, "{order:?}");
    assert_eq!(rulings.notices.len(), 1);
    assert_eq!(rulings.notices[0].category, "window");
    assert_eq!(rulings.exceptions.len(), 1);
    assert_eq!(rulings.exceptions[0].nomination, "w-b");
    assert_eq!(rulings.exceptions[0].rule, "FORM-DEADLINE");
    assert_eq!(
        rulings.exceptions[0].until,
        crate::fixture::day("2017-12-10")
    );
    assert_eq!(rulings.overrides.len(), 1);
    assert_eq!(rulings.overrides[0].phase, "notice");
    assert_eq!(
        rulings.overrides[0].start,
        crate::fixture::day("2017-12-01")
    );
    assert_eq!(rulings.overrides[0].end, crate::fixture::day("2018-01-10"));
    let mut on = rulings.notices[0].candidates.clone();
    on.sort();
    assert_eq!(on, ["w-a", "w-b"], "both pass the recheck");
    let members: Vec<Member> =
        ron::from_str(std::str::from_utf8(&w.read(layout::MEMBERS)).expect("utf-8"))
            .expect("members");
    let r1 = members.iter().find(|m| m.id == "r1").expect("r1");
    assert_eq!(r1.keys.len(), 2);
    assert_eq!(r1.keys[0].revoked, Some(crate::fixture::day("2017-12-01")));
    assert_eq!(r1.keys[1].key, r1_new.line);
    assert_eq!(r1.keys[1].revoked, None);
    let decision =
        String::from_utf8(w.read(&layout::decision_path("w-b").expect("path"))).expect("utf-8");
    assert!(
        decision.contains("petition office asks for a second look"),
        "{decision}"
    );
    // The audit finds nothing wrong with any of it.
    let found = w.audit();
    assert!(found.is_empty(), "{found:?}");
}

#[test]
fn the_preview_is_the_commit_the_write_then_makes_and_writes_nothing() {
    let w = World::new();
    prepare(&w, &[("w-a", "gongdian-yingye-ting")]);
    interview(&w, "w-a");
    w.ok(
        "chair",
        "2017-11-20T11:00:00+08:00",
        &[
            "decide",
            "w-a",
            "--outcome",
            "candidate",
            "--reason",
            "評委會研究決定",
        ],
    );
    let at = "2017-12-01T09:00:00+08:00";
    let when = chrono::DateTime::parse_from_rfc3339(at).expect("time");
    let before = w.head();
    let store = Store::open(&w.dir).expect("store");
    let snapshot = store.snapshot().expect("snapshot");
    let action = Action::Publish(Notice {
        category: "window".into(),
        candidates: vec!["w-a".into()],
        published: crate::fixture::day("2017-12-01"),
        by: "chair".into(),
    });
    let req = Request {
        actor: "chair",
        action: &action,
        when,
        lang: Lang::En,
    };
    let p = act::preview(&store, &snapshot, &req, true).expect("preview");
    assert_eq!(w.head(), before, "a preview writes nothing");
    assert_eq!(p.parent.as_deref(), Some(before.as_str()));
    assert_eq!(p.files.len(), 1);
    assert_eq!(p.files[0].path, layout::RULINGS);
    assert!(
        p.files[0].changes.iter().any(|c| c.contains("w-a")),
        "{:?}",
        p.files[0].changes
    );
    // The same write through the CLI makes exactly that commit.
    w.ok("chair", at, &["publish", "window", "--candidates", "w-a"]);
    let message = w.sb.git_ok(&w.dir, &["log", "-1", "--format=%B"]);
    assert_eq!(message.trim_end(), p.message.trim_end());
    let files =
        w.sb.git_ok(&w.dir, &["show", "--name-only", "--format=", "HEAD"]);
    assert_eq!(files.trim(), layout::RULINGS);
    let author = w.sb.git_ok(&w.dir, &["log", "-1", "--format=%an <%ae>"]);
    assert_eq!(author.trim(), p.author);

    // TIME-FORWARD: a preview before the head is refused as the write would be.
    let snapshot = store.snapshot().expect("snapshot");
    let early = Request {
        when: chrono::DateTime::parse_from_rfc3339("2017-11-30T09:00:00+08:00").expect("time"),
        ..req
    };
    let err = act::preview(&store, &snapshot, &early, true).expect_err("backdated");
    assert!(err.to_string().contains("TIME-FORWARD"), "{err}");
    // CANDIDATES: only the chair publishes; a reviewer's preview is refused as the write would be.
    let by_reviewer = Request { actor: "r1", ..req };
    let refused = act::preview(&store, &snapshot, &by_reviewer, true);
    assert!(
        matches!(refused, Err(act::ActError::Refused(_))),
        "{refused:?}"
    );
}
