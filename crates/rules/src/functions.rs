//! Functions added to CEL's standard library: `matches()` with patterns compiled once.
//!
//! cel's own `matches()` compiles its pattern on every call, far too slow
//! for the ingest path. Here literal patterns are compiled (and checked) with
//! the rules, and the function looks them up; a pattern computed at run time
//! is compiled on the spot.

use std::collections::HashMap;
use std::sync::Arc;

use cel::common::types::CelString;
use cel::common::value::CowVal;
use cel::{ExecutionError, FunctionContext};
use regex::Regex;

/// Compiled regexes are bounded so that a pattern cannot make rules slow or large.
const REGEX_SIZE_LIMIT: usize = 1 << 20;

pub(crate) fn compile_regex(pattern: &str) -> Result<Regex, regex::Error> {
    regex::RegexBuilder::new(pattern).size_limit(REGEX_SIZE_LIMIT).build()
}

/// Literal patterns of all rules, compiled.
pub(crate) type Patterns = Arc<HashMap<String, Regex>>;

fn string_arg<'b>(
    ftx: &FunctionContext,
    value: &'b CowVal<'_, '_>,
) -> Result<&'b str, ExecutionError> {
    value
        .downcast_ref::<CelString>()
        .map(CelString::inner)
        .ok_or_else(|| ftx.error(format!("expects strings, got {}", value.get_type().name())))
}

/// `s.matches(re)` and `matches(s, re)`: whether `re` (RE2-like syntax of the
/// `regex` crate) matches anywhere in `s`.
pub(crate) fn matches(
    patterns: Patterns,
) -> impl Fn(&FunctionContext) -> Result<bool, ExecutionError> {
    move |ftx: &FunctionContext| {
        let (subject, pattern) = match (&ftx.this, ftx.args.as_slice()) {
            (Some(this), [pattern]) => (this, pattern),
            (None, [subject, pattern]) => (subject, pattern),
            _ => return Err(ftx.error("expects a string and a pattern")),
        };
        let subject = string_arg(ftx, subject)?;
        let pattern = string_arg(ftx, pattern)?;
        match patterns.get(pattern) {
            Some(regex) => Ok(regex.is_match(subject)),
            None => compile_regex(pattern)
                .map(|regex| regex.is_match(subject))
                .map_err(|error| ftx.error(format!("invalid pattern {pattern:?}: {error}"))),
        }
    }
}
