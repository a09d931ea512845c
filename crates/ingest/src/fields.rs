//! Path-aware reads from a parsed JSON value, so every error names its field.

use domain::{Labels, Link, Timestamp};
use serde_json::{Map, Value};

use crate::error::{ErrorCode, FieldError, IngestError, ItemError};
use crate::{FUTURE_TOLERANCE_SECS, MAX_BATCH, MAX_DEPTH};

/// Longest accepted `dedup_key`, as PagerDuty documents it.
pub(crate) const MAX_DEDUP_KEY_CHARS: usize = 255;
/// Longest accepted summary, as PagerDuty documents it.
pub(crate) const MAX_SUMMARY_CHARS: usize = 1024;

/// Rejects bodies nested deeper than [`MAX_DEPTH`] before serde sees them.
///
/// Counts `[`/`{` outside strings; string contents, escaped quotes
/// included, are skipped a vector's width at a time (most of a request is
/// strings). It does not validate anything else: a body that passes may
/// still be invalid JSON.
pub fn check_depth(body: &[u8]) -> Result<(), IngestError> {
    let mut depth = 0usize;
    let mut at = 0;
    while let Some(&byte) = body.get(at) {
        match byte {
            b'"' => match string_end(body, at + 1) {
                Some(end) => at = end,
                // Unterminated: nothing nests any further.
                None => return Ok(()),
            },
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_DEPTH {
                    return Err(IngestError::new(
                        ErrorCode::TooDeep,
                        format!("JSON is nested deeper than the limit of {MAX_DEPTH} levels"),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        at += 1;
    }
    Ok(())
}

/// The index of the quote that closes the string whose contents start at
/// `from`, skipping each escaped character.
fn string_end(body: &[u8], mut from: usize) -> Option<usize> {
    loop {
        let found = from + memchr::memchr2(b'"', b'\\', body.get(from..)?)?;
        if body[found] == b'"' {
            return Some(found);
        }
        from = found + 2;
    }
}

/// Depth check, then serde: malformed JSON and invalid UTF-8 become `InvalidJson`.
pub(crate) fn parse_body(body: &[u8]) -> Result<Value, IngestError> {
    check_depth(body)?;
    serde_json::from_slice(body)
        .map_err(|e| IngestError::new(ErrorCode::InvalidJson, format!("invalid JSON: {e}")))
}

/// Like [`parse_body`], but an empty (or all-whitespace) body gets its own message naming what was expected.
pub(crate) fn parse_nonempty_body(body: &[u8], expected: &str) -> Result<Value, IngestError> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Err(IngestError::new(
            ErrorCode::InvalidJson,
            format!("the body is empty; expected {expected}"),
        ));
    }
    parse_body(body)
}

/// "a string", "an object", … for error messages.
pub(crate) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// Longest key a path shows whole; a longer one is cut, so that an error
/// about it does not echo a body's worth of key back.
const MAX_PATH_KEY_CHARS: usize = 64;

/// `parent.key`, or `parent["odd key"]` when the key is not a plain
/// identifier; a key over [`MAX_PATH_KEY_CHARS`] is shown cut, `"abc…"`.
pub(crate) fn join(parent: &str, key: &str) -> String {
    let cut;
    let key = if key.chars().count() > MAX_PATH_KEY_CHARS {
        cut = format!("{}…", key.chars().take(MAX_PATH_KEY_CHARS).collect::<String>());
        cut.as_str()
    } else {
        key
    };
    let plain = !key.is_empty() && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (parent.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (true, false) => format!("[{key:?}]"),
        (false, true) => format!("{parent}.{key}"),
        (false, false) => format!("{parent}[{key:?}]"),
    }
}

/// A JSON object and the path it was found at (`""` for the body itself).
#[derive(Clone)]
pub(crate) struct Obj<'a> {
    pub(crate) map: &'a Map<String, Value>,
    pub(crate) path: String,
}

impl<'a> Obj<'a> {
    /// `value` must be an object; `path` names it in errors (`""` = the body).
    pub(crate) fn new(value: &'a Value, path: impl Into<String>) -> Result<Self, FieldError> {
        let path = path.into();
        match value {
            Value::Object(map) => Ok(Self { map, path }),
            other => {
                let name = if path.is_empty() { "body" } else { path.as_str() };
                Err(FieldError::invalid(
                    name,
                    format_args!("expected an object, found {}", kind_of(other)),
                ))
            }
        }
    }

    pub(crate) fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }

    /// The value of `key`; absent and `null` are the same.
    pub(crate) fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    pub(crate) fn opt_str(&self, key: &str) -> Result<Option<&'a str>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(other) => Err(FieldError::invalid(
                &self.path(key),
                format_args!("expected a string, found {}", kind_of(other)),
            )),
        }
    }

    /// Like [`Self::opt_str`], but the empty string counts as absent.
    pub(crate) fn opt_nonempty_str(&self, key: &str) -> Result<Option<&'a str>, FieldError> {
        Ok(self.opt_str(key)?.filter(|s| !s.is_empty()))
    }

    /// A required, non-empty string.
    pub(crate) fn req_str(&self, key: &str) -> Result<&'a str, FieldError> {
        match self.opt_str(key)? {
            None => Err(FieldError::missing(&self.path(key), "required field is missing")),
            Some("") => Err(FieldError::invalid(&self.path(key), "must not be empty")),
            Some(s) => Ok(s),
        }
    }

    pub(crate) fn opt_bool(&self, key: &str) -> Result<Option<bool>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(FieldError::invalid(
                &self.path(key),
                format_args!("expected a boolean, found {}", kind_of(other)),
            )),
        }
    }

    pub(crate) fn opt_f64(&self, key: &str) -> Result<Option<f64>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(other) => Err(FieldError::invalid(
                &self.path(key),
                format_args!("expected a number, found {}", kind_of(other)),
            )),
        }
    }

    /// A required object.
    pub(crate) fn req_obj(&self, key: &str) -> Result<Obj<'a>, FieldError> {
        self.opt_obj(key)?
            .ok_or_else(|| FieldError::missing(&self.path(key), "required field is missing"))
    }

    /// An array of strings (AWS `resources`, Azure `alertTargetIDs`); absent = empty, empty strings dropped.
    pub(crate) fn string_list(&self, key: &str) -> Result<Vec<String>, FieldError> {
        let Some(items) = self.opt_array(key)? else { return Ok(Vec::new()) };
        let parent = self.path(key);
        let mut out = Vec::with_capacity(items.len());
        for (index, item) in items.iter().enumerate() {
            match item {
                Value::String(text) if text.is_empty() => {}
                Value::String(text) => out.push(text.clone()),
                other => {
                    return Err(FieldError::invalid(
                        &item_path(&parent, index),
                        format_args!("expected a string, found {}", kind_of(other)),
                    ));
                }
            }
        }
        Ok(out)
    }

    pub(crate) fn opt_obj(&self, key: &str) -> Result<Option<Obj<'a>>, FieldError> {
        match self.get(key) {
            Some(value) => Obj::new(value, self.path(key)).map(Some),
            None => Ok(None),
        }
    }

    pub(crate) fn opt_array(&self, key: &str) -> Result<Option<&'a [Value]>, FieldError> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(items)) => Ok(Some(items)),
            Some(other) => Err(FieldError::invalid(
                &self.path(key),
                format_args!("expected an array, found {}", kind_of(other)),
            )),
        }
    }

    pub(crate) fn req_array(&self, key: &str) -> Result<&'a [Value], FieldError> {
        self.opt_array(key)?
            .ok_or_else(|| FieldError::missing(&self.path(key), "required field is missing"))
    }

    /// An object whose values are all strings (labels, annotations). Absent = empty.
    pub(crate) fn string_map(&self, key: &str) -> Result<Labels, FieldError> {
        let Some(value) = self.get(key) else { return Ok(Labels::new()) };
        let path = self.path(key);
        let Value::Object(map) = value else {
            return Err(FieldError::invalid(
                &path,
                format_args!("expected an object of strings, found {}", kind_of(value)),
            ));
        };
        let mut out = Labels::new();
        for (name, value) in map {
            let Value::String(text) = value else {
                return Err(FieldError::invalid(
                    &join(&path, name),
                    format_args!("expected a string, found {}", kind_of(value)),
                ));
            };
            out.insert(name.clone(), text.clone());
        }
        Ok(out)
    }

    /// Rejects any key not in `allowed` (the native format denies unknown fields).
    pub(crate) fn deny_unknown(&self, allowed: &[&str]) -> Result<(), FieldError> {
        match self.map.keys().find(|k| !allowed.contains(&k.as_str())) {
            None => Ok(()),
            Some(unknown) => Err(FieldError::invalid(
                &self.path(unknown),
                format_args!("unknown field; expected one of {}", allowed.join(", ")),
            )),
        }
    }
}

