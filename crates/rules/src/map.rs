//! A CEL map with string keys over a sorted vector: one allocation, deterministic iteration.
//!
//! cel's own map is a `HashMap` of boxed values: an allocation per entry,
//! and comprehensions (`labels.map(k, …)`, `labels.exists(…)`) that visit
//! keys in a different order in every process. Rules must give the same
//! result on replay, so maps handed to rules iterate in key order.

use std::fmt;
use std::sync::Arc;

use cel::ExecutionError;
use cel::common::traits::{self, Container, Indexer, Iterable, Sizer, Zeroer};
use cel::common::types::{CelBool, CelDouble, CelInt, CelString, CelUInt, MAP_TYPE, Type};
use cel::common::value::{CowVal, Val};

/// What a [`SortedMap`] can hold: a borrowed string, or any boxed value.
pub(crate) trait MapValue<'v>: fmt::Debug + Send + Sync {
    fn as_val(&self) -> &(dyn Val + 'v);
    fn clone_value(&self) -> Self;
}

impl<'v> MapValue<'v> for CelString<'v> {
    fn as_val(&self) -> &(dyn Val + 'v) {
        self
    }

    fn clone_value(&self) -> Self {
        self.clone()
    }
}

impl<'v> MapValue<'v> for Box<dyn Val + 'v> {
    fn as_val(&self) -> &(dyn Val + 'v) {
        &**self
    }

    fn clone_value(&self) -> Self {
        self.clone_as_boxed()
    }
}

/// A CEL `map(string, V)`, entries sorted by key.
#[derive(Debug)]
pub(crate) struct SortedMap<'v, V> {
    entries: Vec<(CelString<'v>, V)>,
}

impl<'v, V: MapValue<'v>> SortedMap<'v, V> {
    /// Entries in any order; keys must be distinct.
    pub fn new(mut entries: Vec<(CelString<'v>, V)>) -> Self {
        entries.sort_unstable_by(|a, b| a.0.inner().cmp(b.0.inner()));
        Self { entries }
    }

    fn find(&self, key: &str) -> Option<&V> {
        self.entries
            .binary_search_by(|(k, _)| k.inner().cmp(key))
            .ok()
            .map(|index| &self.entries[index].1)
    }
}

/// Whether `key` is a scalar that could be a map key (and so is simply absent here).
fn is_scalar_key(key: &dyn Val) -> bool {
    key.downcast_ref::<CelInt>().is_some()
        || key.downcast_ref::<CelUInt>().is_some()
        || key.downcast_ref::<CelBool>().is_some()
        || key.downcast_ref::<CelDouble>().is_some()
}

fn not_a_key(key: &dyn Val) -> ExecutionError {
    ExecutionError::UnexpectedType {
        got: key.get_type().name().to_owned(),
        want: "map key".to_owned(),
    }
}

