//! Small SQL conveniences shared by the table modules.

/// The error for a stored enum value this build does not know (a newer writer, or damage).
pub(crate) fn bad_enum(column: &'static str, value: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("unknown {column} value {value:?}").into(),
    )
}

/// The error for a stored integer code this build does not know (a newer writer, or damage).
pub(crate) fn bad_code(column: &'static str, value: i64) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Integer,
        format!("unknown {column} code {value}").into(),
    )
}

/// A JSON array of ids, for `IN (SELECT value FROM json_each(?))` with one bound parameter.
pub(crate) fn json_ids(ids: impl IntoIterator<Item = i64>) -> String {
    let mut s = String::from("[");
    for (i, id) in ids.into_iter().enumerate() {
        if i > 0 {
            s.push(',');
        }
        s.push_str(&id.to_string());
    }
    s.push(']');
    s
}
