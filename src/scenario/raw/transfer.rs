//! The data-transfer keys of an architecture as written: `egress` and
//! `nat_gateway`.

use serde::Deserialize;
use toml::Spanned;

/// `egress = { per_gb = 0.085, source = "...", date = "..." }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawEgress {
    pub per_gb: Spanned<f64>,
    pub source: Option<String>,
    pub date: Option<String>,
}

/// `nat_gateway = true`, or a table.
#[derive(Debug, Clone)]
pub enum RawNatGateway {
    On(bool),
    Table(RawNatTable),
}

// By hand rather than `untagged`: an untagged enum buffers its input and
// loses the positions the table's `Spanned` values need.
impl<'de> Deserialize<'de> for RawNatGateway {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = RawNatGateway;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                write!(
                    f,
                    "true, false or a table {{ count, per_hour, per_gb, source, date }}"
                )
            }
            fn visit_bool<E: serde::de::Error>(self, b: bool) -> Result<RawNatGateway, E> {
                Ok(RawNatGateway::On(b))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> Result<RawNatGateway, A::Error> {
                RawNatTable::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(RawNatGateway::Table)
            }
        }
        d.deserialize_any(V)
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawNatTable {
    pub count: Option<Spanned<i64>>,
    pub per_hour: Option<Spanned<f64>>,
    pub per_gb: Option<Spanned<f64>>,
    pub source: Option<String>,
    pub date: Option<String>,
}
