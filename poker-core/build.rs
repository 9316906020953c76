//! Generates the fast evaluator's lookup tables (`$OUT_DIR/eval_tables.rs`) at build time.
//!
//! The fast evaluator (`src/eval/fast.rs`) sums one key per card. The low 32 bits of
//! the sum identify the multiset of ranks; this script assigns every multiset of 5, 6
//! or 7 cards its best non-flush hand, places those values in a perfect-hash table,
//! and writes a second table that maps the ranks held in one suit to the best flush or
//! straight flush. Nothing here is tuned for the build machine: the work is a few
//! hundred thousand small steps and runs at the build profile's default optimisation.
//!
//! The values written are packed `HandStrength`s (see `src/eval/mod.rs`): the category
//! index in bits 20–23 and up to five rank indices (deuce 0 … ace 12) in nibbles below,
//! most significant first. The exhaustive tests compare every table entry reachable
//! from real hands with the slow reference evaluator, so a mistake here cannot hide.

use std::fmt::Write as _;
use std::path::PathBuf;

/// One key per rank (deuce first). Chosen greedily, each the smallest value above the
/// previous one such that no two multisets of at most seven ranks (at most four of
/// each) have the same sum; the largest possible sum (four aces and three kings) is
/// 18,393,157, below 2^25.
const RANK_KEYS: [u32; 13] = [
    1, 5, 24, 112, 521, 2247, 9244, 30823, 103066, 250154, 667453, 1526359, 3453520,
];

/// The rank sums are spread over 25 bits by an odd multiplier before hashing: greedy
/// keys cluster, and row displacement packs clustered rows badly. Multiplying by an
/// odd number modulo 2^25 is a bijection, so distinct sums stay distinct.
const HASH_MULTIPLIER: u32 = 0x9E37_79B1;
/// Width of the spread key.
const HASH_BITS: u32 = 25;
/// The spread key's low `ROW_SHIFT` bits are the column, the rest the row. 4,096 rows
/// keep the row offsets at 16 KiB, which stay in the L1 cache beside the rank-table
/// lines a random hand touches; 16,384 rows (2,048 columns) packed the rank table
/// tighter (97 % full against 62 %) but their 64 KiB of offsets cost about 0.4 more
/// L1 misses per random hand (cachegrind with this machine's 32 KiB L1), and random
/// order ran several per cent slower in the evaluator benchmark.
const ROW_SHIFT: u32 = 13;

/// Fewest and most cards the rank table covers (the public API evaluates 5 to 7).
const MIN_CARDS: u32 = 5;
const MAX_CARDS: u32 = 7;

/// Category indices, matching `Category` in `src/eval/mod.rs`.
const HIGH_CARD: u32 = 0;
const ONE_PAIR: u32 = 1;
const TWO_PAIR: u32 = 2;
const THREE_OF_A_KIND: u32 = 3;
const STRAIGHT: u32 = 4;
const FLUSH: u32 = 5;
const FULL_HOUSE: u32 = 6;
const FOUR_OF_A_KIND: u32 = 7;
const STRAIGHT_FLUSH: u32 = 8;

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let mut out = String::new();
    let rank_values = write_rank_hash(&mut out);
    let flush_values = flush_values();
    write_class_tables(&mut out, &rank_values, &flush_values);
    let dir = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR"));
    std::fs::write(dir.join("eval_tables.rs"), out).expect("OUT_DIR is writable");
}

/// Packs a category and its tie-breaking ranks (highest first) like `HandStrength`.
fn pack(category: u32, ranks: &[u32]) -> u32 {
    assert!(ranks.len() <= 5);
    let mut value = category << 20;
    for (i, &rank) in ranks.iter().enumerate() {
        value |= rank << (16 - 4 * i);
    }
    value
}

/// The top rank of the best straight within a 13-bit rank mask, the wheel counting
/// five high.
fn straight_top(ranks: u32) -> Option<u32> {
    for top in (4..13).rev() {
        let run = 0b11111 << (top - 4);
        if ranks & run == run {
            return Some(top);
        }
    }
    let wheel = (1 << 12) | 0b1111;
    (ranks & wheel == wheel).then_some(3)
}

/// The ranks of a mask, highest first.
fn ranks_high_first(mask: u32) -> Vec<u32> {
    (0..13).rev().filter(|r| mask & (1 << r) != 0).collect()
}

