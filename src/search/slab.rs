//! The numbers and text of a saved index where they lie in its file.
//!
//! A one-shot `list -q` reads the saved index to answer a query once: read
//! into the heap, its 26 MB (at 100,000 posts) were copied out of the page
//! cache into fresh pages, a page fault each, a third of the process's
//! work on a feed that had not changed. Mapped instead ([`Bytes::map`]),
//! its parts are used where they lie: the file's pages are the page
//! cache's, and a query touches only the ones it reads. A part built in
//! memory (a new index, one renumbered) is a vector as before.

use std::fmt;
use std::marker::PhantomData;
use std::ops::Deref;
use std::sync::Arc;

/// A saved file's bytes, which the parts read from it share.
pub(crate) enum Bytes {
    /// Mapped read-only (`list`: a process that ends after one answer).
    Mapped(memmap2::Mmap),
    /// Read whole, into `u32`s so that a part at a multiple of four bytes
    /// is aligned for them; the file's length in bytes. The reader's: it
    /// keeps an index for hours, and a mapped file cut short under it by
    /// another program would end it with `SIGBUS`, the terminal still raw.
    Read(Vec<u32>, usize),
}

impl Bytes {
    /// `file` mapped.
    pub(crate) fn map(file: &std::fs::File) -> std::io::Result<Bytes> {
        // SAFETY: the saved index is only ever replaced by renaming a new
        // file over it (`store::paths::replace_cache_file`), never written
        // in place, so the mapped bytes do not change while mapped. Only
        // another program writing to or cutting the file in place could
        // change them; the reader, which keeps its index, does not map it.
        let map = unsafe { memmap2::Mmap::map(file)? };
        Ok(Bytes::Mapped(map))
    }

    /// `file`'s next `len` bytes, read.
    pub(crate) fn read(file: &mut impl std::io::Read, len: usize) -> std::io::Result<Bytes> {
        let mut words = vec![0u32; len.div_ceil(4)];
        let bytes: &mut [u8] = bytemuck::cast_slice_mut(&mut words);
        file.read_exact(&mut bytes[..len])?;
        Ok(Bytes::Read(words, len))
    }

    #[inline]
    pub(crate) fn get(&self) -> &[u8] {
        match self {
            Bytes::Mapped(m) => m,
            Bytes::Read(words, len) => &bytemuck::cast_slice(words)[..*len],
        }
    }
}

impl fmt::Debug for Bytes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Bytes({} bytes)", self.get().len())
    }
}

/// Plain numbers as a file holds them: little-endian.
pub(crate) trait Le: bytemuck::Pod {
    /// The value of this one as read from a little-endian file.
    fn to_native(self) -> Self;
}

impl Le for u8 {
    fn to_native(self) -> u8 {
        self
    }
}

impl Le for u32 {
    fn to_native(self) -> u32 {
        u32::from_le(self)
    }
}

/// A run of `T`s: built in memory, or where they lie in a saved file.
/// Reads as a slice; cheap to clone when shared.
pub(crate) struct Slab<T> {
    inner: Inner<T>,
}

enum Inner<T> {
    Owned(Vec<T>),
    /// `len` `T`s from byte `at` of the file.
    Shared {
        bytes: Arc<Bytes>,
        at: usize,
        len: usize,
        of: PhantomData<T>,
    },
}

impl<T: Le> Slab<T> {
    /// The `len` `T`s from byte `at` of `bytes`; `None` when they are not
    /// all in it, or not aligned for `T`. A big-endian machine gets a copy
    /// in its own order.
    pub(crate) fn shared(bytes: &Arc<Bytes>, at: usize, len: usize) -> Option<Slab<T>> {
        let size = len.checked_mul(std::mem::size_of::<T>())?;
        let part = bytes.get().get(at..at.checked_add(size)?)?;
        let numbers: &[T] = bytemuck::try_cast_slice(part).ok()?;
        if cfg!(target_endian = "big") && std::mem::size_of::<T>() > 1 {
            return Some(numbers.iter().map(|n| n.to_native()).collect::<Vec<T>>().into());
        }
        Some(Slab { inner: Inner::Shared { bytes: bytes.clone(), at, len, of: PhantomData } })
    }

