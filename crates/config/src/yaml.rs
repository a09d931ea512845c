//! A YAML document as a tree whose every node remembers its line and column.
//!
//! Built from yaml-rust2's event parser so that the checker can point each
//! diagnostic at the exact place in the file, including keys. Public so
//! that other YAML files of Watchfloor's (rule test files) are read the same
//! way and can embed a config.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

/// Deeper nesting than this is refused: no Watchfloor config needs it, and
/// it keeps building and dropping the tree cheap.
const MAX_DEPTH: usize = 64;
/// Nodes allowed in the tree after expanding aliases (`*anchor`), so that a
/// "billion laughs" document is refused instead of exhausting memory.
const MAX_NODES: usize = 200_000;

/// A position in the source, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Default)]
pub struct Mark {
    pub line: usize,
    pub column: usize,
}

impl Mark {
    fn from_marker(marker: Marker) -> Self {
        Self { line: marker.line(), column: marker.col() + 1 }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Node {
    pub kind: Kind,
    pub mark: Mark,
    /// Where a scalar's text starts: after the quote of a quoted scalar, on
    /// the first content line of a block scalar (`|`, `>`); else `mark`.
    pub content: Mark,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// `plain` is false for quoted and block scalars, which are always strings.
    Scalar {
        value: String,
        plain: bool,
    },
    Sequence(Vec<Node>),
    /// Entries in document order; duplicate keys are kept for the checker to report.
    Mapping(Vec<(Node, Node)>),
}

impl Node {
    /// A plain `~`, `null` or nothing at all.
    pub fn is_null(&self) -> bool {
        matches!(&self.kind, Kind::Scalar { value, plain: true }
            if matches!(value.as_str(), "" | "~" | "null" | "Null" | "NULL"))
    }

    /// What this node is, for "expected X, found Y" messages.
    pub fn describe(&self) -> String {
        match &self.kind {
            _ if self.is_null() => "nothing (null)".to_owned(),
            Kind::Scalar { value, .. } => format!("{value:?}"),
            Kind::Sequence(_) => "a list".to_owned(),
            Kind::Mapping(_) => "a mapping".to_owned(),
        }
    }

    fn count(&self) -> usize {
        match &self.kind {
            Kind::Scalar { .. } => 1,
            Kind::Sequence(items) => items.iter().map(Node::count).fold(1, usize::saturating_add),
            Kind::Mapping(entries) => entries
                .iter()
                .map(|(key, value)| key.count().saturating_add(value.count()))
                .fold(1, usize::saturating_add),
        }
    }
}

/// A YAML error that stops parsing: syntax, or a document shape we refuse.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub mark: Mark,
    pub message: String,
}

enum Frame {
    Sequence { mark: Mark, anchor: usize, items: Vec<Node> },
    Mapping { mark: Mark, anchor: usize, entries: Vec<(Node, Node)>, key: Option<Node> },
}

struct Builder {
    stack: Vec<Frame>,
    anchors: Vec<(usize, Node)>,
    root: Option<Node>,
    nodes: usize,
}

impl Builder {
    fn finish_node(&mut self, node: Node, anchor: usize) -> Result<(), SyntaxError> {
        if anchor != 0 {
            self.anchors.push((anchor, node.clone()));
        }
        match self.stack.last_mut() {
            None => self.root = Some(node),
            Some(Frame::Sequence { items, .. }) => items.push(node),
            Some(Frame::Mapping { entries, key, .. }) => match key.take() {
                None => *key = Some(node),
                Some(key) => entries.push((key, node)),
            },
        }
        Ok(())
    }

    fn count(&mut self, nodes: usize, mark: Mark) -> Result<(), SyntaxError> {
        self.nodes = self.nodes.saturating_add(nodes);
        if self.nodes > MAX_NODES {
            return Err(SyntaxError {
                mark,
                message: format!(
                    "document too large: more than {MAX_NODES} nodes after expanding aliases"
                ),
            });
        }
        Ok(())
    }

    fn open(&mut self, frame: Frame, mark: Mark) -> Result<(), SyntaxError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(SyntaxError {
                mark,
                message: format!("nesting deeper than {MAX_DEPTH} levels"),
            });
        }
        self.count(1, mark)?;
        self.stack.push(frame);
        Ok(())
    }
}

/// Where the text of a scalar at `mark` begins. The parser already puts a
/// block scalar's mark on its first content line; a quoted scalar's is on
/// the quote.
fn content_mark(style: TScalarStyle, mark: Mark) -> Mark {
    match style {
        TScalarStyle::SingleQuoted | TScalarStyle::DoubleQuoted => {
            Mark { line: mark.line, column: mark.column + 1 }
        }
        _ => mark,
    }
}

