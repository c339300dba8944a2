//! The screens, one file each: its keys (`handle`) beside its drawing
//! (`draw(&App, …)`, which changes nothing).

pub mod audit;
pub mod detail;
pub mod list;
pub mod rankings;
