//! Label sets however they are kept, read through [`LabelSet`]: a
//! [`Labels`] map, or any packed form of one.

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