/// Parses a single YAML document. An empty stream or document gives `None`.
pub fn parse(source: &str) -> Result<Option<Node>, SyntaxError> {
    let mut parser = Parser::new_from_str(source);
    let mut builder = Builder { stack: Vec::new(), anchors: Vec::new(), root: None, nodes: 0 };
    let mut documents = 0usize;
    loop {
        let (event, marker) = parser.next_token().map_err(|error| SyntaxError {
            mark: Mark::from_marker(*error.marker()),
            message: error.info().to_owned(),
        })?;
        let mark = Mark::from_marker(marker);
        match event {
            Event::StreamEnd => break,
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(SyntaxError {
                        mark,
                        message: "only one YAML document is allowed (found a second `---`)"
                            .to_owned(),
                    });
                }
            }
            Event::Scalar(value, style, anchor, _tag) => {
                builder.count(1, mark)?;
                let plain = style == TScalarStyle::Plain;
                let content = content_mark(style, mark);
                let node = Node { kind: Kind::Scalar { value, plain }, mark, content };
                builder.finish_node(node, anchor)?;
            }
            Event::Alias(anchor) => {
                let Some(node) = builder
                    .anchors
                    .iter()
                    .rev()
                    .find(|(id, _)| *id == anchor)
                    .map(|(_, node)| node.clone())
                else {
                    return Err(SyntaxError {
                        mark,
                        message: "alias to an unknown anchor".to_owned(),
                    });
                };
                builder.count(node.count(), mark)?;
                builder.finish_node(node, 0)?;
            }
            Event::SequenceStart(anchor, _tag) => {
                builder.open(Frame::Sequence { mark, anchor, items: Vec::new() }, mark)?;
            }
            Event::MappingStart(anchor, _tag) => {
                builder
                    .open(Frame::Mapping { mark, anchor, entries: Vec::new(), key: None }, mark)?;
            }
            Event::SequenceEnd | Event::MappingEnd => {
                let (node, anchor) = match builder.stack.pop() {
                    Some(Frame::Sequence { mark, anchor, items }) => {
                        (Node { kind: Kind::Sequence(items), mark, content: mark }, anchor)
                    }
                    Some(Frame::Mapping { mark, anchor, entries, .. }) => {
                        // A block mapping's start event sits at its first `:`;
                        // the first key is where a reader sees the object begin.
                        let first_key = entries.first().map(|(key, _)| key.mark);
                        let mark = first_key.filter(|key| *key < mark).unwrap_or(mark);
                        (Node { kind: Kind::Mapping(entries), mark, content: mark }, anchor)
                    }
                    None => {
                        return Err(SyntaxError {
                            mark,
                            message: "unbalanced YAML events".to_owned(),
                        });
                    }
                };
                builder.finish_node(node, anchor)?;
            }
        }
    }
    Ok(builder.root.filter(|root| !root.is_null()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn mapping(node: &Node) -> &[(Node, Node)] {
        match &node.kind {
            Kind::Mapping(entries) => entries,
            other => panic!("expected a mapping, got {other:?}"),
        }
    }

    #[test]
    fn nodes_carry_one_based_lines_and_columns() {
        let root =
            parse("# comment\ntenants:\n  - id: acme\n    tier: gold\n").expect("valid yaml");
        let root = root.expect("a document");
        let (key, value) = &mapping(&root)[0];
        assert_eq!(key.mark, Mark { line: 2, column: 1 });
        let Kind::Sequence(items) = &value.kind else { panic!("expected a list") };
        let (id_key, id_value) = &mapping(&items[0])[0];
        assert_eq!(id_key.mark, Mark { line: 3, column: 5 });
        assert_eq!(id_value.mark, Mark { line: 3, column: 9 });
        let (tier_key, _) = &mapping(&items[0])[1];
        assert_eq!(tier_key.mark, Mark { line: 4, column: 5 });
        assert_eq!(items[0].mark, Mark { line: 3, column: 5 }, "a mapping starts at its first key");
    }

    #[test]
    fn scalars_know_where_their_text_starts() {
        let root = parse("a: 'x'\nb: |\n\n    first\n    second\nc: plain\n")
            .expect("valid yaml")
            .expect("a document");
        let entries = mapping(&root);
        assert_eq!(entries[0].1.content, Mark { line: 1, column: 5 });
        assert_eq!(entries[1].1.content, Mark { line: 4, column: 5 });
        assert_eq!(entries[2].1.content, entries[2].1.mark);
    }

    #[test]
    fn syntax_errors_have_positions() {
        let error = parse("a: [1, 2\nb: 3\n").expect_err("unclosed flow sequence");
        assert!(error.mark.line >= 1, "{error:?}");
    }

    #[test]
    fn empty_documents_are_none() {
        assert_eq!(parse(""), Ok(None));
        assert_eq!(parse("# only a comment\n"), Ok(None));
        assert_eq!(parse("---\n"), Ok(None));
    }

    #[test]
    fn aliases_are_expanded_and_bounded() {
        let root = parse("a: &x [1, 2]\nb: *x\n").expect("valid").expect("document");
        let entries = mapping(&root);
        assert_eq!(entries[0].1.kind, entries[1].1.kind);

        let mut bomb = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for level in 1..10 {
            let previous = format!("*a{}", level - 1);
            let items = [previous.as_str(); 10].join(", ");
            bomb.push_str(&format!("a{level}: &a{level} [{items}]\n"));
        }
        let error = parse(&bomb).expect_err("alias bomb is refused");
        assert!(error.message.contains("too large"), "{error:?}");
    }

    #[test]
    fn deep_nesting_is_refused() {
        let deep = format!("{}{}", "[".repeat(200), "]".repeat(200));
        let error = parse(&deep).expect_err("too deep");
        assert!(error.message.contains("nesting"), "{error:?}");
    }

    #[test]
    fn second_documents_are_refused() {
        let error = parse("a: 1\n---\nb: 2\n").expect_err("two documents");
        assert_eq!(error.mark.line, 2);
    }
}
