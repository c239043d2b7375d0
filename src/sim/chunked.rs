//! A persistent, append-mostly vector, and a sorted map on top of it: what lets a copy of the
//! world cost O(chunks) instead of O(txns).
//!
//! The page's timeline keeps dozens of checkpoints, each a `World::checkpoint()`, a clone of
//! the whole world. Much of a world grows with every txn: each server's txn log, the checker's
//! maps of what was logged, committed, applied and ACKed. As `Vec`s and hash maps, an hour at
//! 20 writes/s (72k txns) made every checkpoint copy ~10 MiB of pointers and map entries. A
//! `ChunkedVec` keeps its items in sealed chunks of `CHUNK` items (`Rc<[T]>`, shared by every
//! clone) and a mutable tail of the newest items (at most `2 * CHUNK`, at least `CHUNK` once
//! that many were pushed: where changes land, the ACKs of a recent proposal, a TRUNC of the
//! last few txns): a clone copies the chunk pointers and the tail. Pushing,
//! reading and searching cost what a `Vec`'s do (a chunk lookup more); changing an item in a
//! sealed chunk (`insert`, `remove`, `get_mut`, a `truncate` inside it) copies that one chunk
//! if a clone still shares it (copy on write). After such changes chunks may differ in size:
//! each remembers the index of its first item.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::ops::{Bound, Index, RangeBounds};
use std::rc::Rc;

/// Items a chunk is sealed at.
pub const CHUNK: usize = 256;

/// A sealed chunk: never empty, never changed in place while shared.
#[derive(Clone)]
struct Chunk<T> {
    /// The index of its first item.
    start: usize,
    items: Rc<[T]>,
}

/// A vector whose clones share everything but its last few items.
pub struct ChunkedVec<T> {
    chunks: Vec<Chunk<T>>,
    /// How many items the sealed chunks hold (where the tail starts).
    sealed: usize,
    /// The items after the last sealed chunk: fewer than `2 * CHUNK` (its first `CHUNK`
    /// are sealed when it reaches that).
    tail: Vec<T>,
}

impl<T> Default for ChunkedVec<T> {
    fn default() -> Self {
        ChunkedVec {
            chunks: Vec::new(),
            sealed: 0,
            tail: Vec::new(),
        }
    }
}

impl<T: Clone> Clone for ChunkedVec<T> {
    fn clone(&self) -> Self {
        ChunkedVec {
            chunks: self.chunks.clone(),
            sealed: self.sealed,
            tail: self.tail.clone(),
        }
    }
}

