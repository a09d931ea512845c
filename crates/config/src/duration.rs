//! Durations as written in the config: `250ms`, `30s`, `5m`, `1h30m`, `2d`.

use std::time::Duration;

const UNITS: &[(&str, u64)] =
    &[("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1)];

fn accepted_form(text: &str) -> String {
    format!(
        "invalid duration {text:?}: expected whole numbers with units, largest first \
         (d, h, m, s, ms), e.g. \"250ms\", \"30s\", \"5m\", \"1h30m\", \"2d\""
    )
}

/// Parses a duration such as `"250ms"`, `"30s"`, `"5m"`, `"1h"`, `"1h30m"` or
/// `"2d"`. Each part is a whole number and a unit (`d`, `h`, `m`, `s`, `ms`);
/// units appear at most once, largest first. `"0s"` is allowed.
pub fn parse_duration(text: &str) -> Result<Duration, String> {
    let trimmed = text.trim();
    if trimmed.is_empty() {
        return Err(accepted_form(text));
    }
    let mut rest = trimmed;
    let mut total_ms: u64 = 0;
    // Index into UNITS of the last unit used: later units must be smaller.
    let mut last_unit: Option<usize> = None;
    while !rest.is_empty() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 {
            return Err(accepted_form(text));
        }
        let (number, after) = rest.split_at(digits);
        let letters = after.bytes().take_while(u8::is_ascii_alphabetic).count();
        let (unit, after) = after.split_at(letters);
        let Some(index) = UNITS.iter().position(|(name, _)| *name == unit) else {
            return Err(accepted_form(text));
        };
        if last_unit.is_some_and(|last| index <= last) {
            return Err(accepted_form(text));
        }
        last_unit = Some(index);
        let value: u64 = number.parse().map_err(|_| format!("duration {text:?} is too large"))?;
        total_ms = value
            .checked_mul(UNITS[index].1)
            .and_then(|ms| total_ms.checked_add(ms))
            .ok_or_else(|| format!("duration {text:?} is too large"))?;
        rest = after;
    }
    Ok(Duration::from_millis(total_ms))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepted_forms() {
        assert_eq!(parse_duration("250ms"), Ok(Duration::from_millis(250)));
        assert_eq!(parse_duration("30s"), Ok(Duration::from_secs(30)));
        assert_eq!(parse_duration("5m"), Ok(Duration::from_secs(300)));
        assert_eq!(parse_duration("1h"), Ok(Duration::from_secs(3600)));
        assert_eq!(parse_duration("1h30m"), Ok(Duration::from_secs(5400)));
        assert_eq!(parse_duration("2d"), Ok(Duration::from_secs(172_800)));
        assert_eq!(parse_duration("1m30s500ms"), Ok(Duration::from_millis(90_500)));
        assert_eq!(parse_duration("0s"), Ok(Duration::ZERO));
        assert_eq!(parse_duration(" 10s "), Ok(Duration::from_secs(10)));
    }

    #[test]
    fn rejected_forms_explain_the_accepted_one() {
        for bad in ["", "10", "s", "1.5s", "10 s", "-1s", "1w", "30m1h", "1m1m", "10sec", "1h 30m"]
        {
            let error = parse_duration(bad).expect_err(bad);
            assert!(error.contains("e.g. \"250ms\""), "{bad}: {error}");
        }
        let error = parse_duration("99999999999999999999d").expect_err("overflow");
        assert!(error.contains("too large"), "{error}");
        let error = parse_duration("999999999999999d").expect_err("overflow");
        assert!(error.contains("too large"), "{error}");
    }
}
