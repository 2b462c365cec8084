//! The mean of a result over replications, field by field
//! ([`Aggregate`]), for the numbers and labels every result is made of
//! and, through [`aggregate_fields!`], for any struct of them.

/// The mean of a result over replications, field by field: numbers are
/// averaged (whole numbers rounded to the nearest), names and other
/// labels are taken from the first replication.
pub trait Aggregate: Sized {
    fn mean_of(items: &[&Self]) -> Self;
}

impl Aggregate for f64 {
    fn mean_of(items: &[&Self]) -> Self {
        items.iter().copied().sum::<f64>() / items.len() as f64
    }
}

impl Aggregate for u64 {
    fn mean_of(items: &[&Self]) -> Self {
        let sum: u128 = items.iter().map(|&&x| x as u128).sum();
        let n = items.len() as u128;
        ((sum + n / 2) / n) as u64
    }
}

impl Aggregate for u32 {
    fn mean_of(items: &[&Self]) -> Self {
        let wide: Vec<u64> = items.iter().map(|&&x| x as u64).collect();
        u64::mean_of(&wide.iter().collect::<Vec<_>>()) as u32
    }
}

impl Aggregate for String {
    fn mean_of(items: &[&Self]) -> Self {
        items[0].clone()
    }
}

impl<T: Aggregate> Aggregate for Vec<T> {
    /// Element by element: the same architecture gives lists of the same
    /// shape (functions, services) in every replication.
    fn mean_of(items: &[&Self]) -> Self {
        (0..items[0].len())
            .map(|i| T::mean_of(&items.iter().map(|v| &v[i]).collect::<Vec<_>>()))
            .collect()
    }
}

impl<T: Aggregate + Clone> Aggregate for Option<T> {
    fn mean_of(items: &[&Self]) -> Self {
        let some: Vec<&T> = items.iter().filter_map(|o| o.as_ref()).collect();
        if some.len() == items.len() {
            Some(T::mean_of(&some))
        } else {
            items[0].clone()
        }
    }
}

/// Implements [`Aggregate`] for a struct whose fields all do.
macro_rules! aggregate_fields {
    ($t:ty { $($f:ident),* $(,)? }) => {
        impl Aggregate for $t {
            fn mean_of(items: &[&Self]) -> Self {
                Self {
                    $($f: Aggregate::mean_of(&items.iter().map(|x| &x.$f).collect::<Vec<_>>()),)*
                }
            }
        }
    };
}
pub(crate) use aggregate_fields;
