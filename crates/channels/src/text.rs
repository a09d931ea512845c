//! Text helpers for channel limits: truncation at char boundaries and Slack mrkdwn escaping.

use std::borrow::Cow;

/// Appended where text was cut.
pub(crate) const ELLIPSIS: char = '…';

/// At most `max_chars` chars (Unicode scalar values). When the text is longer
/// it is cut at a char boundary and ends in `…`, which counts toward the limit.
pub(crate) fn truncate(text: &str, max_chars: usize) -> Cow<'_, str> {
    if text.char_indices().nth(max_chars).is_none() {
        return Cow::Borrowed(text);
    }
    let Some(keep) = max_chars.checked_sub(1) else {
        return Cow::Borrowed("");
    };
    let cut = text.char_indices().nth(keep).map_or(text.len(), |(index, _)| index);
    let mut out = String::with_capacity(cut + ELLIPSIS.len_utf8());
    out.push_str(&text[..cut]);
    out.push(ELLIPSIS);
    Cow::Owned(out)
}

/// Replaces control characters (newlines, tabs …) with spaces, for one-line values.
pub(crate) fn single_line(text: &str) -> Cow<'_, str> {
    if text.chars().any(char::is_control) {
        Cow::Owned(text.chars().map(|c| if c.is_control() { ' ' } else { c }).collect())
    } else {
        Cow::Borrowed(text)
    }
}

/// What Slack requires escaped in mrkdwn: `&`, `<` and `>`. Escaping `<` also
/// keeps text from alerts from becoming mentions such as `<!channel>`.
fn mrkdwn_escape(c: char) -> Option<&'static str> {
    match c {
        '&' => Some("&amp;"),
        '<' => Some("&lt;"),
        '>' => Some("&gt;"),
        _ => None,
    }
}

/// `text` escaped for Slack mrkdwn, at most `max_chars` chars after escaping.
/// Never cuts inside an entity: an `&amp;` is kept whole or dropped whole.
pub(crate) fn mrkdwn(text: &str, max_chars: usize) -> String {
    let escaped_len: usize =
        text.chars().map(|c| mrkdwn_escape(c).map_or(1, |entity| entity.len())).sum();
    let budget = if escaped_len <= max_chars { max_chars } else { max_chars.saturating_sub(1) };
    let mut out = String::with_capacity(text.len());
    let mut used = 0;
    for c in text.chars() {
        let width = mrkdwn_escape(c).map_or(1, |entity| entity.len());
        if used + width > budget {
            break;
        }
        match mrkdwn_escape(c) {
            Some(entity) => out.push_str(entity),
            None => out.push(c),
        }
        used += width;
    }
    if escaped_len > max_chars && max_chars > 0 {
        out.push(ELLIPSIS);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_text_is_borrowed_unchanged() {
        assert!(matches!(truncate("héllo", 5), Cow::Borrowed("héllo")));
        assert_eq!(truncate("", 3), "");
    }

    #[test]
    fn long_text_is_cut_at_a_char_boundary_with_an_ellipsis() {
        assert_eq!(truncate("abcdef", 4), "abc…");
        assert_eq!(truncate("🔴🟠🟡🔵", 3), "🔴🟠…");
        assert_eq!(truncate("日本語のタイトル", 5), "日本語の…");
        assert_eq!(truncate("abc", 0), "");
        assert_eq!(truncate("abc", 1), "…");
        for max in 0..12 {
            assert!(truncate("ñandú ümlaut 🔥", max).chars().count() <= max);
        }
    }

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(single_line("a\nb\tc\r"), "a b c ");
        assert!(matches!(single_line("plain"), Cow::Borrowed("plain")));
    }

    #[test]
    fn mrkdwn_escapes_what_slack_requires() {
        assert_eq!(mrkdwn("<!channel> R&D > ops", 100), "&lt;!channel&gt; R&amp;D &gt; ops");
        assert_eq!(mrkdwn("*bold* _it_", 100), "*bold* _it_");
    }

    #[test]
    fn mrkdwn_truncation_never_splits_an_entity() {
        // "a&b" escapes to "a&amp;b" (7 chars).
        assert_eq!(mrkdwn("a&b", 7), "a&amp;b");
        assert_eq!(mrkdwn("a&bc", 7), "a&amp;…");
        assert_eq!(mrkdwn("a&b", 6), "a…");
        assert_eq!(mrkdwn("a&b", 0), "");
        for max in 0..20 {
            let out = mrkdwn("x<y>&z ünï 🔥", max);
            assert!(out.chars().count() <= max, "{out:?} longer than {max}");
        }
    }
}
