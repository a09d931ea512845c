//! `watchfloor check` errors: every problem, with the rule id, the field and a file position.

use rules::{
    CelSource, Diagnostic, EventAction, IncidentAction, LabelValue, Position, RuleKind, RuleSpec,
};

use crate::rule;

fn errors(rules: Vec<rules::EventRuleSpec>) -> Vec<Diagnostic> {
    match rules::compile(&rules, &[]) {
        Ok(_) => panic!("expected diagnostics"),
        Err(diagnostics) => diagnostics,
    }
}

/// A rule as the config crate would hand it over: the rule on `line`, its
/// expression starting at `when_at`.
fn positioned(id: &str, line: usize, when: &str, when_at: Position) -> rules::EventRuleSpec {
    RuleSpec {
        id: id.to_owned(),
        when: CelSource::new(when, when_at),
        actions: vec![EventAction::Drop],
        stop: false,
        line,
    }
}

#[test]
fn a_syntax_error_names_the_rule_and_its_position_in_the_file() {
    // line 6:     when: 'event.summary =='
    //                    ^ column 12; the expression starts one column later.
    let diagnostics =
        errors(vec![positioned("vpn-noise", 5, "event.summary ==", Position::new(6, 13))]);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic.rule_id, "vpn-noise");
    assert_eq!(diagnostic.kind, RuleKind::Event);
    assert_eq!(diagnostic.field, "when");
    assert_eq!(diagnostic.path(), "rules.events[0].when");
    // The parser reports the end of input at column 17 of the expression.
    assert_eq!((diagnostic.line, diagnostic.column), (6, 13 + 17 - 1));
    assert!(diagnostic.message.starts_with("CEL syntax error: "), "{}", diagnostic.message);
    assert!(
        diagnostic
            .to_string()
            .starts_with("6:29: rules.events[0].when: rule `vpn-noise`: CEL syntax error")
    );
}

#[test]
fn errors_on_later_lines_of_a_block_scalar_keep_their_line() {
    // when: |
    //   event.labels.alertname == "VpnDown" &&
    //     event.sumary == "x"
    let when = "event.labels.alertname == \"VpnDown\" &&\n  event.sumary == \"x\"";
    let diagnostics = errors(vec![positioned("vpn", 10, when, Position::new(11, 9))]);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic.line, 12);
    // `sumary` starts at column 9 of the second line.
    assert_eq!(diagnostic.column, 9 + 9 - 1, "{diagnostic:?}");
    assert!(diagnostic.message.contains("did you mean `summary`?"), "{}", diagnostic.message);
}

#[test]
fn columns_count_characters_not_bytes() {
    // 'ü' and 'é' are two bytes each in UTF-8; YAML columns count characters.
    let diagnostics =
        errors(vec![positioned("x", 1, "'Zürich' == 'é' || now.zone", Position::new(2, 11))]);
    assert_eq!(diagnostics[0].column, 11 + 24 - 1, "{:?}", diagnostics[0]);
}

#[test]
fn without_positions_the_rule_line_is_used() {
    let diagnostics = errors(vec![positioned("r", 42, "1 +", Position::default())]);
    assert_eq!((diagnostics[0].line, diagnostics[0].column), (42, 0));
}

#[test]
fn unknown_variables_and_fields_are_check_errors() {
    let diagnostics = errors(vec![
        rule("typo-variable", "evnt.summary == 'x'", vec![EventAction::Drop]),
        rule("typo-field", "event.labls.team == 'x'", vec![EventAction::Drop]),
        rule("scalar-field", "now.hour == 3", vec![EventAction::Drop]),
    ]);
    let messages: Vec<(&str, &str)> =
        diagnostics.iter().map(|d| (d.rule_id.as_str(), d.message.as_str())).collect();
    assert_eq!(messages.len(), 3, "{messages:#?}");
    assert!(messages.iter().any(|(id, m)| *id == "typo-variable"
        && m.contains("unknown variable `evnt`; did you mean `event`?")));
    assert!(messages.iter().any(|(id, m)| *id == "typo-field"
        && m.contains("`event` has no field `labls`; did you mean `labels`?")));
    assert!(
        messages.iter().any(|(id, m)| *id == "scalar-field" && m.contains("`now` has no fields"))
    );
}

#[test]
fn comprehension_variables_and_type_names_are_not_unknown() {
    let ok = rules::compile(
        &[rule(
            "teams",
            "event.labels.exists(k, k.startsWith('team')) && type(event.summary) == string \
             && event.resources.all(r, r.contains(':'))",
            vec![EventAction::Drop],
        )],
        &[],
    );
    assert!(ok.is_ok(), "{ok:?}");
}

