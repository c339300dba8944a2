//! `members.ron`: who may act, in which roles, with which keys.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Role {
    Reviewer,
    Chair,
    Clerk,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Member {
    pub id: String,
    pub name: String,
    pub email: String,
    pub roles: Vec<Role>,
    /// The unit the member belongs to (conflicts of interest; a clerk's own unit).
    pub unit: String,
    #[serde(default)]
    pub keys: Vec<PublicKey>,
    /// Declared conflicts of interest beyond the member's own unit.
    #[serde(default)]
    pub conflicts: Vec<Conflict>,
}

impl Member {
    pub fn has_role(&self, role: Role) -> bool {
        self.roles.contains(&role)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PublicKey {
    /// An ssh public key line (`ssh-ed25519 AAAA… comment`) or an OpenPGP fingerprint.
    pub key: String,
    pub valid_from: NaiveDate,
    #[serde(default)]
    pub revoked: Option<NaiveDate>,
}

impl PublicKey {
    /// Whether the key counts on `day`: on or after `valid_from`, before `revoked`.
    pub fn valid_on(&self, day: NaiveDate) -> bool {
        day >= self.valid_from && self.revoked.is_none_or(|r| day < r)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Conflict {
    /// A unit the member must not judge, or a single nomination.
    #[serde(default)]
    pub unit: Option<String>,
    #[serde(default)]
    pub nomination: Option<String>,
    pub reason: String,
}