/// The best hand that cards with these rank counts make, ignoring suits.
fn best_without_flush(counts: &[u32; 13]) -> u32 {
    let with_count =
        |n: u32| -> Vec<u32> { (0..13).rev().filter(|&r| counts[r as usize] == n).collect() };
    let present: u32 = (0..13)
        .filter(|&r| counts[r as usize] > 0)
        .fold(0, |m, r| m | (1 << r));
    let quads = with_count(4);
    let trips = with_count(3);
    let pairs = with_count(2);
    let kickers = |used: &[u32], how_many: usize| -> Vec<u32> {
        ranks_high_first(present)
            .into_iter()
            .filter(|r| !used.contains(r))
            .take(how_many)
            .collect()
    };
    if let Some(&quad) = quads.first() {
        let kicker = kickers(&[quad], 1);
        return pack(FOUR_OF_A_KIND, &[quad, kicker[0]]);
    }
    if let Some(&trip) = trips.first() {
        // The pair of a full house may come from a second set of trips.
        let pair = trips.iter().skip(1).chain(pairs.iter()).copied().max();
        if let Some(pair) = pair {
            return pack(FULL_HOUSE, &[trip, pair]);
        }
    }
    if let Some(top) = straight_top(present) {
        return pack(STRAIGHT, &[top]);
    }
    if let Some(&trip) = trips.first() {
        let mut ranks = vec![trip];
        ranks.extend(kickers(&[trip], 2));
        return pack(THREE_OF_A_KIND, &ranks);
    }
    if pairs.len() >= 2 {
        let mut ranks = vec![pairs[0], pairs[1]];
        ranks.extend(kickers(&[pairs[0], pairs[1]], 1));
        return pack(TWO_PAIR, &ranks);
    }
    if let Some(&pair) = pairs.first() {
        let mut ranks = vec![pair];
        ranks.extend(kickers(&[pair], 3));
        return pack(ONE_PAIR, &ranks);
    }
    pack(HIGH_CARD, &kickers(&[], 5))
}

/// Every rank-count vector with at most four of each rank and `MIN_CARDS..=MAX_CARDS`
/// cards, with its key sum.
fn rank_multisets() -> Vec<([u32; 13], u32)> {
    fn walk(
        rank: usize,
        counts: &mut [u32; 13],
        cards: u32,
        sum: u32,
        out: &mut Vec<([u32; 13], u32)>,
    ) {
        if rank == 13 {
            if cards >= MIN_CARDS {
                out.push((*counts, sum));
            }
            return;
        }
        for count in 0..=4u32.min(MAX_CARDS - cards) {
            counts[rank] = count;
            walk(
                rank + 1,
                counts,
                cards + count,
                sum + count * RANK_KEYS[rank],
                out,
            );
        }
        counts[rank] = 0;
    }
    let mut out = Vec::new();
    walk(0, &mut [0; 13], 0, 0, &mut out);
    out
}

fn spread(sum: u32) -> u32 {
    sum.wrapping_mul(HASH_MULTIPLIER) & ((1 << HASH_BITS) - 1)
}

/// Builds the row-displacement perfect hash of the rank sums, writes its parameters
/// and row offsets, and returns the packed value of every slot (`None` for padding).
fn write_rank_hash(out: &mut String) -> Vec<Option<u32>> {
    let multisets = rank_multisets();
    let mut sums: Vec<u32> = multisets.iter().map(|&(_, sum)| sum).collect();
    sums.sort_unstable();
    let distinct = sums.windows(2).all(|w| w[0] != w[1]);
    assert!(
        distinct,
        "RANK_KEYS must give every rank multiset its own sum"
    );
    assert!(sums.last().is_some_and(|&max| max < 1 << HASH_BITS));

    let row_count = 1usize << (HASH_BITS - ROW_SHIFT);
    let column_mask = (1u32 << ROW_SHIFT) - 1;
    let mut rows: Vec<Vec<(u32, u32)>> = vec![Vec::new(); row_count];
    for (counts, sum) in &multisets {
        let key = spread(*sum);
        rows[(key >> ROW_SHIFT) as usize].push((key & column_mask, best_without_flush(counts)));
    }
    // First fit, fullest rows first: each row gets the smallest offset at which all its
    // columns land on free slots.
    let mut order: Vec<usize> = (0..row_count).collect();
    order.sort_by_key(|&row| (std::cmp::Reverse(rows[row].len()), row));
    let mut slots: Vec<Option<u32>> = Vec::new();
    let mut offsets = vec![0u32; row_count];
    let mut first_free = 0usize;
    for row in order {
        let entries = &rows[row];
        let Some(lowest) = entries.iter().map(|&(column, _)| column as usize).min() else {
            continue;
        };
        let mut offset = first_free.saturating_sub(lowest);
        while !entries.iter().all(|&(column, _)| {
            slots
                .get(offset + column as usize)
                .is_none_or(Option::is_none)
        }) {
            offset += 1;
        }
        for &(column, value) in entries {
            let slot = offset + column as usize;
            if slots.len() <= slot {
                slots.resize(slot + 1, None);
            }
            slots[slot] = Some(value);
        }
        offsets[row] = u32::try_from(offset).expect("offsets stay small");
        while slots.get(first_free).is_some_and(Option::is_some) {
            first_free += 1;
        }
    }
    // Pad so that any spread key, even one no hand produces, indexes inside the table.
    let max_offset = offsets.iter().copied().max().unwrap_or(0) as usize;
    slots.resize(slots.len().max(max_offset + (1 << ROW_SHIFT)), None);

    let _ = writeln!(
        out,
        "/// Key of each rank (deuce first); a hand's rank key is their sum."
    );
    let _ = writeln!(
        out,
        "pub(crate) const RANK_KEYS: [u32; 13] = {RANK_KEYS:?};"
    );
    let _ = writeln!(
        out,
        "/// Odd multiplier that spreads a rank sum over `HASH_BITS` bits."
    );
    let _ = writeln!(
        out,
        "pub(crate) const HASH_MULTIPLIER: u32 = {HASH_MULTIPLIER:#x};"
    );
    let _ = writeln!(out, "/// Width of the spread rank key.");
    let _ = writeln!(out, "pub(crate) const HASH_BITS: u32 = {HASH_BITS};");
    let _ = writeln!(
        out,
        "/// The spread key's low `ROW_SHIFT` bits are the column, the rest the row."
    );
    let _ = writeln!(out, "pub(crate) const ROW_SHIFT: u32 = {ROW_SHIFT};");
    let _ = writeln!(out, "/// Rank multisets of 5 to 7 cards held in the table.");
    let _ = writeln!(out, "#[allow(dead_code)] // Read by the table tests only.");
    let _ = writeln!(
        out,
        "pub(crate) const RANK_MULTISETS: usize = {};",
        multisets.len()
    );
    // Stored relative to the row's first spread key, so the lookup is
    // `spread + offset` (wrapping in u32) with no need to split off the column.
    let relative: Vec<u32> = offsets
        .iter()
        .enumerate()
        .map(|(row, &offset)| offset.wrapping_sub((row as u32) << ROW_SHIFT))
        .collect();
    write_array(
        out,
        "Per row of the perfect hash: the row's start in `RANK_VALUES` minus its first spread key (wrapping).",
        "HASH_ROW_OFFSETS",
        "u32",
        &relative,
    );
    slots
}

