//! The office's git server for real: gitolite (Debian's gitolite3) set up by
//! the test under a temporary HOME (`gitolite setup -pk admin.pub`), behind an
//! sshd the test starts on a loopback port; one repository for the campaign,
//! one ssh key per member registered through the gitolite-admin repository,
//! and the pre-receive hook put in by `pingxuan hook install`. Members reach it
//! from their own clones with their own keys (`core.sshCommand`), through the
//! real binary and plain `git push`.
//!
//! OPEN / EVERY-CHANGE: a forged or out-of-role push is refused by the hook with
//! a message the member's own `git push` shows; a member removed from gitolite
//! can no longer push; six members syncing at once land every action.
//! TIME-FORWARD: the server's hook runs on a fixed 2017 clock
//! (`PINGXUAN_NOW` in every ssh session, [`office::SERVER_NOW`]); every action
//! and sync takes its time from the world's shared forward-only clock.
//! Needs sshd (openssh-server) and gitolite (gitolite3); .ci/run installs both.

use crate::{common, office, sync_world};

use std::process::Stdio;
use std::sync::Mutex;
use std::time::Duration;

use common::output_text;
use office::*;
use pingxuan::model::*;
use sync_world::*;

/// Gitolite with every member's key registered, the chair's campaign pushed to
/// it, and the hook installed on the server's repository.
fn office() -> (World, Gitolite) {
    let w = World::new();
    let g = Gitolite::start(&w.sb);
    let keys: Vec<(String, String)> = w
        .members
        .iter()
        .map(|m| (m.id.clone(), w.keys[&m.id].line.clone()))
        .collect();
    let pairs: Vec<(&str, &str)> = keys.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    g.set_members(&w.sb, &pairs);
    assert!(g.repo_dir(REPO).is_dir(), "gitolite created the repository");
    // The chair publishes the campaign (set-up and registrations).
    let out = g
        .git_as(
            &w.sb,
            &w.keys[CHAIR],
            &w.origin,
            &["push", "--quiet", &g.sshd.url(REPO), "main"],
        )
        .output()
        .expect("git push");
    assert!(out.status.success(), "chair's push: {}", output_text(&out));
    // The administrator installs the hook on the server, pinning the genesis.
    let server = g.repo_dir(REPO);
    let (ok, text) = pingxuan(
        &w.sb,
        None,
        &["hook", "install", server.to_str().expect("utf-8")],
    );
    assert!(ok, "hook install: {text}");
    assert!(text.contains("genesis pinned"), "{text}");
    (w, g)
}

fn server_head(w: &World, g: &Gitolite) -> String {
    w.sb.git_ok(&g.repo_dir(REPO), &["rev-parse", "refs/heads/main"])
        .trim()
        .to_string()
}

/// `git push` as the member would type it: (success, what git printed).
fn push(w: &World, c: &Clone) -> (bool, String) {
    let out = w.sb.git(&c.dir, &["push", "origin", "main"]);
    (out.status.success(), output_text(&out))
}

fn score_ron(reviewer: &str, points: f64, when: &str) -> String {
    let score = Score {
        reviewer: reviewer.into(),
        marks: (1..=10)
            .map(|i| (format!("W{i}"), Mark::Points(points)))
            .collect(),
        comment: String::new(),
        time: at(when),
    };
    pingxuan::store::codec::to_ron(&score).expect("ron")
}

