//! Priority from business impact, always with a sentence explaining it.

use domain::{Criticality, Environment, Priority, PriorityMatrix, Severity, Tier};

/// What priority is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Impact {
    pub tier: Tier,
    pub criticality: Criticality,
    pub environment: Environment,
    pub severity: Severity,
    /// From the alert label `users_affected`, when it is a whole number.
    pub users_affected: Option<u64>,
}

/// Applies `matrix`: severity sets the baseline level; the environment, the
/// service's criticality and the tenant's tier each add steps toward P5,
/// capped there; then many affected users raise it back toward P1, never
/// past P1. (With [`PriorityMatrix::default`]: critical P1, error P2,
/// warning P3, info P4; DR +1, stage and devtest +2; medium +1, low +2;
/// silver and bronze +1; no users-affected rules.)
pub fn assess(matrix: &PriorityMatrix, impact: Impact) -> (Priority, String) {
    let lowered = matrix
        .baseline(impact.severity)
        .saturating_add(matrix.environment_steps(impact.environment))
        .saturating_add(matrix.criticality_steps(impact.criticality))
        .saturating_add(matrix.tier_steps(impact.tier))
        .min(PriorityMatrix::MAX_LEVEL);
    let raise = impact.users_affected.map_or(0, |users| matrix.users_affected_raise(users));
    let priority = Priority::new(lowered.saturating_sub(raise));
    let mut reason = format!(
        "{priority}: {tier} tenant, {criticality}-criticality service in {environment}, {severity} severity",
        tier = impact.tier,
        criticality = impact.criticality,
        environment = impact.environment,
        severity = impact.severity,
    );
    if let Some(users) = impact.users_affected {
        let noun = if users == 1 { "user" } else { "users" };
        reason.push_str(&format!(", {users} {noun} affected"));
    }
    (priority, reason)
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use domain::UsersAffected;

    use super::*;

    const CORE: Impact = Impact {
        tier: Tier::Platinum,
        criticality: Criticality::High,
        environment: Environment::Production,
        severity: Severity::Critical,
        users_affected: None,
    };

    fn with_users_rules() -> PriorityMatrix {
        PriorityMatrix {
            users_affected: vec![
                UsersAffected { at_least: 1000, raise: 2 },
                UsersAffected { at_least: 100, raise: 1 },
            ],
            ..PriorityMatrix::default()
        }
    }

    #[test]
    fn multinational_core_outranks_small_office_printer() {
        let matrix = PriorityMatrix::default();
        let (core, reason) = assess(&matrix, CORE);
        assert_eq!(core, Priority::P1);
        assert_eq!(
            reason,
            "P1: platinum tenant, high-criticality service in production, critical severity"
        );
        let (printer, _) = assess(
            &matrix,
            Impact {
                tier: Tier::Bronze,
                criticality: Criticality::Low,
                environment: Environment::Production,
                severity: Severity::Warning,
                users_affected: None,
            },
        );
        assert_eq!(printer, Priority::P5);
    }

    #[test]
    fn non_production_is_lower() {
        let matrix = PriorityMatrix::default();
        let production = Impact {
            tier: Tier::Gold,
            criticality: Criticality::High,
            environment: Environment::Production,
            severity: Severity::Error,
            users_affected: None,
        };
        let stage = Impact { environment: Environment::Stage, ..production };
        assert!(assess(&matrix, production).0 < assess(&matrix, stage).0);
    }

    #[test]
    fn the_default_matrix_is_todays_fixed_one() {
        let matrix = PriorityMatrix::default();
        let level = |impact: Impact| assess(&matrix, impact).0.level();
        let severities = [
            (Severity::Critical, 1),
            (Severity::Error, 2),
            (Severity::Warning, 3),
            (Severity::Info, 4),
        ];
        for (severity, baseline) in severities {
            assert_eq!(level(Impact { severity, ..CORE }), baseline, "{severity}");
        }
        let warning = Impact { severity: Severity::Warning, ..CORE };
        assert_eq!(level(Impact { environment: Environment::Dr, ..warning }), 4);
        assert_eq!(level(Impact { environment: Environment::Stage, ..warning }), 5);
        assert_eq!(level(Impact { environment: Environment::Devtest, ..warning }), 5);
        assert_eq!(level(Impact { criticality: Criticality::Critical, ..warning }), 3);
        assert_eq!(level(Impact { criticality: Criticality::Medium, ..warning }), 4);
        assert_eq!(level(Impact { criticality: Criticality::Low, ..warning }), 5);
        assert_eq!(level(Impact { tier: Tier::Gold, ..warning }), 3);
        assert_eq!(level(Impact { tier: Tier::Silver, ..warning }), 4);
        assert_eq!(level(Impact { tier: Tier::Bronze, ..warning }), 4);
        let worst = Impact {
            tier: Tier::Bronze,
            criticality: Criticality::Low,
            environment: Environment::Devtest,
            severity: Severity::Info,
            users_affected: None,
        };
        assert_eq!(level(worst), 5, "capped at P5");
    }

    #[test]
    fn a_configured_matrix_replaces_the_defaults() {
        let matrix = PriorityMatrix {
            severity: BTreeMap::from([
                (Severity::Critical, 1),
                (Severity::Error, 1),
                (Severity::Warning, 2),
                (Severity::Info, 5),
            ]),
            environment: BTreeMap::from([
                (Environment::Production, 0),
                (Environment::Dr, 0),
                (Environment::Stage, 4),
                (Environment::Devtest, 4),
            ]),
            tier: BTreeMap::from([
                (Tier::Platinum, 0),
                (Tier::Gold, 1),
                (Tier::Silver, 2),
                (Tier::Bronze, 3),
            ]),
            ..PriorityMatrix::default()
        };
        let level = |impact: Impact| assess(&matrix, impact).0.level();
        assert_eq!(level(Impact { severity: Severity::Error, ..CORE }), 1);
        assert_eq!(level(Impact { environment: Environment::Dr, ..CORE }), 1);
        assert_eq!(level(Impact { tier: Tier::Gold, severity: Severity::Warning, ..CORE }), 3);
        assert_eq!(level(Impact { environment: Environment::Stage, ..CORE }), 5);
        assert_eq!(level(Impact { severity: Severity::Info, ..CORE }), 5);
        // Criticality was not configured: the defaults apply.
        assert_eq!(level(Impact { criticality: Criticality::Low, ..CORE }), 3);
    }

    #[test]
    fn affected_users_raise_the_priority_and_are_named() {
        let matrix = with_users_rules();
        let printer = Impact {
            tier: Tier::Bronze,
            criticality: Criticality::Medium,
            environment: Environment::Production,
            severity: Severity::Warning,
            users_affected: None,
        };
        let assess_users =
            |users: Option<u64>| assess(&matrix, Impact { users_affected: users, ..printer });
        assert_eq!(assess_users(None).0, Priority::P5);
        assert_eq!(assess_users(Some(99)).0, Priority::P5);
        assert_eq!(assess_users(Some(100)).0, Priority::new(4));
        let (priority, reason) = assess_users(Some(2400));
        assert_eq!(priority, Priority::new(3), "the P5 cap applies before the raise");
        assert_eq!(
            reason,
            "P3: bronze tenant, medium-criticality service in production, warning severity, \
             2400 users affected"
        );
        assert_eq!(
            assess_users(Some(1)).1,
            "P5: bronze tenant, medium-criticality service in production, warning severity, \
             1 user affected"
        );
    }

    #[test]
    fn a_raise_never_goes_past_p1() {
        let (priority, reason) =
            assess(&with_users_rules(), Impact { users_affected: Some(2400), ..CORE });
        assert_eq!(priority, Priority::P1);
        assert_eq!(
            reason,
            "P1: platinum tenant, high-criticality service in production, critical severity, \
             2400 users affected"
        );
    }

    #[test]
    fn without_rules_the_count_is_reported_but_changes_nothing() {
        let matrix = PriorityMatrix::default();
        let warning = Impact { severity: Severity::Warning, users_affected: Some(5000), ..CORE };
        let (priority, reason) = assess(&matrix, warning);
        assert_eq!(priority, Priority::new(3));
        assert!(reason.ends_with(", 5000 users affected"), "{reason}");
    }
}
