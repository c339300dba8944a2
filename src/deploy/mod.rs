//! Running a campaign as an office does: the server's hook installed
//! ([`hook_install`]) and a member's set-up checked ([`doctor`]).

pub mod doctor;
pub mod hook_install;
