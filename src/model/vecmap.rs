//! A small ordered map kept as one sorted `Vec` (issue 18, P7).
//!
//! A record's scores, evaluations, opinions and objections, and a score's
//! marks, hold a handful of entries each; a `BTreeMap` allocates a whole node
//! of eleven keys and values for them (about 90 MB of the 10k campaign's
//! 150 MB heap went to half-empty B-tree nodes). [`VecMap`] has the part of
//! `BTreeMap`'s interface these fields use, iterates in key order as it does,
//! and reads and writes exactly as a map does in RON, JSON and postcard, so
//! no file, output or cache changes by it.

use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};
use serde::ser::{Serialize, Serializer};

/// An ordered map as a sorted vector of pairs without repeated keys.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct VecMap<K, V>(Vec<(K, V)>);

impl<K, V> Default for VecMap<K, V> {
    fn default() -> Self {
        VecMap(Vec::new())
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for VecMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<K, V> VecMap<K, V> {
    pub const fn new() -> Self {
        VecMap(Vec::new())
    }

    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn clear(&mut self) {
        self.0.clear();
    }

    /// The entries in key order.
    pub fn iter(&self) -> Iter<'_, K, V> {
        Iter(self.0.iter())
    }

    /// The entries in key order, values mutable.
    pub fn iter_mut(&mut self) -> IterMut<'_, K, V> {
        IterMut(self.0.iter_mut())
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + ExactSizeIterator + Clone {
        self.0.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + ExactSizeIterator + Clone {
        self.0.iter().map(|(_, v)| v)
    }

    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut V> + ExactSizeIterator {
        self.0.iter_mut().map(|(_, v)| v)
    }

    pub fn into_values(self) -> impl DoubleEndedIterator<Item = V> + ExactSizeIterator {
        self.0.into_iter().map(|(_, v)| v)
    }

    pub fn into_keys(self) -> impl DoubleEndedIterator<Item = K> + ExactSizeIterator {
        self.0.into_iter().map(|(k, _)| k)
    }

    pub fn first_key_value(&self) -> Option<(&K, &V)> {
        self.0.first().map(|(k, v)| (k, v))
    }

    pub fn last_key_value(&self) -> Option<(&K, &V)> {
        self.0.last().map(|(k, v)| (k, v))
    }

    /// Keeps the entries for which `keep` says yes.
    pub fn retain(&mut self, mut keep: impl FnMut(&K, &mut V) -> bool) {
        self.0.retain_mut(|(k, v)| keep(k, v));
    }

    /// Gives back spare capacity.
    pub fn shrink_to_fit(&mut self) {
        self.0.shrink_to_fit();
    }
}

impl<K: Ord, V> VecMap<K, V> {
    fn find<Q: Ord + ?Sized>(&self, key: &Q) -> Result<usize, usize>
    where
        K: Borrow<Q>,
    {
        self.0.binary_search_by(|(k, _)| k.borrow().cmp(key))
    }

    /// Inserts or replaces; returns the value replaced.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        // Entries read in order (a file, the cache) go to the end at once.
        if self.0.last().is_none_or(|(last, _)| *last < key) {
            self.0.push((key, value));
            return None;
        }
        match self.find(&key) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].1, value)),
            Err(i) => {
                self.0.insert(i, (key, value));
                None
            }
        }
    }

    pub fn get<Q: Ord + ?Sized>(&self, key: &Q) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &self.0[i].1)
    }

    /// [`VecMap::get`], looking first at the entry at `hint` (the `hint`-th
    /// in key order): when its key is `key`, it is the only one, found with
    /// one comparison instead of a search (a score's marks are mostly in the
    /// order of the category's criteria: issue 18, P1).
    pub fn get_hinted<Q: Eq + Ord + ?Sized>(&self, key: &Q, hint: usize) -> Option<&V>
    where
        K: Borrow<Q>,
    {
        match self.0.get(hint) {
            Some((k, v)) if k.borrow() == key => Some(v),
            _ => self.get(key),
        }
    }

    pub fn get_key_value<Q: Ord + ?Sized>(&self, key: &Q) -> Option<(&K, &V)>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| (&self.0[i].0, &self.0[i].1))
    }

    pub fn get_mut<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| &mut self.0[i].1)
    }

    pub fn contains_key<Q: Ord + ?Sized>(&self, key: &Q) -> bool
    where
        K: Borrow<Q>,
    {
        self.find(key).is_ok()
    }

    pub fn remove<Q: Ord + ?Sized>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
    {
        self.find(key).ok().map(|i| self.0.remove(i).1)
    }
}

