//! Where linkfeed keeps its files: the XDG base directories, through the
//! `etcetera` crate, each with a `linkfeed` folder. `$XDG_CONFIG_HOME`,
//! `$XDG_STATE_HOME`, `$XDG_CACHE_HOME` and `$XDG_DATA_HOME` win when set to an
//! absolute path; otherwise `~/.config`, `~/.local/state`, `~/.cache` and
//! `~/.local/share`. The XDG rule is used on every platform, so the README's
//! paths hold everywhere.
//!
//! A leaf: it imports nothing else of the crate.

use etcetera::base_strategy::{BaseStrategy, Xdg};
use std::path::PathBuf;

/// The kinds of file linkfeed keeps.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// `config.toml`.
    Config,
    /// The read state: what the user did.
    State,
    /// What can be rebuilt at any time.
    Cache,
    /// What was fetched.
    Data,
}

/// The `linkfeed` folder under `base`; `None` when no home folder can be found.
pub fn dir(base: Base) -> Option<PathBuf> {
    let xdg = Xdg::new().ok()?;
    let root = match base {
        Base::Config => xdg.config_dir(),
        Base::State => xdg.state_dir()?,
        Base::Cache => xdg.cache_dir(),
        Base::Data => xdg.data_dir(),
    };
    Some(root.join("linkfeed"))
}

/// `FILE` in the `linkfeed` folder under `base`.
pub fn file(base: Base, name: &str) -> Option<PathBuf> {
    dir(base).map(|d| d.join(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_base_is_a_linkfeed_folder() {
        // The environment is shared by the test threads: only read it here.
        for base in [Base::Config, Base::State, Base::Cache, Base::Data] {
            if let Some(d) = dir(base) {
                assert!(d.ends_with("linkfeed"), "{base:?}: {}", d.display());
                assert!(d.is_absolute(), "{base:?}: {}", d.display());
            }
        }
    }
}
