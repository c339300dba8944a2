//! Criterion benches of signing and verifying one commit (P10, P11): in this
//! process against the `ssh-keygen` program each replaces, and the cached check.

use std::hint::black_box;
use std::process::Command;

use criterion::{criterion_group, criterion_main, Criterion};
use pingxuan::sign::verify::Verifier;
use pingxuan::sign::{SignFormat, Signer, SigningConfig};

fn benches(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("tempdir");
    let key = dir.path().join("key");
    let out = Command::new("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "bench", "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen");
    assert!(out.status.success(), "ssh-keygen failed");
    let sc = SigningConfig {
        format: SignFormat::Ssh,
        program: "ssh-keygen".into(),
        program_key: "gpg.ssh.program",
        key: Some(key.display().to_string()),
        default_key_command: None,
        committer: None,
        gpgsign: true,
        env: Vec::new(),
    };
    let signer = Signer::from_signing_config(&sc)
        .expect("signer")
        .expect("a key");
    let program = signer.clone().program_only();
    let buffer = "tree 4b825dc642cb6eb9a060e54bf8d69288fbbbeb5e\n\
        author a <a@x> 1511143200 +0800\ncommitter a <a@x> 1511143200 +0800\n\n\
        score 2017-window-011\n\nPingxuan-Action: score\n"
        .repeat(4);
    c.bench_function("P11 sign one commit, in process", |b| {
        b.iter(|| black_box(signer.sign(buffer.as_bytes()).expect("sign")))
    });
    c.bench_function("P11 sign one commit, ssh-keygen", |b| {
        b.iter(|| black_box(program.sign(buffer.as_bytes()).expect("sign")))
    });
    let signature = signer.sign(buffer.as_bytes()).expect("sign");
    let fast = Verifier::default();
    let slow = Verifier::default().program_only();
    c.bench_function("P10 verify one ssh signature, in process", |b| {
        b.iter(|| {
            black_box(
                fast.check_uncached(&signature, buffer.as_bytes())
                    .expect("check"),
            )
        })
    });
    c.bench_function("P10 verify one ssh signature, ssh-keygen", |b| {
        b.iter(|| {
            black_box(
                slow.check_uncached(&signature, buffer.as_bytes())
                    .expect("check"),
            )
        })
    });
    fast.check(&signature, buffer.as_bytes()).expect("check");
    c.bench_function("P10 verify one ssh signature, already checked", |b| {
        b.iter(|| black_box(fast.check(&signature, buffer.as_bytes()).expect("check")))
    });
}

criterion_group! {
    name = sign;
    config = Criterion::default().sample_size(20);
    targets = benches
}
criterion_main!(sign);