/// `map[&key]`, as `BTreeMap` has it: panics when the key is absent.
impl<K: Ord + Borrow<Q>, Q: Ord + ?Sized, V> std::ops::Index<&Q> for VecMap<K, V> {
    type Output = V;
    fn index(&self, key: &Q) -> &V {
        match self.find(key) {
            Ok(i) => &self.0[i].1,
            Err(_) => panic!("key not in the map"),
        }
    }
}

/// Iterator over `(&K, &V)` in key order.
#[derive(Clone)]
pub struct Iter<'a, K, V>(std::slice::Iter<'a, (K, V)>);

impl<'a, K, V> Iterator for Iter<'a, K, V> {
    type Item = (&'a K, &'a V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for Iter<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (k, v))
    }
}

impl<K, V> ExactSizeIterator for Iter<'_, K, V> {}

/// Iterator over `(&K, &mut V)` in key order.
pub struct IterMut<'a, K, V>(std::slice::IterMut<'a, (K, V)>);

impl<'a, K, V> Iterator for IterMut<'a, K, V> {
    type Item = (&'a K, &'a mut V);
    fn next(&mut self) -> Option<Self::Item> {
        self.0.next().map(|(k, v)| (&*k, v))
    }
    fn size_hint(&self) -> (usize, Option<usize>) {
        self.0.size_hint()
    }
}

impl<K, V> DoubleEndedIterator for IterMut<'_, K, V> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.0.next_back().map(|(k, v)| (&*k, v))
    }
}

impl<K, V> ExactSizeIterator for IterMut<'_, K, V> {}

impl<'a, K, V> IntoIterator for &'a VecMap<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = Iter<'a, K, V>;
    fn into_iter(self) -> Iter<'a, K, V> {
        self.iter()
    }
}

impl<'a, K, V> IntoIterator for &'a mut VecMap<K, V> {
    type Item = (&'a K, &'a mut V);
    type IntoIter = IterMut<'a, K, V>;
    fn into_iter(self) -> IterMut<'a, K, V> {
        self.iter_mut()
    }
}

impl<K, V> IntoIterator for VecMap<K, V> {
    type Item = (K, V);
    type IntoIter = std::vec::IntoIter<(K, V)>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

/// Builds a map from pairs in any order in O(n log n): pairs in key order
/// go to the end of the vector; from the first pair out of order on, into a
/// `BTreeMap` (a hostile file with many keys in reverse order must not cost
/// a quadratic number of moves).
pub struct Builder<K, V> {
    sorted: Vec<(K, V)>,
    tree: Option<BTreeMap<K, V>>,
}

impl<K: Ord, V> Builder<K, V> {
    pub fn with_capacity(n: usize) -> Self {
        Builder {
            sorted: Vec::with_capacity(n),
            tree: None,
        }
    }

    pub fn contains_key(&self, key: &K) -> bool {
        match &self.tree {
            Some(t) => t.contains_key(key),
            None => self.sorted.binary_search_by(|(k, _)| k.cmp(key)).is_ok(),
        }
    }

    /// Inserts or replaces (the last value of a key wins).
    pub fn insert(&mut self, key: K, value: V) {
        if let Some(t) = &mut self.tree {
            t.insert(key, value);
            return;
        }
        if self.sorted.last().is_none_or(|(last, _)| *last < key) {
            self.sorted.push((key, value));
            return;
        }
        let mut t: BTreeMap<K, V> = std::mem::take(&mut self.sorted).into_iter().collect();
        t.insert(key, value);
        self.tree = Some(t);
    }

    pub fn finish(self) -> VecMap<K, V> {
        match self.tree {
            Some(t) => t.into(),
            None => {
                let mut v = self.sorted;
                v.shrink_to_fit();
                VecMap(v)
            }
        }
    }
}

impl<K: Ord, V> Extend<(K, V)> for VecMap<K, V> {
    fn extend<I: IntoIterator<Item = (K, V)>>(&mut self, iter: I) {
        let mut b = Builder {
            sorted: std::mem::take(&mut self.0),
            tree: None,
        };
        for (k, v) in iter {
            b.insert(k, v);
        }
        *self = b.finish();
    }
}

impl<K: Ord, V> FromIterator<(K, V)> for VecMap<K, V> {
    fn from_iter<I: IntoIterator<Item = (K, V)>>(iter: I) -> Self {
        let mut map = VecMap::new();
        map.extend(iter);
        map
    }
}

impl<K: Ord, V, const N: usize> From<[(K, V); N]> for VecMap<K, V> {
    fn from(pairs: [(K, V); N]) -> Self {
        pairs.into_iter().collect()
    }
}

impl<K, V> From<BTreeMap<K, V>> for VecMap<K, V> {
    fn from(map: BTreeMap<K, V>) -> Self {
        VecMap(map.into_iter().collect())
    }
}

impl<K: Ord, V> From<VecMap<K, V>> for BTreeMap<K, V> {
    fn from(map: VecMap<K, V>) -> Self {
        map.0.into_iter().collect()
    }
}

impl<K: Serialize, V: Serialize> Serialize for VecMap<K, V> {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_map(self.iter())
    }
}

