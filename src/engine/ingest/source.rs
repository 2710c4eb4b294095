//! Byte sources the record splitter reads from: a pulled `Read` filled in large steps, the first
//! bytes of a file then the rest, and bytes pushed in by a caller that cannot wait for them.

use std::io::{ErrorKind, Read};

/// Bytes asked of a source at a time by the readers that pull (the text is pushed on to a
/// [`CsvFeed`], as a browser's stream pushes it).
pub(super) const PULL_BYTES: usize = 1 << 20;

/// Reads from `source` until `room` is full or the source ends; the number of bytes read.
pub(super) fn fill_from(source: &mut impl Read, room: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < room.len() {
        match source.read(&mut room[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// The first bytes of a file, already read, then the rest; the first bytes are let go as soon as
/// they are read (they are [`HEAD_BYTES`] long).
pub(super) struct HeadThenRest<R> {
    pub(super) head: Vec<u8>,
    pub(super) at: usize,
    pub(super) rest: R,
}

impl<R: Read> Read for HeadThenRest<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at < self.head.len() {
            let n = buf.len().min(self.head.len() - self.at);
            buf[..n].copy_from_slice(&self.head[self.at..self.at + n]);
            self.at += n;
            if self.at == self.head.len() {
                self.head = Vec::new();
                self.at = 0;
            }
            return Ok(n);
        }
        self.rest.read(buf)
    }
}

/// Bytes pushed in, read back as a [`Read`] that says `WouldBlock` once every pushed byte is read
/// (until [`PushedBytes::end`]). The buffer is reused from one push to the next.
#[derive(Default)]
pub(super) struct PushedBytes {
    buf: Vec<u8>,
    len: usize,
    at: usize,
    ended: bool,
}

impl PushedBytes {
    /// A feed holding `bytes`.
    pub(super) fn holding(bytes: Vec<u8>) -> Self {
        PushedBytes { len: bytes.len(), buf: bytes, at: 0, ended: false }
    }

    /// Takes the next bytes: `fill` writes them into room for `n` and says how many it wrote
    /// (every byte pushed before must be read by then).
    pub(super) fn push_with(&mut self, n: usize, fill: impl FnOnce(&mut [u8]) -> usize) {
        debug_assert_eq!(self.at, self.len, "bytes pushed before are all read");
        if self.buf.len() < n {
            self.buf.resize(n, 0);
        }
        self.at = 0;
        self.len = fill(&mut self.buf[..n]).min(n);
    }

    /// No more bytes will come: reads end after the ones held.
    pub(super) fn end(&mut self) {
        self.ended = true;
    }
}

impl Read for PushedBytes {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.at == self.len {
            return if self.ended { Ok(0) } else { Err(ErrorKind::WouldBlock.into()) };
        }
        let n = buf.len().min(self.len - self.at);
        buf[..n].copy_from_slice(&self.buf[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Appends to `bytes` what `fill` writes into room for `n` more (it says how many it wrote).
pub(super) fn append_with(bytes: &mut Vec<u8>, n: usize, fill: impl FnOnce(&mut [u8]) -> usize) {
    let had = bytes.len();
    bytes.resize(had + n, 0);
    let wrote = fill(&mut bytes[had..]).min(n);
    bytes.truncate(had + wrote);
}
