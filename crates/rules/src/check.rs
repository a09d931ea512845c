//! Static checks of a parsed expression: unknown variables and fields, and regex literals.
//!
//! CEL here is dynamically typed, so a typo such as `event.sumary` would
//! otherwise only show up as an evaluation error on every event. Catching
//! what can be caught from the syntax tree makes it a `watchfloor check`
//! error instead.

use cel::common::ast::{EntryExpr, Expr, IdedExpr, LiteralValue};

use crate::vars::{FieldSet, Schema};

/// Type names an expression may mention, e.g. `type(x) == string`.
const TYPE_NAMES: &[&str] = &[
    "bool",
    "bytes",
    "double",
    "int",
    "uint",
    "string",
    "list",
    "map",
    "null_type",
    "type",
    "dyn",
    "google.protobuf.Timestamp",
    "google.protobuf.Duration",
];

/// A problem found in the tree, at the node with this id.
pub(crate) struct Finding {
    pub node: u64,
    /// The node is a field selection, which the parser places on its dot:
    /// point one character further, at the field name.
    pub after_dot: bool,
    pub message: String,
}

/// What a walk over one expression found.
#[derive(Default)]
pub(crate) struct Walk {
    pub findings: Vec<Finding>,
    /// Which `event` fields the expression reads.
    pub used: FieldSet,
    /// Literal `matches()` patterns, with the node of the pattern.
    pub patterns: Vec<(u64, String)>,
}

pub(crate) fn walk(expr: &IdedExpr, schema: &Schema) -> Walk {
    let mut walker = Walker { schema, bound: Vec::new(), walk: Walk::default() };
    walker.visit(expr);
    walker.walk
}

struct Walker<'a> {
    schema: &'a Schema,
    /// Names bound by enclosing comprehensions (`x` in `list.all(x, …)`).
    bound: Vec<&'a str>,
    walk: Walk,
}

impl<'a> Walker<'a> {
    fn is_bound(&self, name: &str) -> bool {
        self.bound.contains(&name)
    }

    fn find(&mut self, node: u64, message: String) {
        self.walk.findings.push(Finding { node, after_dot: false, message });
    }

    fn find_field(&mut self, node: u64, message: String) {
        self.walk.findings.push(Finding { node, after_dot: true, message });
    }

    fn visit(&mut self, expr: &'a IdedExpr) {
        match &expr.expr {
            Expr::Unspecified | Expr::Literal(_) => {}
            Expr::Ident(name) => self.ident(expr.id, name),
            Expr::Select(select) => {
                if let Expr::Ident(name) = &select.operand.expr
                    && !self.is_bound(name)
                    && let Some(fields) = self.schema.variable(name)
                {
                    self.field(expr.id, name, fields, &select.field);
                } else {
                    self.visit(&select.operand);
                }
            }
            Expr::Call(call) => {
                if matches!(call.func_name.as_str(), "_==_" | "_!=_")
                    && let [left, right] = call.args.as_slice()
                    && matches!(left.expr, Expr::Map(_))
                    && !matches!(right.expr, Expr::Map(_))
                {
                    // Maps handed to rules are not cel's own map type, and a
                    // literal map only equals cel's own: compare from our side.
                    self.find(
                        left.id,
                        "write the map literal on the right of `==` and `!=`, e.g. `event.labels == {\"a\": \"1\"}`"
                            .to_owned(),
                    );
                }
                if call.func_name == "matches" {
                    let pattern = match (&call.target, call.args.as_slice()) {
                        (Some(_), [pattern]) | (None, [_, pattern]) => Some(pattern),
                        _ => None,
                    };
                    if let Some(pattern) = pattern
                        && let Expr::Literal(LiteralValue::String(text)) = &pattern.expr
                    {
                        self.walk.patterns.push((pattern.id, text.inner().to_owned()));
                    }
                }
                if let Some(target) = &call.target {
                    self.visit(target);
                }
                for arg in &call.args {
                    self.visit(arg);
                }
            }
            Expr::Comprehension(comprehension) => {
                self.visit(&comprehension.iter_range);
                self.visit(&comprehension.accu_init);
                let depth = self.bound.len();
                self.bound.push(&comprehension.iter_var);
                if let Some(second) = &comprehension.iter_var2 {
                    self.bound.push(second);
                }
                self.bound.push(&comprehension.accu_var);
                self.visit(&comprehension.loop_cond);
                self.visit(&comprehension.loop_step);
                self.visit(&comprehension.result);
                self.bound.truncate(depth);
            }
            Expr::List(list) => {
                for element in &list.elements {
                    self.visit(element);
                }
            }
            Expr::Map(map) => self.entries(&map.entries),
            Expr::Struct(structure) => self.entries(&structure.entries),
        }
    }

    fn entries(&mut self, entries: &'a [cel::common::ast::IdedEntryExpr]) {
        for entry in entries {
            match &entry.expr {
                EntryExpr::MapEntry(map_entry) => {
                    self.visit(&map_entry.key);
                    self.visit(&map_entry.value);
                }
                EntryExpr::StructField(field) => self.visit(&field.value),
            }
        }
    }

    fn ident(&mut self, node: u64, name: &str) {
        if self.is_bound(name) {
            return;
        }
        if self.schema.variable(name).is_some() {
            if name == "event" {
                // The whole event is used as a value: build every field.
                self.walk.used.union(FieldSet::ALL);
            }
            return;
        }
        if TYPE_NAMES.contains(&name) {
            return;
        }
        let names: Vec<&str> = self.schema.variables.iter().map(|(n, _)| *n).collect();
        let hint =
            suggest(name, &names).map(|s| format!("; did you mean `{s}`?")).unwrap_or_default();
        self.find(
            node,
            format!("unknown variable `{name}`{hint} (rules here see {})", self.schema.names()),
        );
    }

    fn field(&mut self, node: u64, variable: &str, fields: Option<&[&str]>, field: &str) {
        let Some(fields) = fields else {
            self.find_field(
                node,
                format!("`{variable}` has no fields (tried `{variable}.{field}`)"),
            );
            return;
        };
        if fields.contains(&field) {
            if variable == "event" {
                self.walk.used.insert(field);
            }
            return;
        }
        let hint =
            suggest(field, fields).map(|s| format!("did you mean `{s}`? ")).unwrap_or_default();
        self.find_field(
            node,
            format!(
                "`{variable}` has no field `{field}`; {hint}its fields are {}",
                fields.join(", ")
            ),
        );
    }
}

/// The closest candidate within a small edit distance, for "did you mean".
fn suggest<'c>(word: &str, candidates: &[&'c str]) -> Option<&'c str> {
    candidates
        .iter()
        .map(|c| (distance(word, c), *c))
        .filter(|(d, c)| *d <= 2.max(c.len() / 4))
        .min_by_key(|(d, _)| *d)
        .map(|(_, c)| c)
}

/// Levenshtein distance over chars.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut previous: Vec<usize> = (0..=b.len()).collect();
    let mut current = vec![0; b.len() + 1];
    for (i, ca) in a.chars().enumerate() {
        current[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = previous[j] + usize::from(ca != *cb);
            current[j + 1] = substitution.min(previous[j + 1] + 1).min(current[j] + 1);
        }
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions_are_close_words_only() {
        assert_eq!(suggest("sumary", &["summary", "source"]), Some("summary"));
        assert_eq!(suggest("evnt", &["event", "tenant"]), Some("event"));
        assert_eq!(suggest("zzzzzz", &["event", "tenant"]), None);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(distance("kitten", "sitting"), 3);
    }
}
