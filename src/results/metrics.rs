//! Streaming statistics: a log-linear latency histogram and exact running
//! sums. Memory is fixed by the histogram's resolution, never by the number
//! of requests recorded.

use crate::time::SimTime;

/// Sub-buckets per power of two. 128 gives a bucket width of at most 1/128 of
/// its lower bound, so a value reported as its bucket's midpoint is within
/// 0.4 % of the truth (the contract asks for 1 %).
const SUB_BITS: u32 = 7;
const SUB: u64 = 1 << SUB_BITS;
/// The most a quantile read from the histogram can be off, relative to
/// the value read: half a bucket, and a bucket is at most 1/128 of its
/// lower bound wide.
pub const QUANTILE_RELATIVE_ERROR: f64 = 1.0 / (2 * SUB) as f64;

/// Values are nanoseconds in a u64: 64 - 7 = 57 octaves above the exact range.
const BUCKETS: usize = ((64 - SUB_BITS as usize) + 1) * SUB as usize;

/// A value with the histogram bucket it falls in, found once for
/// [`Histogram::record_in`].
#[derive(Clone, Copy, Debug)]
pub struct Bucket {
    index: usize,
    value: u64,
}

impl Bucket {
    #[inline]
    pub fn of(t: SimTime) -> Bucket {
        let value = t.as_nanos();
        Bucket {
            index: bucket_of(value),
            value,
        }
    }
}

/// A histogram of durations with ≤ 0.4 % relative error on every quantile,
/// plus exact count, sum, min and max.
#[derive(Clone, Debug)]
pub struct Histogram {
    counts: Box<[u64]>,
    count: u64,
    sum_ns: u128,
    min: u64,
    max: u64,
}

impl Default for Histogram {
    fn default() -> Self {
        Self::new()
    }
}

#[inline]
fn bucket_of(v: u64) -> usize {
    if v < SUB {
        v as usize
    } else {
        let exp = 63 - v.leading_zeros(); // >= SUB_BITS
        let shift = exp - SUB_BITS;
        let mantissa = (v >> shift) - SUB; // 0..SUB
        (((shift + 1) as u64) * SUB + mantissa) as usize
    }
}

/// The [low, high) range of values that fall in bucket `b`.
fn bucket_range(b: usize) -> (u64, u64) {
    let b = b as u64;
    if b < SUB {
        (b, b + 1)
    } else {
        let shift = b / SUB - 1;
        let mantissa = b % SUB + SUB;
        let low = mantissa << shift;
        (low, low.saturating_add(1u64 << shift))
    }
}

impl Histogram {
    pub fn new() -> Self {
        Histogram {
            counts: vec![0; BUCKETS].into_boxed_slice(),
            count: 0,
            sum_ns: 0,
            min: u64::MAX,
            max: 0,
        }
    }

    /// A histogram that holds nothing and allocates nothing, for results
    /// that keep only their numbers (replications after their histograms
    /// were pooled). Every read works on it; recording into it panics.
    pub fn unallocated() -> Self {
        Histogram {
            counts: Box::new([]),
            count: 0,
            sum_ns: 0,
            min: u64::MAX,
            max: 0,
        }
    }

    /// Adds every value recorded in `other`, as if recorded here. Integer
    /// sums, so the result does not depend on the order of merges.
    pub fn merge(&mut self, other: &Histogram) {
        if other.count == 0 {
            return;
        }
        if self.counts.is_empty() {
            self.counts = vec![0; BUCKETS].into_boxed_slice();
        }
        for b in other.touched() {
            self.counts[b] += other.counts[b];
        }
        self.count += other.count;
        self.sum_ns += other.sum_ns;
        self.min = self.min.min(other.min);
        self.max = self.max.max(other.max);
    }

    /// The buckets from the lowest to the highest touched (empty when
    /// nothing is recorded), so that clearing and scanning stay cheap when
    /// values cluster. Derived from the exact min and max, which fall in
    /// those buckets, rather than kept: recording then updates two fewer
    /// fields, and it runs for three histograms per request.
    #[inline]
    fn touched(&self) -> std::ops::RangeInclusive<usize> {
        if self.count == 0 {
            #[allow(clippy::reversed_empty_ranges)]
            return 1..=0;
        }
        bucket_of(self.min)..=bucket_of(self.max)
    }

