//! What a command-line tool is expected to have: shell completions for bash,
//! zsh and fish (clap_complete), a man page (clap_mangen),
//! and `--version` naming the commit it was built from (build.rs).

use crate::common;

use std::process::Stdio;

use common::{output_text, Sandbox};

const BIN: &str = env!("CARGO_BIN_EXE_pingxuan");

fn run(sb: &Sandbox, args: &[&str]) -> String {
    let out = sb
        .cmd(BIN)
        .args(args)
        .stdin(Stdio::null())
        .output()
        .expect("run pingxuan");
    assert!(out.status.success(), "{args:?}: {}", output_text(&out));
    String::from_utf8(out.stdout).expect("utf-8")
}

#[test]
fn completions_for_bash_zsh_and_fish_know_every_command() {
    let sb = Sandbox::new();
    for shell in ["bash", "zsh", "fish"] {
        let script = run(&sb, &["completions", shell]);
        for command in ["score", "sync", "doctor", "audit", "completions"] {
            assert!(script.contains(command), "{shell} lacks {command}");
        }
    }
    // bash reads the script without a syntax error, and it completes a command.
    let script = sb.path().join("pingxuan.bash");
    std::fs::write(&script, run(&sb, &["completions", "bash"])).expect("write");
    let probe = format!(
        "source {}; COMP_WORDS=(pingxuan doc); COMP_CWORD=1; COMP_LINE='pingxuan doc'; \
         COMP_POINT=12; _pingxuan pingxuan doc pingxuan; printf '%s\\n' \"${{COMPREPLY[@]}}\"",
        script.display()
    );
    let out = sb
        .cmd("bash")
        .args(["--norc", "-c", &probe])
        .output()
        .expect("bash");
    let text = output_text(&out);
    assert!(out.status.success(), "{text}");
    assert!(text.lines().any(|l| l == "doctor"), "{text}");
    // An unknown shell is refused with the choices.
    let out = sb
        .cmd(BIN)
        .args(["completions", "tcsh"])
        .output()
        .expect("run");
    assert!(!out.status.success());
    assert!(output_text(&out).contains("bash"), "{}", output_text(&out));
}

#[test]
fn the_man_page_renders_and_lists_the_commands() {
    let sb = Sandbox::new();
    let page = run(&sb, &["man"]);
    assert!(
        page.contains(".TH pingxuan 1"),
        "{}",
        &page[..page.len().min(300)]
    );
    for command in ["score", "sync", "doctor", "hook"] {
        assert!(page.contains(command), "the page lists {command}");
    }
    // Sections man(1) expects, and every command's own text.
    assert!(
        page.contains(".SH NAME") && page.contains(".SH SYNOPSIS"),
        "{page}"
    );
    assert!(
        page.contains("pingxuan\\-doctor") || page.contains("pingxuan-doctor"),
        "{page}"
    );
    // --dir writes one page per command.
    let dir = sb.path().join("man1");
    run(&sb, &["man", "--dir", dir.to_str().expect("utf-8")]);
    for page in ["pingxuan.1", "pingxuan-score.1", "pingxuan-doctor.1"] {
        assert!(dir.join(page).is_file(), "{page}");
    }
}

#[test]
fn version_names_the_commit_it_was_built_from() {
    let sb = Sandbox::new();
    let version = run(&sb, &["--version"]);
    assert!(
        version.starts_with(&format!("pingxuan {}", env!("CARGO_PKG_VERSION"))),
        "{version}"
    );
    // Built from this git checkout: the commit of the source tree.
    let out = sb
        .cmd("git")
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args(["rev-parse", "--short=12", "HEAD"])
        .output()
        .expect("git");
    assert!(out.status.success(), "{}", output_text(&out));
    let commit = String::from_utf8_lossy(&out.stdout).trim().to_string();
    assert!(version.contains(&commit), "{version} names {commit}");
}