impl<T> ChunkedVec<T> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.sealed + self.tail.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    pub fn push(&mut self, item: T) {
        self.tail.push(item);
        self.seal_if_full();
    }

    /// Seals the tail's first `CHUNK` items once it holds twice that.
    fn seal_if_full(&mut self) {
        if self.tail.len() < 2 * CHUNK {
            return;
        }
        let items: Rc<[T]> = self.tail.drain(..CHUNK).collect();
        let start = self.sealed;
        self.sealed += items.len();
        self.chunks.push(Chunk { start, items });
    }

    /// The chunk holding index `i` (below `sealed`), and `i`'s offset in it.
    fn locate(&self, i: usize) -> (usize, usize) {
        debug_assert!(i < self.sealed);
        // Chunks are all CHUNK long unless something was inserted or removed in the middle.
        let k = match self.chunks.get(i / CHUNK) {
            Some(c) if c.start <= i && i < c.start + c.items.len() => i / CHUNK,
            _ => self.chunks.partition_point(|c| c.start <= i) - 1,
        };
        (k, i - self.chunks[k].start)
    }

    pub fn get(&self, i: usize) -> Option<&T> {
        if i >= self.sealed {
            return self.tail.get(i - self.sealed);
        }
        let (k, off) = self.locate(i);
        Some(&self.chunks[k].items[off])
    }

    pub fn first(&self) -> Option<&T> {
        self.get(0)
    }

    pub fn last(&self) -> Option<&T> {
        match self.tail.last() {
            Some(item) => Some(item),
            None => self.chunks.last().and_then(|c| c.items.last()),
        }
    }

    pub fn iter(&self) -> Iter<'_, T> {
        self.range(..)
    }

    /// The items in `range` (by index), as slicing a `Vec` would give them.
    pub fn range(&self, range: impl RangeBounds<usize>) -> Iter<'_, T> {
        let start = match range.start_bound() {
            Bound::Included(&s) => s,
            Bound::Excluded(&s) => s + 1,
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(&e) => e + 1,
            Bound::Excluded(&e) => e,
            Bound::Unbounded => self.len(),
        };
        assert!(
            start <= end && end <= self.len(),
            "range {start}..{end} out of bounds for length {}",
            self.len()
        );
        let empty = Iter {
            front: [].iter(),
            middle: [].iter(),
            back: [].iter(),
            remaining: end - start,
        };
        if start == end {
            return empty;
        }
        // The tail's part, and the sealed chunks' part [start, end.min(sealed)).
        let tail_part =
            &self.tail[start.max(self.sealed) - self.sealed..end.max(self.sealed) - self.sealed];
        if start >= self.sealed {
            return Iter {
                front: tail_part.iter(),
                ..empty
            };
        }
        let sealed_end = end.min(self.sealed);
        let (k0, off0) = self.locate(start);
        let (k1, off1) = self.locate(sealed_end - 1);
        let (front, middle, back) = if k0 == k1 {
            (&self.chunks[k0].items[off0..=off1], &[][..], &[][..])
        } else {
            (
                &self.chunks[k0].items[off0..],
                &self.chunks[k0 + 1..k1],
                &self.chunks[k1].items[..=off1],
            )
        };
        if tail_part.is_empty() {
            Iter {
                front: front.iter(),
                middle: middle.iter(),
                back: back.iter(),
                remaining: end - start,
            }
        } else if k0 == k1 {
            Iter {
                front: front.iter(),
                middle: [].iter(),
                back: tail_part.iter(),
                remaining: end - start,
            }
        } else {
            // Four pieces: fold the last chunk into the middle (it is whole up to `sealed`).
            Iter {
                front: front.iter(),
                middle: self.chunks[k0 + 1..=k1].iter(),
                back: tail_part.iter(),
                remaining: end - start,
            }
        }
    }

    /// The index of the first item for which `pred` is false (`pred` true on a prefix).
    pub fn partition_point(&self, mut pred: impl FnMut(&T) -> bool) -> usize {
        let k = self
            .chunks
            .partition_point(|c| pred(c.items.last().expect("chunks are never empty")));
        match self.chunks.get(k) {
            Some(c) => c.start + c.items.partition_point(pred),
            None => self.sealed + self.tail.partition_point(pred),
        }
    }

    /// `Vec::binary_search_by_key` over items sorted by `key` (keys distinct).
    pub fn binary_search_by_key<K: Ord>(
        &self,
        key: &K,
        mut f: impl FnMut(&T) -> K,
    ) -> Result<usize, usize> {
        let i = self.partition_point(|t| f(t) < *key);
        match self.get(i) {
            Some(t) if f(t) == *key => Ok(i),
            _ => Err(i),
        }
    }

    /// Drops every item from index `len` on.
    pub fn truncate(&mut self, len: usize)
    where
        T: Clone,
    {
        if len >= self.sealed {
            self.tail.truncate(len - self.sealed);
            return;
        }
        let (k, off) = self.locate(len);
        let start = self.chunks[k].start;
        self.tail = self.chunks[k].items[..off].to_vec();
        self.chunks.truncate(k);
        self.sealed = start;
    }

    /// Removes the items from `at` on and returns them.
    pub fn split_off(&mut self, at: usize) -> Vec<T>
    where
        T: Clone,
    {
        let removed = self.range(at..).cloned().collect();
        self.truncate(at);
        removed
    }

    pub fn clear(&mut self) {
        *self = ChunkedVec::default();
    }

    /// The item at `i`, to change; copies its chunk first if a clone shares it.
    pub fn get_mut(&mut self, i: usize) -> Option<&mut T>
    where
        T: Clone,
    {
        if i >= self.sealed {
            return self.tail.get_mut(i - self.sealed);
        }
        let (k, off) = self.locate(i);
        Some(&mut Rc::make_mut(&mut self.chunks[k].items)[off])
    }

    /// Inserts `item` at index `i`, shifting the rest; in a sealed chunk, copies that chunk
    /// (splitting it once it reaches twice `CHUNK`).
    pub fn insert(&mut self, i: usize, item: T)
    where
        T: Clone,
    {
        assert!(
            i <= self.len(),
            "insert index {i} beyond length {}",
            self.len()
        );
        if i >= self.sealed {
            self.tail.insert(i - self.sealed, item);
            self.seal_if_full();
            return;
        }
        let (k, off) = self.locate(i);
        let mut items = self.chunks[k].items.to_vec();
        items.insert(off, item);
        let start = self.chunks[k].start;
        if items.len() >= 2 * CHUNK {
            let second = items.split_off(items.len() / 2);
            let second_start = start + items.len();
            self.chunks[k].items = Rc::from(items);
            self.chunks.insert(
                k + 1,
                Chunk {
                    start: second_start,
                    items: Rc::from(second),
                },
            );
            self.shift_starts(k + 2, true);
        } else {
            self.chunks[k].items = Rc::from(items);
            self.shift_starts(k + 1, true);
        }
        self.sealed += 1;
    }

    /// Removes and returns the item at `i`; in a sealed chunk, copies that chunk.
    pub fn remove(&mut self, i: usize) -> T
    where
        T: Clone,
    {
        assert!(
            i < self.len(),
            "remove index {i} beyond length {}",
            self.len()
        );
        if i >= self.sealed {
            return self.tail.remove(i - self.sealed);
        }
        let (k, off) = self.locate(i);
        let mut items = self.chunks[k].items.to_vec();
        let item = items.remove(off);
        if items.is_empty() {
            self.chunks.remove(k);
            self.shift_starts(k, false);
        } else {
            self.chunks[k].items = Rc::from(items);
            self.shift_starts(k + 1, false);
        }
        self.sealed -= 1;
        item
    }

    /// Moves the start of every chunk from the `k`th on one item up (`up`) or down.
    fn shift_starts(&mut self, k: usize, up: bool) {
        for c in &mut self.chunks[k..] {
            c.start = if up { c.start + 1 } else { c.start - 1 };
        }
    }

    pub fn to_vec(&self) -> Vec<T>
    where
        T: Clone,
    {
        self.iter().cloned().collect()
    }
}

