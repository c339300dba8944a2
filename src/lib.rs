//! pingxuan (評(píng)選): an award-nomination campaign kept as RON files in Git,
//! every action one signed commit.
#![deny(clippy::unwrap_used)]

pub mod model;
pub mod rules;
pub mod sign;