#[test]
fn through_gitolite_members_push_the_hook_refuses_forged_and_out_of_role_and_a_removed_member_cannot(
) {
    let (w, g) = office();
    let server = g.repo_dir(REPO);
    let root =
        w.sb.git_ok(&server, &["rev-list", "--max-parents=0", "main"])
            .trim()
            .to_string();
    let pinned =
        w.sb.git_ok(&server, &["config", "pingxuan.genesis"])
            .trim()
            .to_string();
    assert_eq!(pinned, root, "the hook pins the campaign's first commit");

    // A clerk acts with the binary and pushes with plain git: the hook passes it.
    // Every time comes from the world's shared forward-only clock, within a
    // day of the server's (TIME-FORWARD).
    let clerk = clone_member(&w, &g, "liuyang", "clerk");
    let t = clerk.now();
    let (ok, text) = pingxuan(
        &w.sb,
        Some(&clerk.dir),
        &[
            "--at",
            &t,
            "opinion",
            "2017-window-001",
            "--department",
            "jijian",
            "--stance",
            "approve",
        ],
    );
    assert!(ok, "{text}");
    let (ok, text) = push(&w, &clerk);
    assert!(ok, "the clerk's push: {text}");
    assert!(
        text.contains("remote: pingxuan: 1 new commits pass the audit"),
        "git push shows the hook's word: {text}"
    );
    assert_eq!(server_head(&w, &g), clerk.head());

    // A reviewer scores and syncs through the binary.
    let reviewer = clone_member(&w, &g, "wangjianguo", "reviewer");
    let t = reviewer.now();
    let (ok, text) = pingxuan(
        &w.sb,
        Some(&reviewer.dir),
        &["--at", &t, "score", "2017-window-001", "-m", "W1=8"],
    );
    assert!(ok, "{text}");
    let t = reviewer.now();
    let (ok, text) = pingxuan(&w.sb, Some(&reviewer.dir), &["--at", &t, "sync"]);
    assert!(ok, "the reviewer's sync: {text}");
    assert_eq!(server_head(&w, &g), reviewer.head());
    w.sb.git_ok(&clerk.dir, &["pull", "--quiet", "--ff-only"]);
    let before = server_head(&w, &g);

    // Out of role (OPEN, EVERY-CHANGE): the clerk writes a reviewer's score sheet
    // with plain git, signed with the clerk's own key.
    let path = pingxuan::store::layout::score_path("2017-window-002", "wangjianguo").expect("path");
    let clerk_m = w.member("liuyang").clone();
    let t = clerk.now();
    plain_commit(
        &w.sb,
        &clerk.dir,
        &path,
        &score_ron("wangjianguo", 5.0, &t),
        (&clerk_m.name, &clerk_m.email),
        &t,
    );
    let (ok, text) = push(&w, &clerk);
    assert!(!ok, "an out-of-role push is refused: {text}");
    assert!(text.contains("pre-receive hook declined"), "{text}");
    assert!(
        text.contains("remote: pingxuan: push rejected"),
        "the clerk sees why: {text}"
    );
    assert!(
        text.contains("liuyang"),
        "the violation names the member: {text}"
    );
    assert_eq!(server_head(&w, &g), before, "nothing landed");

    // Forged: the same sheet authored as the reviewer, signed with the clerk's key.
    w.sb.git_ok(&clerk.dir, &["reset", "--quiet", "--hard", "origin/main"]);
    let reviewer_m = w.member("wangjianguo").clone();
    let t = clerk.now();
    plain_commit(
        &w.sb,
        &clerk.dir,
        &path,
        &score_ron("wangjianguo", 5.0, &t),
        (&reviewer_m.name, &reviewer_m.email),
        &t,
    );
    let (ok, text) = push(&w, &clerk);
    assert!(!ok, "a forged push is refused: {text}");
    assert!(text.contains("remote: pingxuan: push rejected"), "{text}");
    assert!(
        text.contains("[signer-not-author]"),
        "the hook says the signer is not the author: {text}"
    );
    eprintln!("forged push:\n{text}");
    assert_eq!(server_head(&w, &g), before, "nothing landed");
    w.sb.git_ok(&clerk.dir, &["reset", "--quiet", "--hard", "origin/main"]);

    // A member removed from gitolite: the key goes, the push cannot even connect.
    let leaver = clone_member(&w, &g, "sunli", "leaver");
    let keys: Vec<(String, String)> = w
        .members
        .iter()
        .filter(|m| m.id != "sunli")
        .map(|m| (m.id.clone(), w.keys[&m.id].line.clone()))
        .collect();
    let pairs: Vec<(&str, &str)> = keys.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    g.set_members(&w.sb, &pairs);
    let authorized =
        std::fs::read_to_string(g.home.join(".ssh/authorized_keys")).expect("authorized_keys");
    assert!(
        !authorized.contains(
            w.keys["sunli"]
                .line
                .split_whitespace()
                .nth(1)
                .expect("blob")
        ),
        "gitolite dropped the key"
    );
    let t = leaver.now();
    let (ok, text) = pingxuan(
        &w.sb,
        Some(&leaver.dir),
        &["--at", &t, "score", "2017-window-002", "-m", "W1=7"],
    );
    assert!(ok, "the removed member may still write locally: {text}");
    let (ok, text) = push(&w, &leaver);
    assert!(!ok, "a removed member cannot push: {text}");
    assert!(
        text.contains("Permission denied") || text.contains("DENIED"),
        "{text}"
    );
    let t = leaver.now();
    let (ok, text) = pingxuan(&w.sb, Some(&leaver.dir), &["--at", &t, "sync"]);
    assert!(!ok, "nor sync: {text}");
    assert_eq!(server_head(&w, &g), before, "nothing landed");
    // Everyone else still can.
    let t = clerk.now();
    let (ok, text) = pingxuan(&w.sb, Some(&clerk.dir), &["--at", &t, "sync"]);
    assert!(ok, "{text}");
    // What the server holds passes the audit; git checks every signature.
    let (ok, text) = pingxuan(&w.sb, Some(&server), &["audit"]);
    assert!(ok, "{text}");
    let states = w.signature_states(&clerk.dir);
    assert!(states.iter().all(|(_, g)| g == "G"), "{states:?}");
}