impl<'de, K, V> Deserialize<'de> for VecMap<K, V>
where
    K: Deserialize<'de> + Ord,
    V: Deserialize<'de>,
{
    /// As `BTreeMap` reads a map: a repeated key keeps its last value
    /// (fields that must refuse repeats use `unique::map`).
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Pairs<K, V>(PhantomData<(K, V)>);
        impl<'de, K, V> Visitor<'de> for Pairs<K, V>
        where
            K: Deserialize<'de> + Ord,
            V: Deserialize<'de>,
        {
            type Value = VecMap<K, V>;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a map")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
                // (a hostile length is not trusted for the allocation)
                let mut out = Builder::with_capacity(access.size_hint().unwrap_or(0).min(64));
                while let Some((k, v)) = access.next_entry()? {
                    out.insert(k, v);
                }
                Ok(out.finish())
            }
        }
        d.deserialize_map(Pairs(PhantomData))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// P1: `get_hinted` finds what `get` finds, whatever the hint (right,
    /// wrong, past the end) and whether the key is there or not.
    #[test]
    fn get_hinted_is_get() {
        let mut m = VecMap::new();
        for k in ["B1", "B2", "B4", "B6", "B10", "X"] {
            m.insert(k.to_string(), k.len());
        }
        for key in ["B1", "B2", "B3", "B4", "B6", "B10", "X", "", "B"] {
            for hint in 0..9 {
                assert_eq!(m.get_hinted(key, hint), m.get(key), "{key} at {hint}");
            }
        }
        let empty: VecMap<String, u8> = VecMap::new();
        assert_eq!(empty.get_hinted("B1", 0), None);
    }

    /// P7: a `VecMap` behaves as the `BTreeMap` it replaces, for any sequence
    /// of inserts and removals, and reads and writes as one (RON, postcard).
    #[test]
    fn behaves_and_serialises_as_a_btreemap() {
        let mut a = VecMap::new();
        let mut b = BTreeMap::new();
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for step in 0..2000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let key = format!("k{}", x % 37);
            if x.is_multiple_of(5) {
                assert_eq!(a.remove(key.as_str()), b.remove(key.as_str()));
            } else {
                assert_eq!(a.insert(key.clone(), step), b.insert(key, step));
            }
            assert_eq!(a.len(), b.len());
        }
        assert!(a.iter().eq(b.iter()));
        assert!(a.iter().rev().eq(b.iter().rev()));
        assert_eq!(a.get("k3"), b.get("k3"));
        assert_eq!(a.contains_key("k4"), b.contains_key("k4"));
        assert_eq!(format!("{a:?}"), format!("{b:?}"));
        let ron_a = ron::to_string(&a).unwrap();
        assert_eq!(ron_a, ron::to_string(&b).unwrap());
        assert_eq!(ron::from_str::<VecMap<String, u32>>(&ron_a).unwrap(), a);
        let pc = postcard::to_stdvec(&a).unwrap();
        assert_eq!(pc, postcard::to_stdvec(&b).unwrap());
        assert_eq!(postcard::from_bytes::<VecMap<String, u32>>(&pc).unwrap(), a);
        // Unsorted input with a repeated key reads as a BTreeMap reads it.
        let text = "{\"b\": 1, \"a\": 2, \"b\": 3}";
        let read: VecMap<String, u32> = ron::from_str(text).unwrap();
        let want: BTreeMap<String, u32> = ron::from_str(text).unwrap();
        assert_eq!(BTreeMap::from(read), want);
    }

    /// Many keys in reverse order (a hostile file) build in O(n log n) and
    /// equal the `BTreeMap` of the same pairs, repeated keys included.
    #[test]
    fn keys_out_of_order_build_as_a_btreemap_does() {
        let n = 200_000u32;
        let pairs = || (0..n).rev().map(|i| (i / 2, i));
        let t = std::time::Instant::now();
        let a: VecMap<u32, u32> = pairs().collect();
        assert!(t.elapsed().as_secs() < 5, "{:?}", t.elapsed());
        let b: BTreeMap<u32, u32> = pairs().collect();
        assert!(a.iter().eq(b.iter()));
        let mut c: VecMap<u32, u32> = [(5, 0), (1, 1)].into();
        c.extend([(3, 2), (9, 3), (1, 4)]);
        assert_eq!(
            c.iter().map(|(k, v)| (*k, *v)).collect::<Vec<_>>(),
            [(1, 4), (3, 2), (5, 0), (9, 3)]
        );
    }
}
