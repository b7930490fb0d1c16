//! What the reader keeps between runs, and where: XDG paths and the read state.

pub mod marks;
pub mod paths;
pub mod read;
