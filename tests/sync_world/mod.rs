//! Shared by the sync tests: a campaign on a bare remote, clones that act as
//! their own members (each signing with their own ssh key), seeded random
//! interleavings of actions and syncs, and loopback `git daemon` and `sshd`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use chrono::{DateTime, FixedOffset};
use pingxuan::act::{self, Request};
use pingxuan::history::{self, AuditOptions, Verifier};
use pingxuan::i18n::Lang;
use pingxuan::model::*;
use pingxuan::sign::{SignFormat, Signer, SigningConfig};
use pingxuan::store::Store;
use pingxuan::sync::{self, GitProgram, Progress, SyncError, SyncOptions, SyncReport};

use crate::common::{output_text, Sandbox, SshKey};

pub const CHAIR: &str = "liguohua";
pub const BIN: &str = env!("CARGO_BIN_EXE_pingxuan");
/// Nominations every clone acts on, with units no reviewer below conflicts with.
pub const NOMINATIONS: &[(&str, &str)] = &[
    ("2017-window-001", "zhengwu-fuwu-zhongxin"),
    ("2017-window-002", "zilaishui-kefu-zhongxin"),
    ("2017-window-003", "gongjijin-fuwu-dating"),
];
/// Who acts in the clones, in order: reviewers and office clerks.
pub const ACTORS: &[&str] = &[
    "wangjianguo",
    "liuyang",
    "zhaomin",
    "heping",
    "sunli",
    "zhoujie",
];

pub fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).expect("time")
}

/// splitmix64: a seeded, dependency-free generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    pub fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
}

pub fn signer(sb: &Sandbox, key: &SshKey) -> Signer {
    let sc = SigningConfig {
        format: SignFormat::Ssh,
        program: "ssh-keygen".into(),
        program_key: "gpg.ssh.program",
        key: Some(key.private.to_str().expect("utf-8").to_string()),
        default_key_command: None,
        committer: None,
        gpgsign: true,
        env: sb.envs(),
    };
    Signer::from_signing_config(&sc)
        .expect("signer")
        .expect("a key")
}

pub struct World {
    pub sb: Sandbox,
    pub members: Vec<Member>,
    pub keys: BTreeMap<String, SshKey>,
    /// The bare remote.
    pub origin: PathBuf,
    /// Extra environment for every git the tests and sync run (e.g. GIT_SSH_COMMAND).
    pub git_env: Vec<(std::ffi::OsString, std::ffi::OsString)>,
    /// The campaign's clock, shared by every clone (see [`World::tick`]).
    pub clock: Arc<AtomicI64>,
}

/// Where the shared clock starts: after every time [`plan`] names, on the same day.
pub const CLOCK_START: &str = "2017-09-14T16:00:00+08:00";

/// The next time of a clock shared by every clone: 10 s after the previous
/// one, so that the times of actions and syncs, taken in the order things
/// happen, only move forward (as a real clock does).
pub fn tick(clock: &AtomicI64) -> String {
    let n = clock.fetch_add(10, Ordering::SeqCst);
    (at(CLOCK_START) + chrono::Duration::seconds(n)).to_rfc3339()
}

impl World {
    /// A bare remote holding the setup and the nominations, every commit signed.
    pub fn new() -> World {
        let sb = Sandbox::new();
        let campaign: Campaign = ron::from_str(pingxuan::sample::CAMPAIGN).expect("campaign");
        let units: Vec<Unit> = ron::from_str(pingxuan::sample::UNITS).expect("units");
        let mut members: Vec<Member> = ron::from_str(pingxuan::sample::MEMBERS).expect("members");
        let mut keys = BTreeMap::new();
        for m in &mut members {
            let key = sb.ssh_keygen(&m.id, &m.email);
            m.keys = vec![PublicKey {
                key: key.line.clone(),
                valid_from: "2017-06-01".parse().expect("date"),
                revoked: None,
            }];
            keys.insert(m.id.clone(), key);
        }
        let allowed: Vec<(&str, &str)> = members
            .iter()
            .map(|m| (m.email.as_str(), keys[&m.id].line.as_str()))
            .collect();
        sb.write_allowed_signers(&allowed);
        let origin = sb.path().join("srv").join("origin.git");
        let w = World {
            sb,
            members: members.clone(),
            keys,
            origin,
            git_env: Vec::new(),
            clock: Arc::new(AtomicI64::new(0)),
        };
        let store = Store::init(&w.origin, true).expect("init bare");
        w.act(
            &store,
            CHAIR,
            &Action::Setup {
                campaign,
                members,
                units,
            },
            "2017-06-15T09:00:00+08:00",
        );
        for (i, (id, unit)) in NOMINATIONS.iter().enumerate() {
            w.act(
                &store,
                "liuyang",
                &Action::Nominate(crate::fixture::window(id, unit)),
                &format!("2017-06-2{i}T10:00:00+08:00"),
            );
        }
        w
    }