/// Walks an array of objects, giving each its `parent[index]` path.
pub(crate) fn item_path(parent: &str, index: usize) -> String {
    format!("{parent}[{index}]")
}

/// Parses a timestamp field (RFC 3339 / ISO 8601 with an offset).
pub(crate) fn timestamp(path: &str, text: &str) -> Result<Timestamp, FieldError> {
    text.parse::<Timestamp>().map_err(|e| {
        FieldError::invalid(
            path,
            format_args!(
                "invalid timestamp {text:?} ({e}); expected RFC 3339 such as 2026-11-21T10:00:00Z"
            ),
        )
    })
}

/// Rejects a start/occurred timestamp more than [`FUTURE_TOLERANCE_SECS`] after `now`.
pub(crate) fn not_in_future(
    path: &str,
    at: Timestamp,
    now: Timestamp,
) -> Result<Timestamp, FieldError> {
    if in_future(at, now) {
        return Err(FieldError::invalid(
            path,
            format_args!(
                "{at} is in the future (more than {FUTURE_TOLERANCE_SECS} seconds after {now})"
            ),
        ));
    }
    Ok(at)
}

/// Whether `at` is more than [`FUTURE_TOLERANCE_SECS`] after `now`.
pub(crate) fn in_future(at: Timestamp, now: Timestamp) -> bool {
    at.as_second().saturating_sub(now.as_second()) > FUTURE_TOLERANCE_SECS
}