/// The command line for one planned action.
fn cli_args(action: &Action) -> Vec<String> {
    let s = |x: &str| x.to_string();
    match action {
        Action::Score { nomination, score } => {
            let mut a = vec![s("score"), nomination.clone()];
            for (c, m) in &score.marks {
                let Mark::Points(p) = m else { panic!("points") };
                a.push(s("-m"));
                a.push(format!("{c}={p}"));
            }
            a
        }
        Action::Evaluate {
            nomination,
            evaluation: e,
        } => vec![
            s("evaluate"),
            nomination.clone(),
            s("--kind"),
            s("routine"),
            s("--rating"),
            e.rating.expect("rating").to_string(),
            s("--findings"),
            e.findings.clone(),
            s("--date"),
            e.date.to_string(),
        ],
        Action::Opinion {
            nomination,
            opinion,
        } => vec![
            s("opinion"),
            nomination.clone(),
            s("--department"),
            opinion.department.clone(),
            s("--stance"),
            s("approve"),
        ],
        Action::Object {
            nomination,
            objection,
        } => vec![
            s("object"),
            nomination.clone(),
            s("--source"),
            objection.source.clone(),
            s("--text"),
            objection.text.clone(),
            s("--fraud"),
        ],
        Action::Activity {
            nomination,
            activity,
        } => vec![
            s("activity"),
            nomination.clone(),
            s("--summary"),
            activity.summary.clone(),
            s("--date"),
            activity.date.to_string(),
        ],
        other => panic!("not planned: {:?}", other.kind()),
    }
}

#[test]
fn six_members_syncing_at_once_through_gitolite_land_every_action() {
    let (w, g) = office();
    let clones: Vec<Clone> = ACTORS
        .iter()
        .enumerate()
        .map(|(i, m)| clone_member(&w, &g, m, &format!("g{i}-{m}")))
        .collect();
    let stats = Mutex::new(Stats::default());
    // A sync the member had to run again (a push raced past every retry).
    let reruns = Mutex::new(0usize);
    let run = |c: &Clone, args: &[String]| -> (bool, String) {
        let out =
            w.sb.cmd(BIN)
                .arg("--repo")
                .arg(&c.dir)
                .args(["--lang", "en"])
                .args(args)
                .stdin(Stdio::null())
                .output()
                .expect("run pingxuan");
        (out.status.success(), output_text(&out))
    };
    let sync = |c: &Clone, rng: &mut Rng| {
        for attempt in 0..4 {
            // Each run at the shared clock's next time (TIME-FORWARD).
            let args = ["--at".to_string(), c.now(), "sync".to_string()];
            let (ok, text) = run(c, &args);
            if ok {
                stats.lock().expect("stats").syncs += 1;
                return;
            }
            assert!(attempt < 3, "{} sync failed 4 times: {text}", c.member);
            assert!(
                !text.contains("hook declined") && !text.contains("conflict"),
                "{} sync refused: {text}",
                c.member
            );
            *reruns.lock().expect("reruns") += 1;
            eprintln!("{} runs sync again after: {text}", c.member);
            std::thread::sleep(Duration::from_millis(1000 + rng.below(2000)));
        }
    };
    std::thread::scope(|scope| {
        for (k, c) in clones.iter().enumerate() {
            let (run, sync, stats) = (&run, &sync, &stats);
            scope.spawn(move || {
                let mut rng = Rng::new(19 + k as u64);
                for (action, _) in plan(&c.member, k) {
                    // Taken now on the shared forward-only clock, as sync_local does.
                    let when = c.now();
                    let mut args = vec!["--at".to_string(), when.clone()];
                    args.extend(cli_args(&retime(&action, &when)));
                    let (ok, text) = run(c, &args);
                    assert!(ok, "{} {args:?}: {text}", c.member);
                    {
                        let paths: Vec<String> = text
                            .lines()
                            .filter_map(|l| l.strip_prefix("  "))
                            .map(str::to_string)
                            .collect();
                        let mut s = stats.lock().expect("stats");
                        s.actions += 1;
                        s.written.extend(paths.iter().cloned());
                        s.taken.push(Taken {
                            member: c.member.clone(),
                            time: at(&when).timestamp(),
                            paths,
                            action: action.clone(),
                        });
                    }
                    std::thread::sleep(Duration::from_millis(100 + rng.below(400)));
                    if rng.below(2) == 0 {
                        sync(c, &mut rng);
                    }
                }
                sync(c, &mut rng);
            });
        }
    });
    let mut rng = Rng::new(6);
    for _ in 0..2 {
        for c in &clones {
            sync(c, &mut rng);
        }
    }
    let mut stats = stats.into_inner().expect("stats");
    assert_eq!(stats.written.len(), stats.actions, "one file an action");
    check_converged(&w, &clones, &stats, &g.repo_dir(REPO));
    // The two clerks' activities on one nomination.ron: the second to sync had
    // its action set aside; it retries it or takes it again, then all sync.
    settle_set_aside(&clones, &mut stats);
    check_converged(&w, &clones, &stats, &g.repo_dir(REPO));
    for c in &clones {
        let left = pingxuan::sync::aside::list(&c.store()).expect("list");
        assert!(left.is_empty(), "{}: {left:?}", c.member);
    }
    eprintln!(
        "gitolite, 6 members: {stats:?}, syncs run again: {}",
        reruns.into_inner().expect("reruns")
    );
}
