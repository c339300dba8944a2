//! Maps read from RON refuse a repeated key. Without this a file holding
//! `{"W1": Points(1.0), "W1": Points(9.0)}` silently keeps the last mark, so
//! what a reader sees in the file and what the tool counts could differ.

use std::fmt;
use std::marker::PhantomData;

use serde::de::{Deserialize, Deserializer, Error, MapAccess, Visitor};

use super::vecmap::{Builder, VecMap};

/// `#[serde(deserialize_with = "unique::map")]` for a `BTreeMap` or
/// [`super::VecMap`] field.
pub fn map<'de, D, K, V, M>(d: D) -> Result<M, D::Error>
where
    D: Deserializer<'de>,
    K: Deserialize<'de> + Ord + fmt::Debug,
    V: Deserialize<'de>,
    M: From<VecMap<K, V>>,
{
    struct Unique<K, V>(PhantomData<(K, V)>);
    impl<'de, K, V> Visitor<'de> for Unique<K, V>
    where
        K: Deserialize<'de> + Ord + fmt::Debug,
        V: Deserialize<'de>,
    {
        type Value = VecMap<K, V>;
        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map without repeated keys")
        }
        fn visit_map<A: MapAccess<'de>>(self, mut access: A) -> Result<Self::Value, A::Error> {
            let mut out = Builder::with_capacity(0);
            while let Some(k) = access.next_key::<K>()? {
                if out.contains_key(&k) {
                    return Err(A::Error::custom(format!("duplicate key {k:?}")));
                }
                let v = access.next_value()?;
                out.insert(k, v);
            }
            Ok(out.finish())
        }
    }
    d.deserialize_map(Unique(PhantomData)).map(M::from)
}

#[cfg(test)]
mod tests {
    use crate::model::Score;
    use crate::store::codec::from_ron;

    #[test]
    fn repeated_mark_is_refused() {
        let text = "(reviewer: \"a\", marks: {\"W1\": Points(1.0), \"W1\": Points(9.0)}, time: \"2017-11-20T10:00:00+08:00\")";
        let p = from_ron::<Score>("s.ron", text.as_bytes()).unwrap_err();
        assert!(p.message.contains("duplicate key \"W1\""), "{p}");
        let ok = text.replacen("\"W1\": Points(9.0)", "\"W2\": Points(9.0)", 1);
        assert_eq!(
            from_ron::<Score>("s.ron", ok.as_bytes())
                .unwrap()
                .marks
                .len(),
            2
        );
    }
}