/// A length limit in characters (not bytes).
pub(crate) fn at_most(path: &str, text: &str, max: usize) -> Result<(), FieldError> {
    let chars = text.chars().count();
    if chars > max {
        return Err(FieldError::invalid(
            path,
            format_args!("must be at most {max} characters, got {chars}"),
        ));
    }
    Ok(())
}

/// At most `max` characters, the last one an ellipsis when cut.
pub(crate) fn truncate(text: String, max: usize) -> String {
    if text.chars().count() <= max {
        return text;
    }
    let mut cut: String = text.chars().take(max.saturating_sub(1)).collect();
    cut.push('…');
    cut
}

/// FNV-1a 64 of `bytes` as 16 hex digits: a stable key for inputs that carry no id of their own.
pub(crate) fn fnv1a_hex(bytes: &[u8]) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in bytes {
        hash ^= u64::from(*byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// Percent-encodes everything but RFC 3986 unreserved characters (for links we build).
pub(crate) fn percent_encode(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'.' | b'_' | b'~') {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

/// `[{href, text}]`, href required; `strict` denies other keys (native format).
pub(crate) fn links(obj: &Obj<'_>, key: &str, strict: bool) -> Result<Vec<Link>, FieldError> {
    let Some(items) = obj.opt_array(key)? else { return Ok(Vec::new()) };
    let parent = obj.path(key);
    let mut out = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let path = item_path(&parent, index);
        let link = Obj::new(item, path)?;
        if strict {
            link.deny_unknown(&["href", "text"])?;
        }
        let href = link.req_str("href")?;
        let text = link.opt_nonempty_str("text")?;
        out.push(Link { href: href.to_owned(), text: text.map(str::to_owned) });
    }
    Ok(out)
}

/// Validates every item of a batch; atomic: one bad item rejects them all.
///
/// `noun` names the array in paths and messages (`alerts`, `events`).
pub(crate) fn batch<T>(
    items: &[Value],
    noun: &str,
    parse: impl FnMut(&str, &Value) -> Result<T, FieldError>,
) -> Result<Vec<T>, IngestError> {
    batch_limited(items, noun, MAX_BATCH, parse)
}

/// [`batch`] with another limit than [`MAX_BATCH`] (CloudTrail log files).
pub(crate) fn batch_limited<T>(
    items: &[Value],
    noun: &str,
    limit: usize,
    mut parse: impl FnMut(&str, &Value) -> Result<T, FieldError>,
) -> Result<Vec<T>, IngestError> {
    if items.len() > limit {
        return Err(IngestError::new(
            ErrorCode::BatchTooLarge,
            format!("{noun}: {} items is more than the limit of {limit} per request", items.len()),
        ));
    }
    let mut parsed = Vec::with_capacity(items.len());
    let mut errors = Vec::new();
    for (index, item) in items.iter().enumerate() {
        let path = item_path(noun, index);
        match parse(&path, item) {
            Ok(value) => parsed.push(value),
            Err(error) => errors.push(ItemError { index, message: error.message }),
        }
    }
    let Some(first) = errors.first() else { return Ok(parsed) };
    let message = format!(
        "{} of {} {noun} invalid, so none were accepted; first: {}",
        errors.len(),
        items.len(),
        first.message
    );
    Err(IngestError { code: ErrorCode::InvalidItems, message, items: errors })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_counts_containers_outside_strings() {
        let ok = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(check_depth(ok.as_bytes()).is_ok());
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        let error = check_depth(deep.as_bytes()).err();
        assert_eq!(error.map(|e| e.code), Some(ErrorCode::TooDeep));
        let in_string = format!(r#"{{"a": "{}\"{}"}}"#, "[".repeat(100), "{".repeat(100));
        assert!(check_depth(in_string.as_bytes()).is_ok());
    }

    /// What [`check_depth`] did a byte at a time, before it skipped strings whole.
    fn depth_byte_by_byte(body: &[u8]) -> bool {
        let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
        for &byte in body {
            if in_string {
                if escaped {
                    escaped = false;
                } else if byte == b'\\' {
                    escaped = true;
                } else if byte == b'"' {
                    in_string = false;
                }
                continue;
            }
            match byte {
                b'"' => in_string = true,
                b'[' | b'{' => {
                    depth += 1;
                    if depth > MAX_DEPTH {
                        return false;
                    }
                }
                b']' | b'}' => depth = depth.saturating_sub(1),
                _ => {}
            }
        }
        true
    }

    proptest::proptest! {
        #[test]
        fn skipping_strings_counts_as_a_byte_at_a_time(
            body in proptest::collection::vec(
                proptest::sample::select(&b"[]{}\"\\a"[..]), 0..400)
        ) {
            proptest::prop_assert_eq!(check_depth(&body).is_ok(), depth_byte_by_byte(&body));
        }
    }

    #[test]
    fn truncation_counts_characters() {
        assert_eq!(truncate("héllo".into(), 5), "héllo");
        assert_eq!(truncate("héllo!".into(), 5), "héll…");
    }

    #[test]
    fn percent_encoding_keeps_unreserved() {
        assert_eq!(percent_encode("a-b_c.d~e"), "a-b_c.d~e");
        assert_eq!(percent_encode("EC2 CPU/é"), "EC2%20CPU%2F%C3%A9");
    }

    #[test]
    fn paths_quote_odd_keys() {
        assert_eq!(join("", "labels"), "labels");
        assert_eq!(join("alerts[0].labels", "team"), "alerts[0].labels.team");
        assert_eq!(join("alerts[0].labels", "a b"), "alerts[0].labels[\"a b\"]");
    }
}
