//! Built-in rule packs: rules shipped with Watchfloor that a tenant turns on with `rule_packs: [NAME]`.

use domain::rules::RuleSet;

use crate::Diagnostic;

/// Every pack by name, with its rules as YAML (a `rules:` section, in the
/// same language as a configuration's own rules).
pub const PACKS: &[(&str, &str)] =
    &[("aws-security-baseline", include_str!("../packs/aws-security-baseline.yaml"))];

/// The names of the packs, for messages.
pub fn names() -> Vec<&'static str> {
    PACKS.iter().map(|(name, _)| *name).collect()
}

/// A pack's rules as written, not yet limited to any tenant. `None` for an
/// unknown name; diagnostics for a pack that does not check (a defect of the
/// pack, caught by its tests).
pub fn rules(name: &str) -> Option<Result<RuleSet, Vec<Diagnostic>>> {
    let (_, text) = PACKS.iter().find(|(pack, _)| *pack == name)?;
    let file = format!("rule pack {name}");
    let root = match crate::yaml::parse(text) {
        Ok(root) => root,
        Err(error) => {
            return Some(Err(vec![Diagnostic {
                file,
                line: error.mark.line,
                column: error.mark.column,
                field: String::new(),
                message: format!("YAML syntax error: {}", error.message),
            }]));
        }
    };
    let Some(root) = root else { return Some(Ok(RuleSet::default())) };
    Some(crate::check::Checker::new(&file, &|_| None).check(Some(&root)).map(|config| config.rules))
}