impl<T> Index<usize> for ChunkedVec<T> {
    type Output = T;

    fn index(&self, i: usize) -> &T {
        match self.get(i) {
            Some(item) => item,
            None => panic!("index {i} out of bounds for length {}", self.len()),
        }
    }
}

impl<T> Extend<T> for ChunkedVec<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, iter: I) {
        for item in iter {
            self.push(item);
        }
    }
}

impl<T> FromIterator<T> for ChunkedVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(iter: I) -> Self {
        let mut v = ChunkedVec::new();
        v.extend(iter);
        v
    }
}

impl<T> From<Vec<T>> for ChunkedVec<T> {
    fn from(items: Vec<T>) -> Self {
        items.into_iter().collect()
    }
}

impl<'a, T> IntoIterator for &'a ChunkedVec<T> {
    type Item = &'a T;
    type IntoIter = Iter<'a, T>;

    fn into_iter(self) -> Iter<'a, T> {
        self.iter()
    }
}

/// Hashes exactly as a `Vec<T>` with the same items does (its length, then its items through
/// `T::hash_slice`, piece by piece: the project's byte-wise FNV hasher cannot tell).
impl<T: Hash> Hash for ChunkedVec<T> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        state.write_usize(self.len());
        for c in &self.chunks {
            T::hash_slice(&c.items, state);
        }
        T::hash_slice(&self.tail, state);
    }
}

impl<T: PartialEq> PartialEq for ChunkedVec<T> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl<T: Eq> Eq for ChunkedVec<T> {}

impl<T: fmt::Debug> fmt::Debug for ChunkedVec<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

