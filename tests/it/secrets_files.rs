//! Issue 9, secrets: no key material is ever written into the repository
//! (`$EDITOR` temporary files: tests/process_env).

use crate::{fixture, hostile};

use std::path::Path;

use fixture::*;
use hostile::*;

// The `$EDITOR` temporary-file test lives in tests/process_env: `$VISUAL` is
// process-wide and every test of this binary shares the process.

/// Every object in the repository and every file of its git directory and work tree.
fn everything(repo: &Path) -> Vec<u8> {
    let mut all = git(repo, &["cat-file", "--batch-all-objects", "--batch"]).stdout;
    let mut stack = vec![repo.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                all.extend(bytes);
            }
        }
    }
    all
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

#[test]
fn signed_writes_put_no_key_material_in_the_repository() {
    let f = repo_with(&[]);
    let key = f.home.path().join(".ssh").join("id_ed25519");
    std::fs::create_dir_all(key.parent().unwrap()).unwrap();
    let o = f
        .program("ssh-keygen")
        .args(["-q", "-t", "ed25519", "-N", "", "-C", "wangjianguo", "-f"])
        .arg(&key)
        .output()
        .expect("ssh-keygen (openssh-client)");
    assert!(o.status.success(), "{}", stderr(&o));
    let public = std::fs::read_to_string(key.with_extension("pub")).unwrap();
    // Register the key for the reviewer (the fixture's history is unsigned anyway).
    let members = String::from_utf8(sample_file("members.ron")).unwrap();
    let repo = f.repo();
    f.commit_files(
        &repo,
        &[(
            pingxuan::store::layout::MEMBERS.into(),
            members
                .replacen(
                    "unit: \"xuanchuanbu\",\n        keys: [],",
                    &format!(
                        "unit: \"xuanchuanbu\",\n        keys: [(key: \"{}\", valid_from: \"2017-01-01\")],",
                        public.trim()
                    ),
                    1,
                )
                .into_bytes(),
        )],
        "register key",
    );
    git(f.path(), &["checkout", "-f", "HEAD"]);
    std::fs::write(
        f.home.path().join(".gitconfig"),
        format!(
            "[user]\n\tname = wangjianguo\n\temail = {REVIEWER_EMAIL}\n\tsigningkey = {}\n[gpg]\n\tformat = ssh\n",
            key.with_extension("pub").display()
        ),
    )
    .unwrap();
    let before = f.head();
    let o = f.run(&[
        "--lang", "en", "--at", REVIEW_DAY, "score", GOOD, "-m", "W1=7",
    ]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_ne!(f.head(), before);
    let c = git(f.path(), &["cat-file", "commit", "HEAD"]);
    assert!(
        stdout(&c).contains("gpgsig -----BEGIN SSH SIGNATURE-----"),
        "the commit is signed: {}",
        stdout(&c)
    );

    let private = std::fs::read_to_string(&key).unwrap();
    let body: Vec<&str> = private
        .lines()
        .filter(|l| !l.starts_with("-----"))
        .collect();
    let all = everything(f.path());
    assert!(!contains(&all, b"PRIVATE KEY"), "no private key block");
    for line in body {
        assert!(
            !contains(&all, line.as_bytes()),
            "no line of the private key"
        );
    }
    assert_clean(&f);
}
