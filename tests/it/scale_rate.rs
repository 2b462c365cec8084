//! Lambda's scale rate end to end: a token bucket of 1,000 new
//! environments refilled at 100 per second, against the aligned 10 s
//! windows it replaced (still available as `refill = "aligned"`).

use crate::common::{assert_refused, header, scenario};
use scalesim::architectures;

/// New environments started in a minute of 500 rps whose invocations each
/// hold their environment for longer than the run (none is reused), with
/// the account limit lifted so that only the scale rate binds.
fn cold_starts(refill: &str) -> u64 {
    let s = scenario(&format!(
        r#"
name = "burst"
duration = "60s"
[demand]
shape = "constant"
rps = 500
arrivals = "uniform"
[[services]]
name = "f"
work = "100s"
[[architectures]]
name = "lambda"
kind = "serverless"
concurrency_limit = 100000
scale_rate = {{ instances = 1000, per = "10s"{refill} }}
"#
    ));
    let r = architectures::run_architecture(&s, &s.architectures[0], 0);
    r.serverless().expect("a serverless result").cold_starts
}

/// The bucket: the first 1,000 at once, then one every 10 ms: 1,000 + 100
/// × 60 = 7,000 by the end (the last may fall just after the last
/// arrival). Aligned windows: 1,000 in each of the six windows.
#[test]
fn the_scale_rate_is_a_token_bucket_not_aligned_windows() {
    let bucket = cold_starts("");
    assert!((6999..=7000).contains(&bucket), "{bucket}");
    assert_eq!(cold_starts(", refill = \"aligned\""), 6000);
    assert_eq!(cold_starts(", refill = \"continuous\""), bucket);
}

#[test]
fn the_refill_is_checked() {
    let base = format!(
        "{}[[architectures]]\nname = \"l\"\nkind = \"serverless\"\n",
        header("1h")
    );
    assert_refused(
        &base,
        &[(
            "scale_rate = { instances = 10, per = \"1s\", refill = \"hourly\" }",
            "line 12, key `architectures[0].scale_rate.refill`: unknown variant `hourly`, expected `continuous` or `aligned`",
        )],
    );
}