impl<'v, V: MapValue<'v>> Val for SortedMap<'v, V> {
    fn get_type(&self) -> &Type {
        &MAP_TYPE
    }

    fn cel_type() -> &'static Type {
        &MAP_TYPE
    }

    fn as_container(&self) -> Option<&dyn Container> {
        Some(self)
    }

    fn as_indexer<'b, 'w>(&'b self) -> Option<&'b (dyn Indexer + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn into_indexer<'w>(self: Box<Self>) -> Option<Box<dyn Indexer + 'w>>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn as_iterable<'b, 'w>(&'b self) -> Option<&'b (dyn Iterable + 'w)>
    where
        Self: 'w,
    {
        Some(self)
    }

    fn as_sizer(&self) -> Option<&dyn Sizer> {
        Some(self)
    }

    fn as_zeroer(&self) -> Option<&dyn Zeroer> {
        Some(self)
    }

    /// Equal to any map with the same string keys and equal values.
    fn equals(&self, other: &dyn Val) -> bool {
        let (Some(sizer), Some(indexer)) = (other.as_sizer(), other.as_indexer()) else {
            return false;
        };
        other.get_type().name() == MAP_TYPE.name()
            && *sizer.size().inner() == i64::try_from(self.entries.len()).unwrap_or(i64::MAX)
            && self.entries.iter().all(|(key, value)| {
                indexer.get(key).is_ok_and(|theirs| value.as_val().equals(theirs.as_ref()))
            })
    }

    fn clone_as_boxed<'w>(&self) -> Box<dyn Val + 'w>
    where
        Self: 'w,
    {
        let entries = self.entries.iter().map(|(k, v)| (k.clone(), v.clone_value())).collect();
        Box::new(Self { entries })
    }
}

impl<'v, V: MapValue<'v>> Container for SortedMap<'v, V> {
    fn contains(&self, key: &dyn Val) -> Result<bool, ExecutionError> {
        match key.downcast_ref::<CelString>() {
            Some(key) => Ok(self.find(key.inner()).is_some()),
            None if is_scalar_key(key) => Ok(false),
            None => Err(not_a_key(key)),
        }
    }
}

impl<'v, V: MapValue<'v>> Indexer for SortedMap<'v, V> {
    fn get<'b, 'w>(&'b self, key: &dyn Val) -> Result<CowVal<'b, 'w>, ExecutionError>
    where
        Self: 'w,
    {
        match key.downcast_ref::<CelString>() {
            Some(name) => match self.find(name.inner()) {
                Some(value) => Ok(CowVal::Borrowed(value.as_val())),
                None => Err(ExecutionError::NoSuchKey(Arc::new(name.inner().to_owned()))),
            },
            None if is_scalar_key(key) => Err(ExecutionError::NoSuchKey(Arc::new(String::new()))),
            None => Err(not_a_key(key)),
        }
    }

    fn steal<'w>(self: Box<Self>, key: &dyn Val) -> Result<Box<dyn Val + 'w>, ExecutionError>
    where
        Self: 'w,
    {
        self.get(key).map(CowVal::into_owned)
    }
}

struct Keys<'b, 'v, V> {
    entries: std::slice::Iter<'b, (CelString<'v>, V)>,
}

impl<'b, 'v: 'w, 'w, V> traits::Iterator<'b, 'w> for Keys<'b, 'v, V> {
    fn next(&mut self) -> Option<&'b (dyn Val + 'w)> {
        self.entries.next().map(|(key, _)| key as &(dyn Val + 'w))
    }
}

impl<'v, V: MapValue<'v>> Iterable for SortedMap<'v, V> {
    fn iter<'b, 'w>(&'b self) -> Box<dyn traits::Iterator<'b, 'w> + 'b>
    where
        Self: 'w,
    {
        Box::new(Keys { entries: self.entries.iter() })
    }
}

impl<'v, V: MapValue<'v>> Sizer for SortedMap<'v, V> {
    fn size(&self) -> CelInt {
        CelInt::from(i64::try_from(self.entries.len()).unwrap_or(i64::MAX))
    }
}

impl<'v, V: MapValue<'v>> Zeroer for SortedMap<'v, V> {
    fn is_zero_value(&self) -> bool {
        self.entries.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn map<'v>(entries: &[(&'v str, &'v str)]) -> SortedMap<'v, CelString<'v>> {
        SortedMap::new(
            entries.iter().map(|(k, v)| (CelString::from(*k), CelString::from(*v))).collect(),
        )
    }

    #[test]
    fn lookups_and_missing_keys() {
        let labels = map(&[("zone", "fra"), ("alertname", "VpnDown")]);
        let zone = labels.get(&CelString::from("zone")).expect("present");
        assert!(zone.equals(&CelString::from("fra")));
        assert!(matches!(labels.get(&CelString::from("team")), Err(ExecutionError::NoSuchKey(_))));
        assert!(matches!(labels.get(&CelInt::from(1)), Err(ExecutionError::NoSuchKey(_))));
        assert_eq!(labels.contains(&CelString::from("alertname")), Ok(true));
        assert_eq!(labels.contains(&CelBool::from(true)), Ok(false));
        assert_eq!(*labels.size().inner(), 2);
        assert!(!labels.is_zero_value() && map(&[]).is_zero_value());
    }

    #[test]
    fn keys_iterate_in_order_whatever_the_input_order() {
        let labels = map(&[("c", "3"), ("a", "1"), ("b", "2")]);
        let mut keys = Vec::new();
        let mut iter = labels.iter();
        while let Some(key) = iter.next() {
            keys.push(key.downcast_ref::<CelString>().map(|k| k.inner().to_owned()));
        }
        assert_eq!(keys, vec![Some("a".to_owned()), Some("b".to_owned()), Some("c".to_owned())]);
    }

    #[test]
    fn equal_to_maps_with_the_same_entries() {
        let a = map(&[("a", "1"), ("b", "2")]);
        assert!(a.equals(&map(&[("b", "2"), ("a", "1")])));
        assert!(!a.equals(&map(&[("a", "1")])));
        assert!(!a.equals(&map(&[("a", "1"), ("b", "3")])));
        assert!(!a.equals(&CelString::from("a")));
        assert!(a.clone_as_boxed().equals(&a));
    }
}
