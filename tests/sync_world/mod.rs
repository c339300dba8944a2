//! Shared by the sync tests: a campaign on a bare remote, clones that act as
//! their own members (each signing with their own ssh key), seeded random
//! interleavings of actions and syncs, and loopback `git daemon` and `sshd`.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Stdio};
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

    pub fn member(&self, id: &str) -> &Member {
        self.members.iter().find(|m| m.id == id).expect("a member")
    }

    pub fn act(&self, store: &Store, actor: &str, action: &Action, when: &str) -> act::Done {
        let s = signer(&self.sb, &self.keys[actor]);
        let sign = |b: &[u8]| s.sign(b).map_err(|e| e.to_string());
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
}

impl Clone {
    pub fn store(&self) -> Store {
        Store::open(&self.dir).expect("open clone")
    }

    pub fn act(&self, action: &Action, when: &str) -> act::Done {
        let store = self.store();
        let sign = |b: &[u8]| self.signer.sign(b).map_err(|e| e.to_string());
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
        let sign = |b: &[u8]| self.signer.sign(b).map_err(|e| e.to_string());
        let mut opts = SyncOptions::new("origin", Lang::En, at("2017-12-31T12:00:00+08:00"));
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
/// department opinions on every nomination and a fraud report on one. Times
/// are distinct per actor, and every action is legal on its day.
pub fn plan(who: &str, k: usize) -> Vec<(Action, String)> {
    let reviewer = !matches!(who, "liuyang" | "heping");
    let mut out = Vec::new();
    let mut step = 0;
    let mut when = |day: u32| {
        step += 1;
        format!("2017-09-{day:02}T{:02}:{:02}:{step:02}+08:00", 8 + k, step)
    };
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

static SERIAL: Mutex<()> = Mutex::new(());

/// What a concurrent run measured.
#[derive(Debug, Default, Clone)]
pub struct Stats {
    pub actions: usize,
    pub syncs: usize,
    pub merges: usize,
    pub retries_total: usize,
    /// The most retries any single sync needed.
    pub retries_max: usize,
    /// Every path an action wrote, with the blob it wrote.
    pub written: Vec<String>,
}

/// Every clone acts through its plan in its own thread, syncing after a
/// seeded-random subset of its actions with seeded-random pauses; then each
/// syncs once more, and finally all sync in turn until every clone holds the
/// same head. Panics on any sync error (a conflict included).
pub fn run_concurrent(clones: &[Clone], seed: u64) -> Stats {
    // One concurrent run at a time per test binary: they share two cores.
    let _serial = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let stats = Arc::new(Mutex::new(Stats::default()));
    let record = |stats: &Mutex<Stats>, r: &SyncReport| {
        let mut s = stats.lock().expect("stats");
        s.syncs += 1;
        s.merges += r.merges.len();
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
                for (action, when) in plan(&clone.member, actor_index) {
                    let done = clone.act(&action, &when);
                    {
                        let mut s = stats.lock().expect("stats");
                        s.actions += 1;
                        s.written.extend(done.paths.iter().cloned());
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
                        let r = clone
                            .sync_with(Some(&trace), |_| {})
                            .unwrap_or_else(|e| panic!("{} sync: {e}", clone.member));
                        record(&stats, &r);
                    }
                }
                let r = clone
                    .sync()
                    .unwrap_or_else(|e| panic!("{} final sync: {e}", clone.member));
                record(&stats, &r);
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

/// Checks what every concurrent run must leave: one head everywhere and on the
/// remote, every action's file in every clone, every commit signed by a
/// member (`git log %G?` is `G`), a clean audit and clean work trees.
pub fn check_converged(w: &World, clones: &[Clone], stats: &Stats, remote_dir: &Path) {
    let head = clones[0].head();
    for c in clones {
        assert_eq!(c.head(), head, "{} has another head", c.member);
        let store = c.store();
        let repo = store.repo();
        let tree = repo
            .find_commit(git2::Oid::from_str(&head).expect("oid"))
            .expect("commit")
            .tree()
            .expect("tree");
        for p in &stats.written {
            assert!(
                tree.get_path(Path::new(p)).is_ok(),
                "{} lacks {p}",
                c.member
            );
        }
        assert_eq!(
            w.git(&c.dir, &["status", "--porcelain"]).trim(),
            "",
            "{} work tree matches HEAD",
            c.member
        );
    }
    let remote_head = w.git(remote_dir, &["rev-parse", "refs/heads/main"]);
    assert_eq!(remote_head.trim(), head, "the remote holds the same head");
    let states = w.signature_states(&clones[0].dir);
    let bad: Vec<_> = states.iter().filter(|(_, g)| g != "G").collect();
    assert!(bad.is_empty(), "commits not verified by git: {bad:?}");
    let actions = w.git(
        &clones[0].dir,
        &["log", "--no-merges", "--format=%H", "HEAD"],
    );
    assert_eq!(
        actions.lines().count(),
        stats.actions + 1 + NOMINATIONS.len(),
        "every action is one commit (plus setup and nominations)"
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
    let mut child = std::process::Command::new(SSHD)
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
    let out = std::process::Command::new("id")
        .arg("-un")
        .output()
        .expect("id -un");
    String::from_utf8_lossy(&out.stdout).trim().to_string()
}
