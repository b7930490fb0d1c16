//! linkfeed: a terminal reader for a curated link feed.
//!
//! files -> [`feed`] -> [`post::Post`] -> [`query`] -> [`app::App`] -> [`ui`] -> frame

pub mod app;
pub mod browser;
pub mod commands;
pub mod config;
pub mod feed;
pub mod frontmatter;
pub mod keys;
pub mod post;
pub mod problem;
pub mod query;
pub mod reload;
pub mod sanitize;
pub mod state;
pub mod synth;
pub mod tui;
pub mod ui;
pub mod wrap;