#[test]
fn incident_rules_do_not_see_the_event() {
    let spec =
        RuleSpec::new("p1", "event.severity == 'critical'", vec![IncidentAction::Tag("x".into())]);
    let diagnostics = rules::compile(&[], &[spec]).expect_err("event is not an incident variable");
    assert_eq!(diagnostics[0].kind, RuleKind::Incident);
    assert_eq!(diagnostics[0].path(), "rules.incidents[0].when");
    assert!(diagnostics[0].message.contains("unknown variable `event`"), "{:?}", diagnostics[0]);
}

#[test]
fn invalid_regular_expressions_are_check_errors_at_the_pattern() {
    let spec =
        positioned("bad-regex", 3, "event.summary.matches('(unclosed')", Position::new(4, 11));
    let diagnostics = errors(vec![spec]);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert!(
        diagnostics[0].message.starts_with("invalid regular expression"),
        "{:?}",
        diagnostics[0]
    );
    // The pattern literal starts at column 23 of the expression.
    assert_eq!((diagnostics[0].line, diagnostics[0].column), (4, 11 + 23 - 1));
}

#[test]
fn expressions_in_label_values_are_checked_too() {
    let spec = rule(
        "host",
        "true",
        vec![EventAction::SetLabel {
            name: "host".into(),
            value: LabelValue::Cel(CelSource::new(
                "event.sorce.split('.')[0]",
                Position::new(8, 15),
            )),
        }],
    );
    let diagnostics = errors(vec![spec]);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:#?}");
    assert_eq!(diagnostics[0].field, "labels.host");
    assert_eq!(diagnostics[0].line, 8);
    assert!(diagnostics[0].message.contains("did you mean `source`?"));
}

#[test]
fn every_problem_is_reported_sorted_by_position() {
    let mut no_actions = positioned("noop", 1, "true", Position::new(2, 11));
    no_actions.actions.clear();
    let mut bad_id = positioned("Bad Id", 3, "true", Position::new(4, 11));
    bad_id.actions = vec![EventAction::SetSeverity(domain::Severity::Info)];
    let duplicate = positioned("noop", 7, "true", Position::new(8, 11));
    let mut drop_and_more = positioned("drop-more", 5, "true", Position::new(6, 11));
    drop_and_more.actions.push(EventAction::RemoveLabel("pod".into()));
    let empty = positioned("empty", 9, "  ", Position::new(10, 11));
    let diagnostics = errors(vec![no_actions, bad_id, drop_and_more, duplicate, empty]);
    let summary: Vec<(usize, &str, &str)> =
        diagnostics.iter().map(|d| (d.line, d.rule_id.as_str(), d.field.as_str())).collect();
    assert_eq!(
        summary,
        vec![
            (1, "noop", "actions"),
            (3, "Bad Id", "id"),
            (5, "drop-more", "drop"),
            (7, "noop", "id"),
            (10, "empty", "when"),
        ]
    );
    assert!(diagnostics[3].message.contains("duplicate rule id"));
}

#[test]
fn a_map_literal_must_be_compared_from_the_right() {
    let diagnostics =
        errors(vec![rule("reversed", "{'a': '1'} == event.labels", vec![EventAction::Drop])]);
    assert!(diagnostics[0].message.contains("map literal on the right"), "{diagnostics:?}");
    assert!(
        rules::compile(&[rule("ok", "event.labels != {'a': '1'}", vec![EventAction::Drop])], &[])
            .is_ok()
    );
}

#[test]
fn a_rule_may_only_stop() {
    let spec =
        positioned("platinum-untouched", 1, "tenant.tier == 'platinum'", Position::default());
    let spec = RuleSpec { actions: Vec::new(), stop: true, ..spec };
    assert!(rules::compile(&[spec], &[]).is_ok());
}

#[test]
fn the_parser_never_takes_the_process_down() {
    // Inputs that made cel-interpreter 0.10's parser panic (cel-rust#191, #194).
    for text in
        ["event.summary ==", "1 +", "(", ")", ".", "/", "a.b(\"x)", "event.labels.x == 'a' && )"]
    {
        let diagnostics = errors(vec![rule("r", text, vec![EventAction::Drop])]);
        assert!(!diagnostics.is_empty(), "{text}");
        assert!(
            diagnostics.iter().all(|d| d.message.starts_with("CEL syntax error")),
            "{text}: {diagnostics:#?}"
        );
    }
}