/// The items of a `ChunkedVec` (or a range of them), either way.
pub struct Iter<'a, T> {
    front: std::slice::Iter<'a, T>,
    /// Whole chunks between `front` and `back`.
    middle: std::slice::Iter<'a, Chunk<T>>,
    back: std::slice::Iter<'a, T>,
    remaining: usize,
}

impl<T> Clone for Iter<'_, T> {
    fn clone(&self) -> Self {
        Iter {
            front: self.front.clone(),
            middle: self.middle.clone(),
            back: self.back.clone(),
            remaining: self.remaining,
        }
    }
}

impl<'a, T> Iterator for Iter<'a, T> {
    type Item = &'a T;

    fn next(&mut self) -> Option<&'a T> {
        loop {
            if let Some(item) = self.front.next() {
                self.remaining -= 1;
                return Some(item);
            }
            match self.middle.next() {
                Some(c) => self.front = c.items.iter(),
                None => break,
            }
        }
        let item = self.back.next()?;
        self.remaining -= 1;
        Some(item)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (self.remaining, Some(self.remaining))
    }
}

impl<'a, T> DoubleEndedIterator for Iter<'a, T> {
    fn next_back(&mut self) -> Option<&'a T> {
        loop {
            if let Some(item) = self.back.next_back() {
                self.remaining -= 1;
                return Some(item);
            }
            match self.middle.next_back() {
                Some(c) => self.back = c.items.iter(),
                None => break,
            }
        }
        let item = self.front.next_back()?;
        self.remaining -= 1;
        Some(item)
    }
}

impl<T> ExactSizeIterator for Iter<'_, T> {}

/// A map kept as a `ChunkedVec` of `(key, value)` sorted by key: cheap to clone, and cheap to
/// grow when keys arrive in increasing order (as zxids do); an out-of-order key is inserted
/// in its place (copying one chunk). Hashes as a `BTreeMap` with the same entries does.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct ChunkedMap<K, V> {
    entries: ChunkedVec<(K, V)>,
}

impl<K, V> Default for ChunkedMap<K, V> {
    fn default() -> Self {
        ChunkedMap {
            entries: ChunkedVec::default(),
        }
    }
}

impl<K: Ord + Copy, V: Clone> ChunkedMap<K, V> {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn len(&self) -> usize {
        self.entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    fn find(&self, key: &K) -> Result<usize, usize> {
        match self.entries.last() {
            Some((last, _)) if last < key => Err(self.entries.len()),
            _ => self.entries.binary_search_by_key(key, |(k, _)| *k),
        }
    }

    pub fn get(&self, key: &K) -> Option<&V> {
        self.find(key).ok().map(|i| &self.entries[i].1)
    }

    pub fn contains_key(&self, key: &K) -> bool {
        self.find(key).is_ok()
    }

    /// Sets `key` to `value`; returns the value it replaces.
    pub fn insert(&mut self, key: K, value: V) -> Option<V> {
        match self.find(&key) {
            Ok(i) => {
                let slot = &mut self.entries.get_mut(i).expect("found").1;
                Some(std::mem::replace(slot, value))
            }
            Err(i) if i == self.entries.len() => {
                self.entries.push((key, value));
                None
            }
            Err(i) => {
                self.entries.insert(i, (key, value));
                None
            }
        }
    }

    /// The value at `key`, made from `make` first if there is none.
    pub fn get_or_insert_with(&mut self, key: K, make: impl FnOnce() -> V) -> &mut V {
        let i = match self.find(&key) {
            Ok(i) => i,
            Err(i) => {
                self.entries.insert(i, (key, make()));
                i
            }
        };
        &mut self.entries.get_mut(i).expect("present").1
    }

    pub fn remove(&mut self, key: &K) -> Option<V> {
        let i = self.find(key).ok()?;
        Some(self.entries.remove(i).1)
    }

    /// The greatest key.
    pub fn last_key(&self) -> Option<K> {
        self.entries.last().map(|(k, _)| *k)
    }