/// Writes the strengths as classes: the sorted list of every distinct packed strength
/// (`CLASS_VALUES`, padded to 8,192 entries so a 13-bit mask indexes it), and both
/// tables as 16-bit indices into it, which halves their cache footprint.
fn write_class_tables(out: &mut String, rank_values: &[Option<u32>], flush_values: &[Option<u32>]) {
    let mut classes: Vec<u32> = rank_values
        .iter()
        .chain(flush_values)
        .flatten()
        .copied()
        .collect();
    classes.sort_unstable();
    classes.dedup();
    assert_eq!(classes.len(), 7_462, "every 5-card hand class is reachable");
    let class_of = |value: &Option<u32>| -> u32 {
        // Padding slots are never reached by a hand of 5 to 7 cards; class 0 is as
        // good a filler as any.
        value.map_or(0, |v| classes.binary_search(&v).map_or(0, |i| i as u32))
    };
    let rank_classes: Vec<u32> = rank_values.iter().map(class_of).collect();
    let flush_classes: Vec<u32> = flush_values.iter().map(class_of).collect();
    let mut padded = classes.clone();
    padded.resize(1 << 13, 0);
    let _ = writeln!(
        out,
        "/// Number of distinct hand strengths (equivalence classes of 5-card hands)."
    );
    let _ = writeln!(
        out,
        "pub(crate) const CLASS_COUNT: usize = {};",
        classes.len()
    );
    // A `const`, not a `static`, so that `HandStrength::to_u32` can stay a `const fn`;
    // it is read at run time only there and in `HandStrength::from_u32`.
    let _ = write!(
        out,
        "/// Every packed strength, ascending (so class order is strength order), padded to 2^13.\n\
         #[allow(clippy::large_const_arrays)] // Needed in `const fn`s; see build.rs.\n\
         pub(crate) const CLASS_VALUES: [u32; {}] = [",
        padded.len()
    );
    for (i, value) in padded.iter().enumerate() {
        if i % 16 == 0 {
            out.push('\n');
        }
        let _ = write!(out, "{value},");
    }
    out.push_str("\n];\n");
    write_array(
        out,
        "Class of the best non-flush hand per rank multiset, at `spread + HASH_ROW_OFFSETS[spread >> ROW_SHIFT]`.",
        "RANK_CLASSES",
        "u16",
        &rank_classes,
    );
    write_array(
        out,
        "Class of the best flush or straight flush per 13-bit mask of one suit's ranks.",
        "FLUSH_CLASSES",
        "u16",
        &flush_classes,
    );
}

/// The best flush or straight flush per 13-bit mask of one suit's ranks (`None` for
/// fewer than five cards).
fn flush_values() -> Vec<Option<u32>> {
    (0u32..1 << 13)
        .map(|mask| {
            if mask.count_ones() < 5 {
                return None;
            }
            Some(match straight_top(mask) {
                Some(top) => pack(STRAIGHT_FLUSH, &[top]),
                None => pack(FLUSH, &ranks_high_first(mask)[..5]),
            })
        })
        .collect()
}

fn write_array(out: &mut String, doc: &str, name: &str, ty: &str, values: &[u32]) {
    let _ = writeln!(out, "/// {doc}");
    let _ = write!(
        out,
        "pub(crate) static {name}: [{ty}; {}] = [",
        values.len()
    );
    for (i, value) in values.iter().enumerate() {
        if i % 16 == 0 {
            out.push('\n');
        }
        let _ = write!(out, "{value},");
    }
    out.push_str("\n];\n");
}
