//! Rows packed into one buffer: each row's text fields are kept one after another in a single
//! string, so that reading a page of thousands of rows allocates a few times, not once a field.

use crate::StoreError;

#[derive(Debug, Clone)]
pub(crate) struct Packed<F, const N: usize> {
    text: String,
    /// Each row's fixed part, and where each of its text fields ends in `text`.
    rows: Vec<(F, [u32; N])>,
}

impl<F, const N: usize> Default for Packed<F, N> {
    fn default() -> Self {
        Packed {
            text: String::new(),
            rows: Vec::new(),
        }
    }
}

impl<F: Copy, const N: usize> Packed<F, N> {
    pub(crate) fn with_capacity(rows: usize, text_bytes: usize) -> Self {
        Packed {
            text: String::with_capacity(text_bytes),
            rows: Vec::with_capacity(rows),
        }
    }

    /// Adds a row; fails when a page would outgrow 4 GiB of text.
    pub(crate) fn push(&mut self, fixed: F, fields: [&str; N]) -> Result<(), StoreError> {
        let mut ends = [0u32; N];
        for (end, field) in ends.iter_mut().zip(fields) {
            self.text.push_str(field);
            *end = u32::try_from(self.text.len())
                .map_err(|_| StoreError::Corrupt("a page of rows over 4 GiB".into()))?;
        }
        self.rows.push((fixed, ends));
        Ok(())
    }

    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    pub(crate) fn last(&self) -> Option<&F> {
        self.rows.last().map(|(f, _)| f)
    }

    pub(crate) fn iter(&self) -> impl Iterator<Item = (F, [&str; N])> {
        let mut start = 0usize;
        self.rows.iter().map(move |(fixed, ends)| {
            let fields = std::array::from_fn(|i| {
                let from = if i == 0 { start } else { ends[i - 1] as usize };
                &self.text[from..ends[i] as usize]
            });
            start = ends[N - 1] as usize;
            (*fixed, fields)
        })
    }
}