    /// Every entry, in key order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&K, &V)> + '_ {
        self.entries.iter().map(|(k, v)| (k, v))
    }

    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &K> + '_ {
        self.entries.iter().map(|(k, _)| k)
    }

    pub fn values(&self) -> impl DoubleEndedIterator<Item = &V> + '_ {
        self.entries.iter().map(|(_, v)| v)
    }

    /// The entries whose keys are in `range`, in key order.
    pub fn range(
        &self,
        range: impl RangeBounds<K>,
    ) -> impl DoubleEndedIterator<Item = (&K, &V)> + '_ {
        let start = match range.start_bound() {
            Bound::Included(s) => self.entries.partition_point(|(k, _)| k < s),
            Bound::Excluded(s) => self.entries.partition_point(|(k, _)| k <= s),
            Bound::Unbounded => 0,
        };
        let end = match range.end_bound() {
            Bound::Included(e) => self.entries.partition_point(|(k, _)| k <= e),
            Bound::Excluded(e) => self.entries.partition_point(|(k, _)| k < e),
            Bound::Unbounded => self.entries.len(),
        };
        self.entries
            .range(start..end.max(start))
            .map(|(k, v)| (k, v))
    }
}

impl<K: fmt::Debug, V: fmt::Debug> fmt::Debug for ChunkedMap<K, V> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(self.entries.iter().map(|(k, v)| (k, v)))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::sim::data::fnv_hash;
    use std::collections::BTreeMap;

    fn check<T: PartialEq + fmt::Debug + Clone + Hash>(c: &ChunkedVec<T>, v: &[T]) {
        assert_eq!(c.len(), v.len());
        assert_eq!(c.to_vec(), v);
        assert!(c.iter().rev().eq(v.iter().rev()));
        assert_eq!(c.iter().len(), v.len());
        assert_eq!(c.last(), v.last());
        assert_eq!(c.first(), v.first());
        assert_eq!(fnv_hash(c), fnv_hash(&v.to_vec()));
        let mut start = 0;
        for chunk in &c.chunks {
            assert_eq!(chunk.start, start);
            assert!(!chunk.items.is_empty());
            start += chunk.items.len();
        }
        assert_eq!(start, c.sealed);
    }

    #[test]
    fn pushes_share_sealed_chunks_between_clones() {
        let mut c: ChunkedVec<u64> = (0..1000).collect();
        let copy = c.clone();
        assert_eq!(copy.chunks.len(), (1000 - CHUNK) / CHUNK);
        assert!(Rc::ptr_eq(&c.chunks[0].items, &copy.chunks[0].items));
        c.push(1000);
        *c.get_mut(3).unwrap() = 7;
        assert_eq!(copy[3], 3);
        assert_eq!(c[3], 7);
        assert!(!Rc::ptr_eq(&c.chunks[0].items, &copy.chunks[0].items));
        assert!(Rc::ptr_eq(&c.chunks[1].items, &copy.chunks[1].items));
        check(&copy, &(0..1000).collect::<Vec<_>>());
    }

    #[test]
    fn ranges_and_searches_match_a_vec() {
        let v: Vec<u64> = (0..700).map(|i| i * 2).collect();
        let c: ChunkedVec<u64> = v.iter().copied().collect();
        for (a, b) in [
            (0, 0),
            (0, 700),
            (3, 9),
            (250, 260),
            (255, 513),
            (10, 690),
            (600, 700),
        ] {
            assert!(c.range(a..b).eq(v[a..b].iter()), "{a}..{b}");
            assert!(c.range(a..b).rev().eq(v[a..b].iter().rev()), "{a}..{b}");
            assert_eq!(c.range(a..b).len(), b - a);
        }
        for key in 0..1402 {
            assert_eq!(
                c.binary_search_by_key(&key, |x| *x),
                v.binary_search_by_key(&key, |x| *x)
            );
            assert_eq!(
                c.partition_point(|x| *x < key),
                v.partition_point(|x| *x < key)
            );
        }
    }

    #[test]
    fn inserts_into_one_chunk_split_it() {
        let mut c: ChunkedVec<u32> = (0..1000).collect();
        let mut v: Vec<u32> = (0..1000).collect();
        let copy = c.clone();
        for x in 0..700 {
            c.insert(10, x);
            v.insert(10, x);
        }
        assert!(c.chunks.len() > 3);
        check(&c, &v);
        check(&copy, &(0..1000).collect::<Vec<_>>());
        for _ in 0..650 {
            assert_eq!(c.remove(300), v.remove(300));
        }
        check(&c, &v);
    }

    /// Random operations on a `ChunkedVec` and a `Vec` side by side, with clones taken along
    /// the way that must not change.
    #[test]
    fn random_operations_behave_as_a_vec() {
        let mut rng = fastrand::Rng::with_seed(7);
        for round in 0..40 {
            let mut c: ChunkedVec<u32> = ChunkedVec::new();
            let mut v: Vec<u32> = Vec::new();
            let mut kept: Vec<(ChunkedVec<u32>, Vec<u32>)> = Vec::new();
            for _ in 0..3000 {
                match rng.u32(0..100) {
                    0..=59 => {
                        let x = rng.u32(..);
                        c.push(x);
                        v.push(x);
                    }
                    60..=67 if !v.is_empty() => {
                        let i = rng.usize(..v.len());
                        let x = rng.u32(..);
                        *c.get_mut(i).unwrap() = x;
                        v[i] = x;
                    }
                    68..=77 => {
                        let i = rng.usize(..=v.len());
                        let x = rng.u32(..);
                        c.insert(i, x);
                        v.insert(i, x);
                    }
                    78..=85 if !v.is_empty() => {
                        let i = rng.usize(..v.len());
                        assert_eq!(c.remove(i), v.remove(i));
                    }
                    86..=88 => {
                        let cut = rng.usize(v.len().saturating_sub(600)..=v.len());
                        assert_eq!(c.split_off(cut), v.split_off(cut));
                    }
                    89..=90 => {
                        let n = v.len().saturating_sub(rng.usize(..300));
                        c.truncate(n);
                        v.truncate(n);
                    }
                    91..=95 => kept.push((c.clone(), v.clone())),
                    96 if round % 4 == 0 => {
                        c.clear();
                        v.clear();
                    }
                    _ if !v.is_empty() => {
                        let a = rng.usize(..=v.len());
                        let b = rng.usize(a..=v.len());
                        assert!(c.range(a..b).eq(v[a..b].iter()));
                        assert!(c.range(a..b).rev().eq(v[a..b].iter().rev()));
                        let i = rng.usize(..v.len());
                        assert_eq!(c.get(i), v.get(i));
                        assert_eq!(c[i], v[i]);
                    }
                    _ => {}
                }
            }
            check(&c, &v);
            for (c, v) in &kept {
                check(c, v);
            }
        }
    }

    #[test]
    fn random_map_operations_behave_as_a_btreemap() {
        let mut rng = fastrand::Rng::with_seed(11);
        for _ in 0..20 {
            let mut c: ChunkedMap<u64, u32> = ChunkedMap::new();
            let mut m: BTreeMap<u64, u32> = BTreeMap::new();
            let mut next = 0u64;
            for _ in 0..4000 {
                let key = if rng.u8(..10) < 7 {
                    next += rng.u64(1..4);
                    next
                } else {
                    rng.u64(..=next + 1)
                };
                match rng.u8(..10) {
                    0..=5 => assert_eq!(c.insert(key, key as u32), m.insert(key, key as u32)),
                    6 => assert_eq!(c.remove(&key), m.remove(&key)),
                    7 => {
                        *c.get_or_insert_with(key, || 5) += 1;
                        *m.entry(key).or_insert(5) += 1;
                    }
                    _ => {
                        assert_eq!(c.get(&key), m.get(&key));
                        let hi = key + rng.u64(..50);
                        assert!(c.range(key..hi).eq(m.range(key..hi)));
                        assert!(c.range(..=key).rev().eq(m.range(..=key).rev()));
                    }
                }
            }
            assert!(c.iter().eq(m.iter()));
            assert_eq!(c.last_key(), m.keys().next_back().copied());
            assert_eq!(fnv_hash(&c), fnv_hash(&m));
        }
    }
}
