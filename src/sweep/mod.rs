//! Sweeps: one scenario run over a grid of values of one or two keys, to
//! see where the answer changes. A point is the scenario file with the
//! values written in ([`keys`]), validated as any scenario before anything
//! runs; values are lists or ranges
//! ([`crate::scenario::sweep`]).

pub mod figure;
pub mod keys;
pub mod output;
pub mod points;
pub mod run;

/// A small valid scenario for this folder's tests: two services (one's
/// work a table, the other's a string shorthand) and two architectures to
/// address by name, a fleet sized by a table and serverless functions.
#[cfg(test)]
const TEST_SCENARIO: &str = r#"
name = "s"
duration = "10m"
[demand]
shape = "constant"
rps = 10
[[services]]
name = "api"
work = { dist = "exponential", mean = "50ms" }
[[services]]
name = "db"
work = "5ms"
[[architectures]]
name = "fleet"
kind = "fleet"
servers = { size_for = "peak" }
instance = "m5.large"
[[architectures]]
name = "lambda"
kind = "serverless"
"#;
