//! Sync over the network transports git speaks, always through the user's own
//! `git`: `git daemon` on a loopback port (clones acting through the library in
//! threads), and ssh to an `sshd` the test starts on a loopback port with a
//! throw-away host key and one authorized key (clones acting through the real
//! binary in processes, the transport chosen by `GIT_SSH_COMMAND` in their
//! environment, as a user's own setup would). Both end converged by replay
//! (ONE-CHAIN: no merge commit), every action on the remote or set aside,
//! every commit verified and at most 5 retries a push. Needs `sshd`
//! (openssh-server; .ci/run installs it).

use crate::{common, sync_world};

use std::ffi::OsString;
use std::process::Stdio;
use std::sync::Mutex;
use std::time::Duration;

use common::output_text;
use pingxuan::model::*;
use sync_world::*;

#[test]
fn two_clones_converge_over_git_daemon() {
    let w = World::new();
    let (_daemon, port) = git_daemon(&w, &w.sb.path().join("srv"));
    let url = format!("git://127.0.0.1:{port}/origin.git");
    let clones: Vec<Clone> = ACTORS[..2]
        .iter()
        .enumerate()
        .map(|(i, m)| w.clone_as(&url, m, &format!("d{i}-{m}")))
        .collect();
    let stats = run_concurrent(&clones, 9);
    check_converged(&w, &clones, &stats, &w.origin);
    eprintln!("git daemon: {stats:?}");
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
        ],
        other => panic!("not planned: {:?}", other.kind()),
    }
}

#[test]
fn two_clones_converge_over_ssh_with_the_real_binary() {
    let mut w = World::new();
    let client = w.sb.ssh_keygen("transport", "transport@test");
    let (_sshd, port) = sshd(&w, &client);
    let known = w.sb.path().join("known_hosts");
    w.git_env = vec![(
        OsString::from("GIT_SSH_COMMAND"),
        OsString::from(format!(
            "ssh -i {} -o IdentitiesOnly=yes -o BatchMode=yes -o UserKnownHostsFile={} \
             -o StrictHostKeyChecking=accept-new",
            client.private.display(),
            known.display()
        )),
    )];
    let url = format!("ssh://{}@127.0.0.1:{port}{}", whoami(), w.origin.display());
    let clones: Vec<Clone> = ACTORS[..2]
        .iter()
        .enumerate()
        .map(|(i, m)| w.clone_as(&url, m, &format!("s{i}-{m}")))
        .collect();
    let stats = Mutex::new(Stats::default());
    let run = |c: &Clone, args: &[String]| -> String {
        let out =
            w.sb.cmd(BIN)
                .envs(w.git_env.iter().map(|(k, v)| (k, v)))
                .arg("--repo")
                .arg(&c.dir)
                .args(["--lang", "en"])
                .args(args)
                .stdin(Stdio::null())
                .output()
                .expect("run pingxuan");
        let text = output_text(&out);
        assert!(out.status.success(), "{} {args:?}: {text}", c.member);
        text
    };
    let sync = |c: &Clone| {
        let text = run(c, &["--at".into(), c.now(), "sync".into(), "--json".into()]);
        let report: serde_json::Value = serde_json::from_str(&text).expect("json report");
        let retries = report["retries"].as_u64().expect("retries") as usize;
        let steps = report["steps"].as_array().expect("steps");
        assert!(
            steps.iter().all(|s| s["kind"] != "merge"),
            "ONE-CHAIN: {steps:?}"
        );
        let replayed: usize = steps
            .iter()
            .filter_map(|s| s["replayed"].as_array())
            .map(Vec::len)
            .sum();
        let set_aside: usize = steps
            .iter()
            .filter_map(|s| s["set_aside"].as_array())
            .map(Vec::len)
            .sum();
        let mut s = stats.lock().expect("stats");
        s.syncs += 1;
        s.replays += replayed;
        s.set_aside += set_aside;
        s.retries_total += retries;
        s.retries_max = s.retries_max.max(retries);
    };
    std::thread::scope(|scope| {
        for (k, c) in clones.iter().enumerate() {
            let (run, sync, stats) = (&run, &sync, &stats);
            scope.spawn(move || {
                let mut rng = Rng::new(77 + k as u64);
                for (action, _) in plan(&c.member, k) {
                    let when = c.now();
                    let mut args = vec!["--at".to_string(), when.clone()];
                    args.extend(cli_args(&action));
                    let text = run(c, &args);
                    {
                        let mut s = stats.lock().expect("stats");
                        s.actions += 1;
                        let paths: Vec<String> = text
                            .lines()
                            .filter_map(|l| l.strip_prefix("  "))
                            .map(str::to_string)
                            .collect();
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
                        sync(c);
                    }
                }
                sync(c);
            });
        }
    });
    for _ in 0..2 {
        for c in &clones {
            sync(c);
        }
    }
    let stats = stats.into_inner().expect("stats");
    assert_eq!(stats.written.len(), stats.actions, "one file an action");
    check_converged(&w, &clones, &stats, &w.origin);
    eprintln!("ssh: {stats:?}");
}
