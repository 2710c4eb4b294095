//! The line of the file each row starts on, kept as runs of rows one line apart: a file whose
//! records each take one line keeps one pair of numbers, not one number per row (8 MB at 1M rows).

/// The source line of each row, in row order.
///
/// ```
/// use equimap::engine::ingest::line_numbers::Lines;
/// // ReaderState on lines 2, 3, 4, then a record of two lines, then 7.
/// let lines: Lines = [2, 3, 4, 5, 7].into_iter().collect();
/// assert_eq!(lines.get(3), 5);
/// assert_eq!(lines.get(4), 7);
/// assert_eq!(lines.iter().collect::<Vec<_>>(), [2, 3, 4, 5, 7]);
/// assert_eq!(lines.runs(), 2);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Lines {
    /// The first row of each run and its line; row `r` of the run that starts at row `r0` on line
    /// `l0` is on line `l0 + r - r0`. A file of at most 1 GB has fewer than 2^32 lines and rows.
    runs: Vec<(u32, u32)>,
    len: usize,
    /// The line of a next row that goes on the last run.
    next: u64,
}

impl Lines {
    /// No rows.
    pub fn new() -> Self {
        Lines::default()
    }

    /// Appends the next row's line.
    #[inline(always)]
    pub fn push(&mut self, line: u64) {
        if line != self.next || self.runs.is_empty() {
            self.start_run(line);
        }
        self.len += 1;
        self.next = line + 1;
    }

    /// Starts a run at the next row, on `line`.
    #[cold]
    fn start_run(&mut self, line: u64) {
        let line = u32::try_from(line).expect("a file of at most 1 GB has fewer than 2^32 lines");
        self.runs.push((self.len as u32, line));
    }

    /// The line of row `row` (which must be below [`Lines::len`]).
    #[inline]
    pub fn get(&self, row: usize) -> u64 {
        debug_assert!(row < self.len, "row {row} of {}", self.len);
        let run = self.runs.partition_point(|&(r0, _)| r0 as usize <= row) - 1;
        let (r0, l0) = self.runs[run];
        u64::from(l0) + (row - r0 as usize) as u64
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The last row's line.
    pub fn last(&self) -> Option<u64> {
        (self.len > 0).then(|| self.get(self.len - 1))
    }

    /// Number of runs of rows one line apart (what the lines take: 8 bytes each).
    pub fn runs(&self) -> usize {
        self.runs.len()
    }

    /// Every row's line, in order.
    pub fn iter(&self) -> impl Iterator<Item = u64> + '_ {
        self.runs.iter().enumerate().flat_map(move |(i, &(r0, l0))| {
            let end = self.runs.get(i + 1).map_or(self.len, |&(r1, _)| r1 as usize);
            (0..(end - r0 as usize) as u64).map(move |k| u64::from(l0) + k)
        })
    }
}

impl Extend<u64> for Lines {
    fn extend<I: IntoIterator<Item = u64>>(&mut self, lines: I) {
        lines.into_iter().for_each(|line| self.push(line));
    }
}

impl FromIterator<u64> for Lines {
    fn from_iter<I: IntoIterator<Item = u64>>(lines: I) -> Self {
        let mut out = Lines::new();
        out.extend(lines);
        out
    }
}

impl From<Vec<u64>> for Lines {
    fn from(lines: Vec<u64>) -> Self {
        lines.into_iter().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_row_keeps_its_line_across_runs() {
        // One-line records, a three-line record at row 3, a skipped (blank or rejected) line, an
        // equal line twice (never written by a reader, but kept exactly).
        let want: Vec<u64> = vec![2, 3, 4, 5, 8, 9, 11, 11, 12];
        let lines: Lines = want.iter().copied().collect();
        assert_eq!(lines.len(), want.len());
        assert_eq!((0..want.len()).map(|r| lines.get(r)).collect::<Vec<_>>(), want);
        assert_eq!(lines.iter().collect::<Vec<_>>(), want);
        assert_eq!(lines.runs(), 4);
        assert_eq!(lines.last(), Some(12));
        let one_line_each: Lines = (2..1_000_002).collect();
        assert_eq!((one_line_each.runs(), one_line_each.get(999_999)), (1, 1_000_001));
        assert!(Lines::new().is_empty() && Lines::new().last().is_none());
    }
}
