//! Keyset pagination: a page of rows and the cursor after its last row.
//!
//! No query uses OFFSET: each cursor holds the sort key of the last row returned, and the
//! next page seeks past it in an index, so page 1,000 costs what page 1 costs. Cursors are
//! opaque strings to callers (the CLI prints them, the UI hands them back).

use serde::Serialize;

use crate::StoreError;

/// The most rows one page may hold.
pub const MAX_PAGE: usize = 500;

/// One page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Page<T> {
    pub items: Vec<T>,
    /// Pass back to get the next page; `None` on the last page.
    pub next: Option<String>,
}

impl<T> Page<T> {
    /// Builds a page from up to `limit + 1` rows: the extra row only says there is more.
    pub(crate) fn from_rows(mut rows: Vec<T>, limit: usize, cursor: impl Fn(&T) -> String) -> Self {
        let more = rows.len() > limit;
        rows.truncate(limit);
        let next = if more { rows.last().map(cursor) } else { None };
        Page { items: rows, next }
    }
}

/// Clamps a requested page size to 1..=[`MAX_PAGE`].
pub(crate) fn clamp_limit(limit: usize) -> usize {
    limit.clamp(1, MAX_PAGE)
}

/// Splits a cursor into `n` integers separated by `.`.
pub(crate) fn parse_ints<const N: usize>(cursor: &str) -> Result<[i64; N], StoreError> {
    let invalid = || StoreError::InvalidCursor(cursor.to_owned());
    let mut out = [0i64; N];
    let mut parts = cursor.split('.');
    for slot in &mut out {
        *slot = parts
            .next()
            .ok_or_else(invalid)?
            .parse()
            .map_err(|_| invalid())?;
    }
    if parts.next().is_some() {
        return Err(invalid());
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cursors_round_trip_and_reject_junk() {
        assert_eq!(parse_ints::<3>("1.-5.9").unwrap(), [1, -5, 9]);
        assert!(parse_ints::<2>("1.2.3").is_err());
        assert!(parse_ints::<2>("1").is_err());
        assert!(parse_ints::<1>("x").is_err());
    }

    #[test]
    fn the_extra_row_means_a_next_page() {
        let p = Page::from_rows(vec![1, 2, 3], 2, |n| n.to_string());
        assert_eq!(p.items, vec![1, 2]);
        assert_eq!(p.next.as_deref(), Some("2"));
        let last = Page::from_rows(vec![1, 2], 2, |n| n.to_string());
        assert_eq!(last.next, None);
    }
}
