//! Label sets as the engine keeps them: read through [`LabelSet`], packed
//! with [`PackedLabels`] when there are a million of them.

use crate::Labels;

/// Read access to a label set, however it is kept.
pub trait LabelSet {
    /// The value of the label `name`, if the set has it.
    fn label(&self, name: &str) -> Option<&str>;
}

impl LabelSet for Labels {
    fn label(&self, name: &str) -> Option<&str> {
        self.get(name).map(String::as_str)
    }
}

/// A label set in two allocations: every name and value in one string, and
/// where each of them ends. A [`Labels`] map costs a tree node and two
/// strings per label, about three times as much for a typical alert.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PackedLabels {
    text: Box<str>,
    /// End offsets in `text`: name, value, name, value … in name order.
    ends: Box<[u32]>,
}

impl PackedLabels {
    pub fn pack(labels: &Labels) -> Self {
        let mut text = String::with_capacity(labels.iter().map(|(n, v)| n.len() + v.len()).sum());
        let mut ends = Vec::with_capacity(labels.len() * 2);
        for (name, value) in labels {
            for part in [name, value] {
                text.push_str(part);
                // Label sets come from request bodies of a few MiB at most.
                ends.push(u32::try_from(text.len()).unwrap_or(u32::MAX));
            }
        }
        Self { text: text.into_boxed_str(), ends: ends.into_boxed_slice() }
    }

    /// Name and value of each label, in name order.
    pub fn iter(&self) -> impl Iterator<Item = (&str, &str)> {
        let mut start = 0;
        let parts = self.ends.iter().map(move |&end| {
            let end = end as usize;
            let part = self.text.get(start..end).unwrap_or_default();
            start = end;
            part
        });
        let mut parts = parts.fuse();
        std::iter::from_fn(move || Some((parts.next()?, parts.next()?)))
    }

    pub fn len(&self) -> usize {
        self.ends.len() / 2
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn unpack(&self) -> Labels {
        self.iter().map(|(name, value)| (name.to_owned(), value.to_owned())).collect()
    }

    /// Whether `labels` is the same set.
    pub fn same_as(&self, labels: &Labels) -> bool {
        self.len() == labels.len()
            && self.iter().zip(labels).all(|((n, v), (name, value))| n == name && v == value)
    }
}

impl LabelSet for PackedLabels {
    fn label(&self, name: &str) -> Option<&str> {
        self.iter().find(|(n, _)| *n == name).map(|(_, value)| value)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn labels(pairs: &[(&str, &str)]) -> Labels {
        pairs.iter().map(|(n, v)| (n.to_string(), v.to_string())).collect()
    }

    #[test]
    fn packing_keeps_every_label_in_order() {
        let original = labels(&[("job", "node"), ("alertname", "Down"), ("empty", ""), ("é", "ü")]);
        let packed = PackedLabels::pack(&original);
        assert_eq!(packed.len(), 4);
        assert_eq!(packed.unpack(), original);
        assert_eq!(
            packed.iter().collect::<Vec<_>>(),
            [("alertname", "Down"), ("empty", ""), ("job", "node"), ("é", "ü")]
        );
        assert_eq!(packed.label("job"), Some("node"));
        assert_eq!(packed.label("empty"), Some(""));
        assert_eq!(packed.label("missing"), None);
        assert!(packed.same_as(&original));
    }

    #[test]
    fn a_changed_added_or_removed_label_is_not_the_same_set() {
        let original = labels(&[("alertname", "Down"), ("job", "node")]);
        let packed = PackedLabels::pack(&original);
        assert!(!packed.same_as(&labels(&[("alertname", "Down"), ("job", "api")])));
        assert!(!packed.same_as(&labels(&[("alertname", "Down")])));
        assert!(!packed.same_as(&labels(&[("alertname", "Down"), ("job", "node"), ("x", "")])));
        // Where the boundary between name and value falls counts too.
        assert!(!packed.same_as(&labels(&[("alertnameD", "own"), ("job", "node")])));
    }

    #[test]
    fn an_empty_set_packs_to_nothing() {
        let packed = PackedLabels::pack(&Labels::new());
        assert!(packed.is_empty());
        assert_eq!(packed.iter().count(), 0);
        assert!(packed.same_as(&Labels::new()));
    }
}
