//! The `priority` section: defaults, partial maps, users-affected rules, and every error at its exact line.

use domain::{Criticality, Environment, PriorityMatrix, Severity, Tier, UsersAffected};

use crate::{doc, errors, expect, ok};

#[test]
fn without_a_priority_section_the_matrix_is_the_default() {
    let config = ok("tenants: []\n");
    assert_eq!(config.priority, PriorityMatrix::default());
}

#[test]
fn every_setting_is_read_and_left_out_words_keep_their_defaults() {
    let config = ok(&doc(&[
        "priority:",
        "  severity: {critical: 1, error: 1, warning: 2}",
        "  environment: {stage: 4}",
        "  criticality: {low: 3, medium: 0}",
        "  tier: {platinum: 0, gold: 0, silver: 2, bronze: 3}",
        "  users_affected:",
        "    - {at_least: 1000, raise: 2}",
        "    - {at_least: 100, raise: 1}",
    ]));
    let matrix = &config.priority;
    assert_eq!(matrix.baseline(Severity::Error), 1);
    assert_eq!(matrix.baseline(Severity::Warning), 2);
    assert_eq!(matrix.baseline(Severity::Info), 4, "default");
    assert_eq!(matrix.environment_steps(Environment::Stage), 4);
    assert_eq!(matrix.environment_steps(Environment::Dr), 1, "default");
    assert_eq!(matrix.criticality_steps(Criticality::Low), 3);
    assert_eq!(matrix.criticality_steps(Criticality::Medium), 0);
    assert_eq!(matrix.tier_steps(Tier::Bronze), 3);
    assert_eq!(matrix.severity.len(), 4, "every severity has a level");
    assert_eq!(matrix.environment.len(), 4, "every environment has steps");
    assert_eq!(
        matrix.users_affected,
        [UsersAffected { at_least: 1000, raise: 2 }, UsersAffected { at_least: 100, raise: 1 }]
    );
    assert_eq!(matrix.users_affected_raise(500), 1);

    let example = ok(watchfloor_config::EXAMPLE);
    let defaults = PriorityMatrix::default();
    assert_eq!(
        (&example.priority.severity, &example.priority.environment),
        (&defaults.severity, &defaults.environment),
        "the example spells out the defaults"
    );
    assert_eq!(
        (&example.priority.criticality, &example.priority.tier),
        (&defaults.criticality, &defaults.tier)
    );
}

#[test]
fn priority_errors_are_reported_at_their_lines() {
    let diagnostics = errors(&doc(&[
        "priority:",                                                // 1
        "  severity: {critical: 0, error: 6, warning: 3, info: 4}", // 2
        "  environment: {production: 0, prodution: 1, dr: 5}",      // 3
        "  criticality: {urgent: 1}",                               // 4
        "  tier: gold",                                             // 5
        "  users_affected:",                                        // 6
        "    - {at_least: 100, raise: 1}",                          // 7
        "    - {at_least: 1000, raise: 0}",                         // 8
        "    - {at_least: 100, raise: 2}",                          // 9
        "    - {at_least: 0, raise: 5}",                            // 10
        "  impact: {}",                                             // 11
    ]));
    expect(&diagnostics, "priority.severity.critical", 2, "must be between 1 and 5, got 0");
    expect(&diagnostics, "priority.severity.error", 2, "must be between 1 and 5, got 6");
    expect(&diagnostics, "priority.environment.prodution", 3, "did you mean `production`?");
    expect(&diagnostics, "priority.environment.dr", 3, "must be between 0 and 4, got 5");
    expect(
        &diagnostics,
        "priority.criticality.urgent",
        4,
        "unknown field `urgent`; expected one of: critical, high, medium, low",
    );
    expect(
        &diagnostics,
        "priority.tier",
        5,
        "expected a number for each tier (a mapping), found \"gold\"",
    );
    expect(
        &diagnostics,
        "priority.users_affected[1].raise",
        8,
        "raises 0 for at least 1000 users, less than the 1 for at least 100",
    );
    expect(
        &diagnostics,
        "priority.users_affected[2].at_least",
        9,
        "duplicate threshold at_least: 100 (first at line 7)",
    );
    expect(&diagnostics, "priority.users_affected[3].at_least", 10, "at least 1, found \"0\"");
    expect(&diagnostics, "priority.users_affected[3].raise", 10, "must be between 0 and 4, got 5");
    expect(&diagnostics, "priority.impact", 11, "unknown field `impact`");
    assert_eq!(diagnostics.len(), 11, "{diagnostics:#?}");
}

#[test]
fn wrong_shapes_in_the_priority_section_are_reported() {
    let diagnostics = errors(&doc(&[
        "priority:",                         // 1
        "  severity: {critical: high}",      // 2
        "  users_affected: {at_least: 100}", // 3
    ]));
    expect(&diagnostics, "priority.severity.critical", 2, "expected a whole number from 1 to 5");
    expect(&diagnostics, "priority.users_affected", 3, "expected a list of users-affected rules");
    assert_eq!(diagnostics.len(), 2, "{diagnostics:#?}");

    let diagnostics = errors(&doc(&["priority:", "  users_affected: [{raise: 1}]"]));
    expect(
        &diagnostics,
        "priority.users_affected[0].at_least",
        2,
        "missing required field `at_least`",
    );
    let diagnostics = errors(&doc(&["priority: P1"]));
    expect(&diagnostics, "priority", 1, "expected the priority matrix (a mapping)");
}
