//! The parse cache: what parsing a folder's files gave, kept so the next
//! start re-parses only the files that changed.
//!
//! One file per feed folder, `$XDG_CACHE_HOME/linkfeed/feeds/<hash>.bin`
//! (default `~/.cache/linkfeed/`). Layout: the magic `LINKFEED`, then blocks
//! of entries, then a footer (the format number, the program's version, the
//! folder it was written for, each block's offset, length and CRC-32), the
//! footer's length, the footer's CRC-32 and the magic again. Nothing read
//! from the file sizes an allocation before it is checked: the footer's
//! bytes against their CRC, its counts against the file's length. An entry is a file's path (relative
//! to the folder), size, modification time in nanoseconds, inode, a CRC-32 of
//! its bytes when it was modified less than two seconds before the load that
//! read it ("racy": an edit in the same second would not change its time),
//! and what parsing it gave (the post and its warnings, or the error).
//!
//! A block keeps its entries in three parts, one after the other, each
//! with its own CRC-32: the light part (each entry whole but for the post's
//! tldr and summary, `Post::left_out` saying which there were), the text
//! part (each entry's tldr and summary, in order) and the check part (each
//! entry's file, where the entry starts in the light part and, for most
//! posts, their date and draft flag: [`Check`]). A view that shows neither
//! text (`list`'s rows) reads only the light part: at 100,000 posts about a
//! sixth of the file; a lazy load that stats every file reads the check
//! part, a third of that, in fixed-width fields. The footer also holds
//! a generation, new at every write, which names the posts the cache gives:
//! the saved search index is tied to it (`search::saved`).
//!
//! Encoded with postcard: a compact, documented wire format driven by the
//! serde derives the types already have (bincode 2 would add a second set of
//! derives; rkyv's zero-copy archive does not fit `Arc<str>` and chrono
//! without wrappers, and the posts are owned values in the end anyway).
//!
//! Blocks are decoded on every core, each thread reading its own blocks with
//! positioned reads, so the whole file is never in memory at once.
//!
//! A writing that changes a few entries (a post edited, a sync's new posts)
//! is appended to the file: the blocks it changed written again without
//! the changed entries, the new entries' blocks, and a footer that names
//! them with the old blocks still in place (the last footer is the
//! cache's). The blocks a reader of the writing before knows are never
//! touched. Once what the file holds unused (old footers, blocks written
//! again) passes a quarter of what it uses, the cache is written anew.
//!
//! A cache that is missing, truncated, damaged (a block's CRC), from another
//! format or program version, or written for another folder is ignored (and
//! rebuilt), never trusted; the reason goes to `list --stats`.

mod append;
mod check;
mod entry;
mod error;
mod frame;
mod meta;
mod order;
mod paths;
mod read;
mod write;

pub use append::{Renumbering, refresh_folders, rewrite};
pub use check::Check;
pub use entry::{Skimmed, row_at, skim_at, whole_at};
pub use error::CacheError;
pub use frame::FORMAT;
pub use meta::{Meta, MetaRef, inode, mtime_ns, now_ns};
pub use order::Arranged;
pub use paths::{arranged_path_for, folder, index_path_for, key_hash, path_for, root_key};
pub use read::Reader;
pub use write::{write_all, write_streamed};

#[cfg(test)]
mod tests;
