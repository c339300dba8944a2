//! The sample 2017 Tengzhou campaign, built into the binary so that `demo` and
//! `init` work from any folder.

pub const CAMPAIGN: &str = include_str!("../sample-repo/campaign.ron");
pub const UNITS: &str = include_str!("../sample-repo/units.ron");
pub const MEMBERS: &str = include_str!("../sample-repo/members.ron");
pub const HISTORY: &str = include_str!("../sample-repo/history.ron");