    #[inline]
    pub fn record(&mut self, t: SimTime) {
        self.record_in(Bucket::of(t));
    }

    /// [`Histogram::record`] of a value whose bucket is already found: a
    /// completion records its latency in two histograms.
    #[inline]
    pub fn record_in(&mut self, bucket: Bucket) {
        let Bucket { index: b, value: v } = bucket;
        self.counts[b] += 1;
        self.count += 1;
        self.sum_ns += v as u128;
        self.min = self.min.min(v);
        self.max = self.max.max(v);
    }

    pub fn count(&self) -> u64 {
        self.count
    }

    /// Exact mean in seconds (0 when empty).
    pub fn mean_secs(&self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.sum_ns as f64 / self.count as f64 / 1e9
        }
    }

    pub fn sum_secs(&self) -> f64 {
        self.sum_ns as f64 / 1e9
    }

    pub fn max(&self) -> SimTime {
        SimTime(if self.count == 0 { 0 } else { self.max })
    }

    pub fn min(&self) -> SimTime {
        SimTime(if self.count == 0 { 0 } else { self.min })
    }

    /// The q-quantile (q in [0, 1]): the smallest recorded value v such that
    /// at least ⌈q·n⌉ values are ≤ v, to within the bucket resolution.
    /// Reported as the bucket midpoint clamped to the exact min and max, so
    /// a histogram of identical values returns that value exactly.
    pub fn quantile(&self, q: f64) -> SimTime {
        if self.count == 0 {
            return SimTime::ZERO;
        }
        let rank = self.rank(q);
        let mut seen = 0u64;
        for b in self.touched() {
            seen += self.counts[b];
            if seen >= rank {
                return self.reported(b);
            }
        }
        SimTime(self.max)
    }

    /// How many of the values recorded are at or below the q-quantile.
    fn rank(&self, q: f64) -> u64 {
        ((q.clamp(0.0, 1.0) * self.count as f64).ceil() as u64).max(1)
    }

    /// [`Histogram::quantile`] of each of `qs`, which must be ascending, in
    /// one pass over the buckets instead of one pass each: the time series
    /// reads five per window, and a window's latencies can span thousands
    /// of buckets.
    pub fn quantiles<const N: usize>(&self, qs: [f64; N]) -> [SimTime; N] {
        debug_assert!(qs.windows(2).all(|w| w[0] <= w[1]), "ascending: {qs:?}");
        if self.count == 0 || N == 0 {
            return [SimTime::ZERO; N];
        }
        let ranks = qs.map(|q| self.rank(q));
        let mut out = [SimTime(self.max); N];
        let mut next = 0;
        let mut seen = 0u64;
        // Whole chunks are summed (vectorised) and skipped while the next
        // rank lies beyond them; only the chunk it falls in is walked.
        let touched = self.touched();
        let mut first = *touched.start();
        for chunk in self.counts[touched].chunks(16) {
            let total: u64 = chunk.iter().sum();
            if seen + total < ranks[next] {
                seen += total;
                first += chunk.len();
                continue;
            }
            for (i, &c) in chunk.iter().enumerate() {
                seen += c;
                while next < N && seen >= ranks[next] {
                    out[next] = self.reported(first + i);
                    next += 1;
                }
            }
            if next == N {
                break;
            }
            first += chunk.len();
        }
        out
    }

    /// The value reported for bucket `b`: its midpoint, clamped to the
    /// exact min and max.
    fn reported(&self, b: usize) -> SimTime {
        let (low, high) = bucket_range(b);
        let mid = low + (high - low - 1) / 2;
        SimTime(mid.clamp(self.min, self.max))
    }

    /// Fraction of recorded values strictly above `t`, to bucket resolution
    /// (exact when `t` is a bucket boundary, e.g. zero).
    pub fn fraction_above(&self, t: SimTime) -> f64 {
        if self.count == 0 {
            return 0.0;
        }
        let b = bucket_of(t.as_nanos());
        let (lo, hi) = self.touched().into_inner();
        let above: u64 = self.counts[(b + 1).max(lo)..(hi + 1).max(b + 1)]
            .iter()
            .sum();
        above as f64 / self.count as f64
    }

    /// Points of the empirical CDF, one per non-empty bucket: (upper bound
    /// of the bucket, cumulative fraction). For charts.
    pub fn cdf_points(&self) -> Vec<(SimTime, f64)> {
        let mut out = Vec::new();
        if self.count == 0 {
            return out;
        }
        let mut seen = 0u64;
        for b in self.touched() {
            if self.counts[b] > 0 {
                seen += self.counts[b];
                let (_, high) = bucket_range(b);
                out.push((SimTime(high.min(self.max)), seen as f64 / self.count as f64));
            }
        }
        out
    }

    /// The non-empty buckets as (index, count), lowest first: with
    /// [`Histogram::sum_nanos`], min and max, everything the histogram
    /// holds (a shard's partial result stores it sparse).
    pub fn buckets(&self) -> impl Iterator<Item = (usize, u64)> + '_ {
        self.touched()
            .map(|b| (b, self.counts[b]))
            .filter(|&(_, n)| n > 0)
    }

    /// The exact sum of the values recorded, in nanoseconds.
    pub fn sum_nanos(&self) -> u128 {
        self.sum_ns
    }

    /// The histogram that [`Histogram::buckets`], `sum_nanos`, `min` and
    /// `max` describe. Refuses buckets out of range, out of order or
    /// empty, and min or max outside the buckets, so that a damaged file
    /// cannot make a histogram that reads differently from the one saved.
    pub fn from_buckets(
        buckets: &[(usize, u64)],
        sum_ns: u128,
        min: SimTime,
        max: SimTime,
    ) -> Result<Self, String> {
        let mut h = Histogram::unallocated();
        if buckets.is_empty() {
            return if sum_ns == 0 {
                Ok(h)
            } else {
                Err("an empty histogram with a non-zero sum".into())
            };
        }
        h.counts = vec![0; BUCKETS].into_boxed_slice();
        let mut prev = None;
        for &(b, n) in buckets {
            if b >= BUCKETS || n == 0 || prev.is_some_and(|p| p >= b) {
                return Err(format!("bucket {b} (count {n}) is out of range or order"));
            }
            h.counts[b] = n;
            h.count = h.count.checked_add(n).ok_or("bucket counts overflow")?;
            prev = Some(b);
        }
        h.sum_ns = sum_ns;
        (h.min, h.max) = (min.as_nanos(), max.as_nanos());
        if bucket_of(h.min) != buckets[0].0 || bucket_of(h.max) != buckets[buckets.len() - 1].0 {
            return Err("min or max outside the histogram's buckets".into());
        }
        Ok(h)
    }

    /// Forgets everything, in time proportional to the touched range.
    pub fn clear(&mut self) {
        // A loop of plain stores, which the compiler turns into memset;
        // `fill` stayed a loop of one store per bucket, and a window of
        // cold starts and sub-millisecond work spans thousands of buckets.
        let touched = self.touched();
        for c in &mut self.counts[touched] {
            *c = 0;
        }
        self.count = 0;
        self.sum_ns = 0;
        self.min = u64::MAX;
        self.max = 0;
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn merged_histograms_equal_one_that_recorded_everything() {
        let (mut a, mut b, mut all) = (Histogram::new(), Histogram::new(), Histogram::new());
        for i in 1..1000u64 {
            let t = SimTime(i * i * 1_000);
            if i % 3 == 0 {
                a.record(t)
            } else {
                b.record(t)
            }
            all.record(t);
        }
        let mut pooled = Histogram::unallocated();
        pooled.merge(&b);
        pooled.merge(&a);
        pooled.merge(&Histogram::unallocated());
        assert_eq!(pooled.count(), all.count());
        assert_eq!(pooled.cdf_points(), all.cdf_points());
        assert_eq!(
            (pooled.quantile(0.99), pooled.max()),
            (all.quantile(0.99), all.max())
        );
        assert_eq!(Histogram::unallocated().quantile(0.5), SimTime::ZERO);
    }

    use super::*;

    #[test]
    fn a_histogram_rebuilt_from_its_buckets_is_the_same() {
        let mut h = Histogram::new();
        for i in 1..5000u64 {
            h.record(SimTime(i * i * 7_919));
        }
        let buckets: Vec<(usize, u64)> = h.buckets().collect();
        let back = Histogram::from_buckets(&buckets, h.sum_nanos(), h.min(), h.max()).unwrap();
        assert_eq!(back.buckets().collect::<Vec<_>>(), buckets);
        assert_eq!((back.count(), back.sum_nanos()), (h.count(), h.sum_nanos()));
        assert_eq!((back.min(), back.max()), (h.min(), h.max()));
        assert_eq!(back.cdf_points(), h.cdf_points());
        let empty = Histogram::from_buckets(&[], 0, SimTime::ZERO, SimTime::ZERO).unwrap();
        assert_eq!(empty.count(), 0);
        assert!(Histogram::from_buckets(&[(5, 1), (5, 1)], 10, SimTime(5), SimTime(5)).is_err());
        assert!(Histogram::from_buckets(&[(BUCKETS, 1)], 1, SimTime(1), SimTime(1)).is_err());
    }

    #[test]
    fn buckets_are_contiguous_and_cover_their_values() {
        let mut prev_high = 0;
        for b in 0..BUCKETS - 1 {
            let (low, high) = bucket_range(b);
            assert_eq!(low, prev_high, "gap before bucket {b}");
            assert_eq!(bucket_of(low), b);
            assert_eq!(bucket_of(high - 1), b);
            prev_high = high;
        }
        assert_eq!(bucket_of(u64::MAX), BUCKETS - 1);
    }

    #[test]
    fn quantiles_are_within_one_percent() {
        let mut h = Histogram::new();
        let values: Vec<u64> = (1..=100_000u64).map(|i| i * 1_337).collect();
        for &v in &values {
            h.record(SimTime(v));
        }
        for q in [0.01, 0.5, 0.9, 0.99, 0.999] {
            let exact = values[((q * values.len() as f64).ceil() as usize) - 1] as f64;
            let got = h.quantile(q).as_nanos() as f64;
            assert!(
                (got - exact).abs() / exact < 0.01,
                "q={q}: {got} vs {exact}"
            );
        }
        assert_eq!(h.max(), SimTime(100_000 * 1_337));
        assert_eq!(h.quantile(1.0), SimTime(100_000 * 1_337));
    }

    /// The one-pass read gives exactly what one read per quantile gives:
    /// empty, one value, ties at a rank, and values spread over octaves.
    #[test]
    fn quantiles_in_one_pass_equal_quantiles_one_by_one() {
        let qs = [0.0, 0.001, 0.5, 0.5, 0.9, 0.95, 0.99, 0.999, 1.0];
        let mut x: u64 = 7;
        let mut h = Histogram::new();
        for n in 0..3_000u64 {
            if n % 500 == 0 || n < 4 {
                let one_by_one = qs.map(|q| h.quantile(q));
                assert_eq!(h.quantiles(qs), one_by_one, "after {n} values");
            }
            x = x.wrapping_mul(6364136223846793005).wrapping_add(1);
            // Long-tailed: most values small, a few many octaves up.
            h.record(SimTime((x >> 40) >> ((x >> 20) % 24)));
        }
        let mut tied = Histogram::new();
        for v in [5, 5, 5, 5, 9_000_000] {
            tied.record(SimTime(v));
        }
        assert_eq!(tied.quantiles(qs), qs.map(|q| tied.quantile(q)));
    }

    #[test]
    fn identical_values_give_exact_quantiles() {
        let mut h = Histogram::new();
        for _ in 0..10 {
            h.record(SimTime::from_millis(50));
        }
        assert_eq!(h.quantile(0.5), SimTime::from_millis(50));
        assert_eq!(h.quantile(0.99), SimTime::from_millis(50));
        assert_eq!(h.mean_secs(), 0.05);
    }

    #[test]
    fn fraction_above_zero_is_exact() {
        let mut h = Histogram::new();
        for v in [0, 0, 0, 5, 1_000_000] {
            h.record(SimTime(v));
        }
        assert_eq!(h.fraction_above(SimTime::ZERO), 0.4);
    }

    #[test]
    fn clear_forgets_everything() {
        let mut h = Histogram::new();
        h.record(SimTime::from_secs(3));
        h.clear();
        assert_eq!(h.count(), 0);
        assert_eq!(h.quantile(0.5), SimTime::ZERO);
        h.record(SimTime::from_millis(1));
        assert_eq!(h.quantile(0.5), SimTime::from_millis(1));
    }
}
