//! Text handling: making untrusted text safe to show, wrapping it, and
//! rendering Markdown bodies to lines.
//! The lowest layer: it imports nothing else of the crate.

pub mod html;
pub mod html_md;
pub mod markdown;
pub mod sanitize;
pub mod template;
pub mod wrap;