    /// The next time of the shared clock.
    pub fn tick(&self) -> String {
        tick(&self.clock)
    }

    pub fn member(&self, id: &str) -> &Member {
        self.members.iter().find(|m| m.id == id).expect("a member")
    }

    pub fn act(&self, store: &Store, actor: &str, action: &Action, when: &str) -> act::Done {
        let s = signer(&self.sb, &self.keys[actor]);
        let sign = |b: &[u8]| s.sign(b);
        let mut snapshot = None;
        act::perform(
            store,
            &mut snapshot,
            &Request {
                actor,
                action,
                when: at(when),
                lang: Lang::En,
            },
            Some(&sign),
        )
        .unwrap_or_else(|e| panic!("{actor} {:?}: {e}", action.kind()))
    }

    pub fn git_env(&self) -> Vec<(std::ffi::OsString, std::ffi::OsString)> {
        let mut env = self.sb.envs();
        env.extend(self.git_env.iter().cloned());
        env
    }

    /// `git <args>` in `dir` with the sandbox (and transport) environment.
    pub fn git(&self, dir: &Path, args: &[&str]) -> String {
        let out = self
            .sb
            .cmd("git")
            .envs(self.git_env.iter().map(|(k, v)| (k, v)))
            .current_dir(dir)
            .args(args)
            .stdin(Stdio::null())
            .output()
            .expect("run git");
        let text = output_text(&out);
        assert!(out.status.success(), "git {args:?} in {dir:?}: {text}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    }

    /// A clone of `url` acting as `member`, with the member's identity and key in
    /// its own git config (as a clerk's machine would have).
    pub fn clone_as(&self, url: &str, member: &str, name: &str) -> Clone {
        let dir = self.sb.path().join("clones").join(name);
        std::fs::create_dir_all(dir.parent().expect("parent")).expect("clones dir");
        self.git(
            self.sb.path(),
            &["clone", "--quiet", url, dir.to_str().expect("utf-8")],
        );
        let m = self.member(member);
        let key = &self.keys[member];
        for (k, v) in [
            ("user.name", m.name.as_str()),
            ("user.email", m.email.as_str()),
            ("gpg.format", "ssh"),
            ("user.signingkey", key.private.to_str().expect("utf-8")),
        ] {
            self.git(&dir, &["config", k, v]);
        }
        Clone {
            dir,
            member: member.to_string(),
            email: m.email.clone(),
            signer: signer(&self.sb, key),
            git: GitProgram {
                program: "git".into(),
                env: self.git_env(),
            },
            verifier: Verifier::default().with_env(self.sb.envs()),
            clock: Arc::clone(&self.clock),
        }
    }

    /// Every commit of `dir`'s HEAD as `git log --format='%H %G?'` sees it,
    /// with every member's key in the allowed-signers file.
    pub fn signature_states(&self, dir: &Path) -> Vec<(String, String)> {
        self.git(dir, &["log", "--format=%H %G?", "HEAD"])
            .lines()
            .map(|l| {
                let (h, g) = l.split_once(' ').expect("hash and state");
                (h.to_string(), g.to_string())
            })
            .collect()
    }
}

impl Default for World {
    fn default() -> Self {
        World::new()
    }
}

pub struct Clone {
    pub dir: PathBuf,
    pub member: String,
    pub email: String,
    pub signer: Signer,
    pub git: GitProgram,
    pub verifier: Verifier,
    pub clock: Arc<AtomicI64>,
}

impl Clone {
    /// The next time of the shared clock.
    pub fn now(&self) -> String {
        tick(&self.clock)
    }

    pub fn store(&self) -> Store {
        Store::open(&self.dir).expect("open clone")
    }

    pub fn act(&self, action: &Action, when: &str) -> act::Done {
        let store = self.store();
        let sign = |b: &[u8]| self.signer.sign(b);
        let mut snapshot = None;
        act::perform(
            &store,
            &mut snapshot,
            &Request {
                actor: &self.member,
                action,
                when: at(when),
                lang: Lang::En,
            },
            Some(&sign),
        )
        .unwrap_or_else(|e| panic!("{} {:?}: {e}", self.member, action.kind()))
    }

    pub fn sync(&self) -> Result<SyncReport, SyncError> {
        self.sync_with(None, |_| {})
    }

    pub fn sync_with(
        &self,
        progress: Option<&dyn Fn(&Progress)>,
        edit: impl FnOnce(&mut SyncOptions),
    ) -> Result<SyncReport, SyncError> {
        let store = self.store();
        let sign = |b: &[u8]| self.signer.sign(b);
        let mut opts = SyncOptions::new("origin", Lang::En, at(&self.now()));
        opts.git = self.git.clone();
        opts.verifier = self.verifier.clone();
        opts.email = Some(self.email.clone());
        opts.sign = Some(&sign);
        opts.progress = progress;
        edit(&mut opts);
        sync::sync(&store, &opts)
    }

    pub fn head(&self) -> String {
        self.store()
            .head()
            .expect("head")
            .expect("a commit")
            .to_string()
    }
}

fn score(reviewer: &str, points: f64, when: &str) -> Score {
    Score {
        reviewer: reviewer.into(),
        marks: (1..=10)
            .map(|i| (format!("W{i}"), Mark::Points(points)))
            .collect(),
        comment: String::new(),
        time: at(when),
    }
}

/// The actions member `who` (the `k`-th actor) takes, each with its time: a
/// reviewer scores every nomination and evaluates two; a clerk records two
/// department opinions on every nomination, a fraud report on one, and an
/// activity on the first (both clerks write its nomination.ron: when they do
/// so offline at once, the second to sync has that action set aside). Times
/// are distinct per actor, all on 14 September 2017 before [`CLOCK_START`],
/// and every action is legal then.
pub fn plan(who: &str, k: usize) -> Vec<(Action, String)> {
    let reviewer = !matches!(who, "liuyang" | "heping");
    let mut out = Vec::new();
    let mut step = 0;
    let mut when = |_day: u32| {
        step += 1;
        format!("2017-09-14T{:02}:{:02}:{step:02}+08:00", 8 + k, step)
    };
    if !reviewer {
        let t = when(14);
        out.push((
            Action::Activity {
                nomination: NOMINATIONS[0].0.into(),
                activity: Activity {
                    date: at(&t).date_naive(),
                    summary: format!("{who} 組織文明服務培訓"),
                },
            },
            t,
        ));
    }
    for (i, (id, _)) in NOMINATIONS.iter().enumerate() {
        if reviewer {
            let t = when(10 + i as u32);
            out.push((
                Action::Score {
                    nomination: (*id).into(),
                    score: score(who, 6.0 + (k % 4) as f64, &t),
                },
                t,
            ));
            if i < 2 {
                let t = when(14 + i as u32);
                out.push((
                    Action::Evaluate {
                        nomination: (*id).into(),
                        evaluation: Evaluation {
                            kind: EvaluationKind::Routine,
                            author: who.into(),
                            date: at(&t).date_naive(),
                            rating: Some(80.0 + k as f64),
                            findings: format!("{who} 例行檢查:服務規范"),
                            knowledge_rate: None,
                            service_satisfaction: None,
                            incidents: vec![],
                        },
                    },
                    t,
                ));
            }
        } else {
            let depts: &[&str] = if who == "liuyang" {
                &["jijian", "xinfang"]
            } else {
                &["zongzhiban", "huanbao"]
            };
            for d in depts {
                let t = when(10 + i as u32);
                out.push((
                    Action::Opinion {
                        nomination: (*id).into(),
                        opinion: Opinion {
                            department: (*d).into(),
                            stance: Stance::Approve,
                            reason: String::new(),
                            recorded_by: who.into(),
                            date: at(&t).date_naive(),
                        },
                    },
                    t,
                ));
            }
            if i == k % NOMINATIONS.len() {
                let t = when(16);
                out.push((
                    Action::Object {
                        nomination: (*id).into(),
                        objection: Objection {
                            filed: at(&t),
                            source: "12345 熱線".into(),
                            text: format!("{who} 收到的舉報:材料存疑"),
                            fraud: true,
                            recorded_by: who.into(),
                            status: ObjectionStatus::Open,
                            resolution: None,
                        },
                    },
                    t,
                ));
            }
        }
    }
    out
}

/// `action` as taken at `when`: the times and dates it holds moved there.
pub fn retime(action: &Action, when: &str) -> Action {
    let t = at(when);
    let mut a = action.clone();
    match &mut a {
        Action::Score { score, .. } => score.time = t,
        Action::Evaluate { evaluation, .. } => evaluation.date = t.date_naive(),
        Action::Opinion { opinion, .. } => opinion.date = t.date_naive(),
        Action::Object { objection, .. } => objection.filed = t,
        Action::Activity { activity, .. } => activity.date = t.date_naive(),
        _ => {}
    }
    a
}

static SERIAL: Mutex<()> = Mutex::new(());

/// What a concurrent run measured.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub actions: usize,
    pub syncs: usize,
    /// Actions re-applied onto a newer remote tip (counted per replay).
    pub replays: usize,
    /// Actions set aside by a sync (before any retry).
    pub set_aside: usize,
    pub retries_total: usize,
    /// The most retries any single sync needed.
    pub retries_max: usize,
    /// Concurrent syncs that stopped after 5 rejected pushes (everything
    /// local intact; a later sync carries on). Never allowed while settling.
    pub gave_up: usize,
    /// Every path an action wrote.
    pub written: Vec<String>,
    /// Every action taken and not dropped by its member.
    pub taken: Vec<Taken>,
    /// Set-aside actions their member re-did by hand and dropped.
    pub redone: usize,
}

/// One action taken in a clone.
#[derive(Debug, Clone)]
pub struct Taken {
    pub member: String,
    /// The action time, unix seconds.
    pub time: i64,
    pub paths: Vec<String>,
    pub action: Action,
}

/// A concurrent sync may stop after [`sync::MAX_RETRIES`] rejected pushes
/// (on a loaded machine six clones keep beating each other); anything else
/// is a failure.
fn gave_up(stats: &Mutex<Stats>, member: &str, e: SyncError) {
    match e {
        SyncError::TooManyRetries { retries, .. } => {
            assert_eq!(retries, sync::MAX_RETRIES);
            let mut s = stats.lock().expect("stats");
            s.gave_up += 1;
            s.retries_max = s.retries_max.max(retries);
        }
        e => panic!("{member} sync: {e}"),
    }
}

/// Every clone acts through its plan in its own thread, syncing after a
/// seeded-random subset of its actions with seeded-random pauses; then each
/// syncs once more, and finally all sync in turn until every clone holds the
/// same head. Panics on any sync error but a give-up after 5 rejected pushes
/// while they all run at once (then everything local stays for the next sync).
pub fn run_concurrent(clones: &[Clone], seed: u64) -> Stats {
    // One concurrent run at a time per test binary: they share two cores.
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let stats = Arc::new(Mutex::new(Stats::default()));
    let record = |stats: &Mutex<Stats>, r: &SyncReport| {
        let mut s = stats.lock().expect("stats");
        s.syncs += 1;
        s.replays += r.replayed();
        s.set_aside += r.new_set_aside().len();
        s.retries_total += r.retries;
        s.retries_max = s.retries_max.max(r.retries);
    };
    std::thread::scope(|scope| {
        for (k, clone) in clones.iter().enumerate() {
            let stats = Arc::clone(&stats);
            let actor_index = ACTORS
                .iter()
                .position(|a| *a == clone.member)
                .expect("an actor");
            scope.spawn(move || {
                let mut rng = Rng::new(seed.wrapping_mul(1000).wrapping_add(k as u64));
                for (action, _) in plan(&clone.member, actor_index) {
                    let when = clone.now();
                    let done = clone.act(&retime(&action, &when), &when);
                    {
                        let mut s = stats.lock().expect("stats");
                        s.actions += 1;
                        s.written.extend(done.paths.iter().cloned());
                        s.taken.push(Taken {
                            member: clone.member.clone(),
                            time: at(&when).timestamp(),
                            paths: done.paths.clone(),
                            action: action.clone(),
                        });
                    }
                    // People act minutes apart; here 0.3–1.5 s, so that six clones
                    // still push far more often than a real campaign does.
                    std::thread::sleep(Duration::from_millis(300 + rng.below(1200)));
                    if rng.below(2) == 0 {
                        let t0 = Instant::now();
                        let trace = |p: &Progress| {
                            if std::env::var("PINGXUAN_SYNC_TRACE").is_ok() {
                                eprintln!(
                                    "{} {:>5}ms {p:?}",
                                    clone.member,
                                    t0.elapsed().as_millis()
                                );
                            }
                        };
                        match clone.sync_with(Some(&trace), |_| {}) {
                            Ok(r) => record(&stats, &r),
                            Err(e) => gave_up(&stats, &clone.member, e),
                        }
                    }
                }
                match clone.sync() {
                    Ok(r) => record(&stats, &r),
                    Err(e) => gave_up(&stats, &clone.member, e),
                }
            });
        }
    });
    // Settle: in turn, until every clone has the same head.
    for _round in 0..3 {
        for clone in clones {
            let r = clone
                .sync()
                .unwrap_or_else(|e| panic!("{} settling sync: {e}", clone.member));
            record(&stats, &r);
        }
        let heads: Vec<String> = clones.iter().map(Clone::head).collect();
        if heads.iter().all(|h| *h == heads[0]) {
            break;
        }
    }
    let s = stats.lock().expect("stats").clone();
    s
}

/// What each clerk does with a set-aside action once the clones settled:
/// retry it (the same checks again); if it is still refused, take the action
/// again on today's state and drop the old one. Then sync all in turn again.
pub fn settle_set_aside(clones: &[Clone], stats: &mut Stats) {
    for c in clones {
        let store = c.store();
        for s in sync::aside::list(&store).expect("list") {
            let sign = |b: &[u8]| c.signer.sign(b);
            let mut opts = SyncOptions::new("origin", Lang::En, at(&c.now()));
            opts.verifier = c.verifier.clone();
            opts.email = Some(c.email.clone());
            opts.sign = Some(&sign);
            match sync::aside::retry(&store, &s.id, &opts) {
                Ok(_) => continue,
                Err(SyncError::SetAside(m)) => assert!(m.contains(&s.id), "{m}"),
                Err(e) => panic!("{} retry {}: {e}", c.member, s.id),
            }
            let t = at(&s.when).timestamp();
            let k = stats
                .taken
                .iter()
                .position(|a| a.member == c.member && a.time == t)
                .expect("a set-aside action is one taken");
            let old = stats.taken.remove(k);
            let when = c.now();
            let done = c.act(&retime(&old.action, &when), &when);
            stats.taken.push(Taken {
                member: c.member.clone(),
                time: at(&when).timestamp(),
                paths: done.paths.clone(),
                action: old.action,
            });
            sync::aside::drop(&store, &s.id, false).expect("drop");
            stats.redone += 1;
        }
    }
    for _round in 0..3 {
        for c in clones {
            let r = c
                .sync()
                .unwrap_or_else(|e| panic!("{} settling sync: {e}", c.member));
            stats.syncs += 1;
            stats.replays += r.replayed();
            stats.set_aside += r.new_set_aside().len();
        }
        let heads: Vec<String> = clones.iter().map(Clone::head).collect();
        if heads.iter().all(|h| *h == heads[0]) {
            break;
        }
    }
}

/// Checks what every concurrent run must leave: one head everywhere and on the
/// remote; every action taken either on the remote (with its files) or set
/// aside in its member's clone, never both, never neither (none lost); no
/// merge commit (ONE-CHAIN); every commit verified by `git verify-commit`; a
/// clean audit and clean work trees.
pub fn check_converged(w: &World, clones: &[Clone], stats: &Stats, remote_dir: &Path) {
    let head = clones[0].head();
    for c in clones {
        assert_eq!(c.head(), head, "{} has another head", c.member);
        assert_eq!(
            w.git(&c.dir, &["status", "--porcelain"]).trim(),
            "",
            "{} work tree matches HEAD",
            c.member
        );
    }
    let remote_head = w.git(remote_dir, &["rev-parse", "refs/heads/main"]);
    assert_eq!(remote_head.trim(), head, "the remote holds the same head");

    // ONE-CHAIN: no merge commit on the remote chain, one root.
    let merges = w.git(remote_dir, &["rev-list", "--merges", "refs/heads/main"]);
    assert_eq!(merges.trim(), "", "ONE-CHAIN: merge commits on the remote");
    let roots = w.git(
        remote_dir,
        &["rev-list", "--max-parents=0", "refs/heads/main"],
    );
    assert_eq!(roots.lines().count(), 1, "ONE-CHAIN: one root");

    // Every commit verifies with git itself.
    let commits = w.git(remote_dir, &["rev-list", "refs/heads/main"]);
    for h in commits.lines() {
        w.git(&clones[0].dir, &["verify-commit", h]);
    }
    let states = w.signature_states(&clones[0].dir);
    let bad: Vec<_> = states.iter().filter(|(_, g)| g != "G").collect();
    assert!(bad.is_empty(), "commits not verified by git: {bad:?}");

    // None lost: on the remote or set aside, exactly one of the two.
    let remote = Store::open(remote_dir).expect("open remote");
    let repo = &git2::Repository::open(remote.git_dir()).expect("open remote repository");
    let tip = git2::Oid::from_str(&head).expect("oid");
    let tree = repo.find_commit(tip).expect("commit").tree().expect("tree");
    let mut on_remote = std::collections::BTreeSet::new();
    let mut revs = repo.revwalk().expect("revwalk");
    revs.push(tip).expect("push");
    for oid in revs {
        let c = repo.find_commit(oid.expect("oid")).expect("commit");
        let actor = history::walk::trailer(c.message().unwrap_or(""), "Pingxuan-Actor");
        let key = (actor.unwrap_or_default(), c.author().when().seconds());
        assert!(
            on_remote.insert(key.clone()),
            "twice on the remote: {key:?}"
        );
    }
    let mut aside = std::collections::BTreeSet::new();
    for c in clones {
        for s in sync::aside::list(&c.store()).expect("set-aside list") {
            assert_eq!(s.actor.as_deref(), Some(c.member.as_str()), "{s:?}");
            aside.insert((c.member.clone(), at(&s.when).timestamp()));
        }
    }
    let mut remote_actions = 0;
    for t in &stats.taken {
        let key = (t.member.clone(), t.time);
        match (on_remote.contains(&key), aside.contains(&key)) {
            (true, false) => {
                remote_actions += 1;
                for p in &t.paths {
                    assert!(tree.get_path(Path::new(p)).is_ok(), "{key:?}: lacks {p}");
                }
            }
            (false, true) => {}
            (true, true) => panic!("{key:?} is on the remote and set aside"),
            (false, false) => panic!("{key:?} was lost: neither on the remote nor set aside"),
        }
    }
    assert_eq!(
        remote_actions + aside.len(),
        stats.taken.len(),
        "every action taken is on the remote or set aside"
    );
    assert_eq!(
        commits.lines().count(),
        remote_actions + 1 + NOMINATIONS.len(),
        "every commit is one action (plus setup and nominations)"
    );
    let report = history::audit(
        &clones[0].store(),
        &AuditOptions {
            lang: Lang::En,
            verifier: clones[0].verifier.clone(),
            since: None,
        },
    )
    .expect("audit");
    assert!(
        report.violations.is_empty(),
        "audit: {:#?}",
        report.violations
    );
    assert!(
        stats.retries_max <= sync::MAX_RETRIES,
        "a push needed {} retries",
        stats.retries_max
    );
}

/// A free loopback port (bound, then released for the server to take).
pub fn free_port() -> u16 {
    let l = TcpListener::bind("127.0.0.1:0").expect("bind");
    l.local_addr().expect("addr").port()
}

pub fn wait_for_port(port: u16, child: &mut Child, what: &str) {
    let start = Instant::now();
    loop {
        if TcpStream::connect(("127.0.0.1", port)).is_ok() {
            return;
        }
        if let Ok(Some(status)) = child.try_wait() {
            panic!("{what} exited early: {status}");
        }
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{what} never listened on {port}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// A server process killed when dropped.
pub struct Server(pub Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `git daemon` on a loopback port serving `base` (push enabled); its port.
pub fn git_daemon(w: &World, base: &Path) -> (Server, u16) {
    let port = free_port();
    let log = std::fs::File::create(w.sb.path().join("git-daemon.log")).expect("log");
    let mut child =
        w.sb.cmd("git")
            .args([
                "daemon",
                "--export-all",
                "--enable=receive-pack",
                "--reuseaddr",
            ])
            .arg("--listen=127.0.0.1")
            .arg(format!("--port={port}"))
            .arg(format!("--base-path={}", base.display()))
            .arg(base)
            .stdin(Stdio::null())
            .stdout(Stdio::null())
            .stderr(log)
            .spawn()
            .expect("start git daemon");
    wait_for_port(port, &mut child, "git daemon");
    (Server(child), port)
}

pub const SSHD: &str = "/usr/sbin/sshd";

/// An `sshd` on a loopback port with a throw-away host key, letting in the
/// holder of `client` as the current user; its port.
pub fn sshd(w: &World, client: &SshKey) -> (Server, u16) {
    assert!(
        Path::new(SSHD).exists(),
        "{SSHD} is missing: install openssh-server (.ci/run does)"
    );
    // sshd wants its privilege-separation folder.
    let _ = std::fs::create_dir_all("/run/sshd");
    let dir = w.sb.path().join("sshd");
    std::fs::create_dir_all(&dir).expect("sshd dir");
    let host = dir.join("host_ed25519");
    let out =
        w.sb.cmd("ssh-keygen")
            .args(["-q", "-t", "ed25519", "-N", "", "-f"])
            .arg(&host)
            .output()
            .expect("ssh-keygen");
    assert!(out.status.success(), "host key: {}", output_text(&out));
    let authorized = dir.join("authorized_keys");
    std::fs::write(&authorized, format!("{}\n", client.line)).expect("authorized_keys");
    let port = free_port();
    let config = dir.join("sshd_config");
    std::fs::write(
        &config,
        format!(
            "Port {port}\nListenAddress 127.0.0.1\nHostKey {}\nPidFile {}\n\
             AuthorizedKeysFile {}\nStrictModes no\nUsePAM no\nPubkeyAuthentication yes\n\
             PasswordAuthentication no\nKbdInteractiveAuthentication no\nPermitRootLogin yes\n\
             AllowTcpForwarding no\nX11Forwarding no\nPrintMotd no\nLogLevel ERROR\n\
             SetEnv PATH={}\n",
            host.display(),
            dir.join("sshd.pid").display(),
            authorized.display(),
            std::env::var("PATH").unwrap_or_else(|_| "/usr/bin:/bin".into()),
        ),
    )
    .expect("sshd_config");
    let log = std::fs::File::create(dir.join("sshd.log")).expect("log");
    let mut child = crate::common::scrubbed(SSHD)
        .arg("-D")
        .arg("-e")
        .arg("-f")
        .arg(&config)
        .arg("-p")
        .arg(port.to_string())
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(log)
        .spawn()
        .expect("start sshd");
    wait_for_port(port, &mut child, "sshd");
    (Server(child), port)
}

pub fn whoami() -> String {
    let out = crate::common::scrubbed("id")
        .arg("-un")
        .output()
        .expect("id -un");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
