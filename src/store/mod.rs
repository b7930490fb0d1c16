//! What the reader keeps between runs, and where: XDG paths and the one way
//! a file is replaced (`paths`), the read and starred marks' log shared by
//! every reader (`marks`), the mute rules made by key (`mutes`), and the old
//! read state it migrates (`read`).

pub mod marks;
pub mod mutes;
pub mod paths;
pub mod read;
