//! Priority from business impact, always with a sentence explaining it.

use domain::{Criticality, Environment, Priority, Severity, Tier};

/// What priority is computed from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Impact {
    pub tier: Tier,
    pub criticality: Criticality,
    pub environment: Environment,
    pub severity: Severity,
}

/// The default matrix: severity sets the baseline (critical P1, error P2,
/// warning P3, info P4); a non-production environment, a less critical
/// service and a lower tenant tier each lower it, never past P5.
pub fn assess(impact: Impact) -> (Priority, String) {
    let baseline: u8 = match impact.severity {
        Severity::Critical => 1,
        Severity::Error => 2,
        Severity::Warning => 3,
        Severity::Info => 4,
    };
    let environment: u8 = match impact.environment {
        Environment::Production => 0,
        Environment::Dr => 1,
        Environment::Stage | Environment::Devtest => 2,
    };
    let criticality: u8 = match impact.criticality {
        Criticality::Critical | Criticality::High => 0,
        Criticality::Medium => 1,
        Criticality::Low => 2,
    };
    let tier: u8 = match impact.tier {
        Tier::Platinum | Tier::Gold => 0,
        Tier::Silver | Tier::Bronze => 1,
    };
    let priority = Priority::new(baseline + environment + criticality + tier);
    let reason = format!(
        "{priority}: {tier} tenant, {criticality}-criticality service in {environment}, {severity} severity",
        tier = impact.tier,
        criticality = impact.criticality,
        environment = impact.environment,
        severity = impact.severity,
    );
    (priority, reason)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn multinational_core_outranks_small_office_printer() {
        let (core, reason) = assess(Impact {
            tier: Tier::Platinum,
            criticality: Criticality::High,
            environment: Environment::Production,
            severity: Severity::Critical,
        });
        assert_eq!(core, Priority::P1);
        assert_eq!(
            reason,
            "P1: platinum tenant, high-criticality service in production, critical severity"
        );
        let (printer, _) = assess(Impact {
            tier: Tier::Bronze,
            criticality: Criticality::Low,
            environment: Environment::Production,
            severity: Severity::Warning,
        });
        assert_eq!(printer, Priority::P5);
    }

    #[test]
    fn non_production_is_lower() {
        let production = Impact {
            tier: Tier::Gold,
            criticality: Criticality::High,
            environment: Environment::Production,
            severity: Severity::Error,
        };
        let stage = Impact { environment: Environment::Stage, ..production };
        assert!(assess(production).0 < assess(stage).0);
    }
}
