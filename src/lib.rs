//! linkfeed: a terminal reader for a curated link feed.
//!
//! files -> [`feed`] -> [`post::Post`] -> [`search`] -> [`app::App`] -> [`ui`] -> frame
//!
//! Layers, lowest first; a module imports only from layers below it (checked
//! by `tests/layers.rs`): `par`, `text`, `clock`; `post`, `problem`; `store::paths`;
//! `feed`; `search`; `store`; `sources::newness`, `sources::git`; `ui::theme`,
//! `ui::layout`; `app`; `ui`; `config`; `sources`; `tui`; `cli`; and the
//! binary's `main`, which parses the command line and calls [`cli::run`].

pub mod app;
pub mod article;
pub mod cache;
pub mod cli;
pub mod clock;
pub mod config;
pub mod feed;
pub mod par;
pub mod post;
pub mod problem;
pub mod search;
pub mod sources;
pub mod store;
pub mod text;
pub mod tui;
pub mod ui;
