//! The rules of `RULES.md` as pure functions over the model (no I/O, no git).
//!
//! Entry points:
//! - [`check_action`]: every refusal that applies to an action before it is written;
//! - [`status`]: gates, conflicts, aggregates and what a nomination still lacks;
//! - [`rank`]: a category's ranking, selection, cut-line ties and the ineligible;
//! - [`final_list`]: the final list for the commendation (COMMEND).
//!
//! Every refusal and explanation has `message(zh)`; every output is `Serialize`.

pub mod aggregate;
pub mod check;
pub mod conflict;
pub mod deadline;
pub mod decide;
pub mod eligibility;
pub mod freeze;
pub mod gates;
pub mod late_change;
pub mod lookup;
pub mod memo;
pub mod needs;
pub mod notice;
pub mod objection;
pub mod phase;
pub mod quota;
pub mod rank;
pub mod refusal;
pub mod roles;
pub mod round;
pub mod scope;
pub mod status;
pub mod text;

#[cfg(test)]
pub(crate) mod fixture;

pub use aggregate::{aggregate, Aggregate};
pub use check::{check_action, check_setup};
pub use decide::{final_list, FinalList};
pub use eligibility::{assess, Assessment, Ineligible};
pub use gates::{gate_report, GateReport, GateResult};
pub use phase::{open_phases, phase_allows, PhaseWindow};
pub use rank::{rank, rank_all, Ranking};
pub use refusal::Refusal;
pub use status::{status, Status};
