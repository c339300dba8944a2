//! The popups, one file each: state, keys (`handle`, and `typed` where text
//! is typed) and drawing (`draw(&App, …)`, which changes nothing).

pub mod aside;
pub mod confirm;
pub mod export;
pub mod form;
pub mod help;
pub mod menu;
pub mod sync;
