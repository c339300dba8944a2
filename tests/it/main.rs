//! The integration tests, one binary (issue 14): linking one test binary
//! instead of one per file is most of an incremental `cargo test` build.
//!
//! A new test file `tests/it/foo.rs` is added as `mod foo;` below (keep the
//! list sorted); its tests are named `foo::…` (`cargo test --test it foo::`).
//! Shared helpers are the harness modules beside this folder (`tests/common`
//! first: every process a test spawns goes through it); a file uses them as
//! `use crate::{common, fixture};`. A test that must change the process
//! environment (`std::env::set_var`) gets a binary of its own instead
//! (`tests/process_env/`), since every test here shares one process.

#[path = "../common/mod.rs"]
mod common;
#[path = "../fixture/mod.rs"]
mod fixture;
#[path = "../hostile/mod.rs"]
mod hostile;
#[path = "../init_world/mod.rs"]
mod init_world;
#[path = "../office/mod.rs"]
mod office;
#[path = "../sync_world/mod.rs"]
mod sync_world;

/// `src/rules/fixture.rs` (included by `rules_flow`) names `crate::model`.
mod model {
    pub use pingxuan::model::*;
}

mod attacks;
mod cache;
mod campaign_rules;
mod carry_forward;
mod cli_tools;
mod crash_kill;
mod demo;
mod demo_at;
mod deploy_gitolite;
mod deploy_hook;
mod deploy_ssh_agent;
mod doc_language;
mod doctor;
mod export_demo;
mod export_escape;
mod freeze;
mod gen_open;
mod history_audit;
mod history_demo;
mod hostile_input;
mod hostile_terminal;
mod no_code_words;
mod race_writers;
mod rounding;
mod rules_flow;
mod sample_data;
mod search_number;
mod secrets_files;
mod sign;
mod sign_inprocess;
mod store;
mod store_reader;
mod sync_crash;
mod sync_local;
mod sync_replay;
mod sync_transports;
mod tmux;
mod tui_aside;
mod tui_chair;
mod tui_e2e;
mod tui_live;
mod tui_menu_offers;
mod tui_persona;
mod tui_sync_popup;
mod validate;
mod warm_trust;
mod windows_files;
mod write;
