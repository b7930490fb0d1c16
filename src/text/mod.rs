//! Text handling: making untrusted text safe to show, and wrapping it.
//! The lowest layer: it imports nothing else of the crate.

pub mod sanitize;
pub mod wrap;
