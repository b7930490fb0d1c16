//! What the reader keeps between runs, and where: XDG paths and the one way
//! a file is replaced (`paths`), the read and starred marks' log shared by
//! every reader (`marks`), and the old read state it migrates (`read`).

pub mod marks;
pub mod paths;
pub mod read;
