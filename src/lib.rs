//! pingxuan (評選): an award-nomination campaign kept as RON files in Git,
//! every action one signed commit.
#![deny(clippy::unwrap_used)]

pub mod act;
pub mod cli;
pub mod demo;
pub mod deploy;
pub mod export;
pub mod gen;
pub mod history;
pub mod i18n;
pub mod mem;
pub mod model;
pub mod rules;
pub mod sample;
pub mod search;
pub mod sign;
pub mod store;
pub mod sync;
pub mod text;
pub mod tui;
