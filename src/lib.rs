//! linkfeed: a terminal reader for a curated link feed.
//!
//! files -> [`feed`] -> [`post::Post`] -> [`search`] -> [`app::App`] -> [`ui`] -> frame
//!
//! Layers, lowest first; a module imports only from layers below it (checked
//! by `tests/layers.rs`): `par`, `text`, `clock`; `post`, `problem`; `store::paths`;
//! `feed`; `search`; `store`; `sync`; `ui::theme`, `ui::layout`; `app`; `ui`;
//! `config`; `tui`; `commands`.

pub mod app;
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
