//! Plain data of a campaign: what the RON files hold. No I/O here.

pub mod action;
pub mod campaign;
pub mod compact;
pub mod id;
pub mod member;
pub mod nomination;
pub mod record;
pub mod records;
pub mod rulings;
pub mod snapshot;
pub mod unique;
pub mod unit;
pub mod validate;
pub mod vecmap;

pub use action::*;
pub use campaign::*;
pub use id::*;
pub use member::*;
pub use nomination::*;
pub use record::*;
pub use records::Records;
pub use rulings::*;
pub use snapshot::*;
pub use unit::*;
pub use vecmap::VecMap;