    /// Its `T`s to change (copied out of the file first when shared).
    #[cfg(test)]
    pub(crate) fn make_mut(&mut self) -> &mut Vec<T> {
        if let Inner::Shared { .. } = self.inner {
            self.inner = Inner::Owned(self.to_vec());
        }
        match &mut self.inner {
            Inner::Owned(v) => v,
            Inner::Shared { .. } => unreachable!("made owned above"),
        }
    }

    /// Whether it lies in a mapped file (not built or read into memory).
    #[cfg(test)]
    pub(crate) fn is_mapped(&self) -> bool {
        matches!(&self.inner, Inner::Shared { bytes, .. } if matches!(**bytes, Bytes::Mapped(_)))
    }
}

impl<T: Le> Deref for Slab<T> {
    type Target = [T];
    #[inline]
    fn deref(&self) -> &[T] {
        match &self.inner {
            Inner::Owned(v) => v,
            // Checked in bounds and aligned when it was made.
            Inner::Shared { bytes, at, len, .. } => bytes
                .get()
                .get(*at..*at + *len * std::mem::size_of::<T>())
                .and_then(|b| bytemuck::try_cast_slice(b).ok())
                .unwrap_or_default(),
        }
    }
}

impl<T> From<Vec<T>> for Slab<T> {
    fn from(v: Vec<T>) -> Slab<T> {
        Slab { inner: Inner::Owned(v) }
    }
}

impl<T> Default for Slab<T> {
    fn default() -> Slab<T> {
        Vec::new().into()
    }
}

impl<T: Clone> Clone for Slab<T> {
    fn clone(&self) -> Slab<T> {
        let inner = match &self.inner {
            Inner::Owned(v) => Inner::Owned(v.clone()),
            Inner::Shared { bytes, at, len, of } => {
                Inner::Shared { bytes: bytes.clone(), at: *at, len: *len, of: *of }
            }
        };
        Slab { inner }
    }
}

impl<T: Le + fmt::Debug> fmt::Debug for Slab<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl<T: Le + PartialEq> PartialEq for Slab<T> {
    fn eq(&self, other: &Slab<T>) -> bool {
        **self == **other
    }
}

impl<T: Le + Eq> Eq for Slab<T> {}

/// Text: built in memory, or where it lies in a saved file (checked to be
/// UTF-8 when it was made). Reads as a `str`.
#[derive(Clone)]
pub(crate) enum Text {
    Owned(String),
    Shared(Slab<u8>),
}

impl Text {
    /// The `len` bytes from byte `at` of `bytes`, when they are UTF-8.
    pub(crate) fn shared(bytes: &Arc<Bytes>, at: usize, len: usize) -> Option<Text> {
        let slab = Slab::shared(bytes, at, len)?;
        std::str::from_utf8(&slab).ok()?;
        Some(Text::Shared(slab))
    }
}

impl Deref for Text {
    type Target = str;
    #[inline]
    fn deref(&self) -> &str {
        match self {
            Text::Owned(s) => s,
            // SAFETY: checked to be UTF-8 when made ([`Text::shared`]); the
            // bytes lie in a file that is never written in place ([`Bytes`]).
            Text::Shared(slab) => unsafe { std::str::from_utf8_unchecked(slab) },
        }
    }
}

impl Default for Text {
    fn default() -> Text {
        Text::Owned(String::new())
    }
}

impl From<String> for Text {
    fn from(s: String) -> Text {
        Text::Owned(s)
    }
}

impl PartialEq for Text {
    fn eq(&self, other: &Text) -> bool {
        **self == **other
    }
}

impl Eq for Text {}

impl fmt::Debug for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&**self, f)
    }
}
