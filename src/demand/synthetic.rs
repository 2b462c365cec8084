//! A synthetic demand as resolved from a scenario: a base shape, then the
//! factors that multiply it, in order. What is random in it (the states
//! of a `bursty` shape, `noise`) is drawn here, per replication, from its
//! own stream of (seed, replication, purpose): every architecture of a
//! replication faces the same draw and every replication its own.

use super::RateProfile;
use super::shapes::{self, BurstState};
use crate::rng;
use crate::time::SimTime;

/// The rate before any factor.
#[derive(Clone, Debug)]
pub enum Base {
    /// A shape with nothing random in it.
    Fixed(RateProfile),
    /// A Markov-modulated rate, drawn per replication.
    Bursty(Vec<BurstState>),
}

/// One factor applied to the rate, in the order the scenario's keys are
/// applied (`weekend_factor`, the spikes, `noise`, `scale`).
#[derive(Clone, Debug)]
pub enum Factor {
    /// Multiplied by a fixed profile (weekends, a spike's envelope).
    Times(RateProfile),
    /// Multiplied by lognormal noise of this coefficient of variation,
    /// one draw per window, drawn per replication.
    Noise { cv: f64, window: SimTime },
    /// Multiplied by a constant.
    Scale(f64),
}

/// A synthetic demand over a run of `duration`.
#[derive(Clone, Debug)]
pub struct SyntheticSpec {
    pub base: Base,
    pub factors: Vec<Factor>,
    pub duration: SimTime,
}

impl SyntheticSpec {
    /// Whether replications differ in their demand.
    pub fn is_random(&self) -> bool {
        matches!(self.base, Base::Bursty(_))
            || self
                .factors
                .iter()
                .any(|f| matches!(f, Factor::Noise { .. }))
    }

    /// The rate profile of replication `replication` of a scenario whose
    /// seed is `seed`.
    pub fn draw(&self, seed: u64, replication: u32) -> RateProfile {
        let mut profile = match &self.base {
            Base::Fixed(p) => p.clone(),
            Base::Bursty(states) => {
                let mut r = rng::stream(seed, replication, rng::purpose::DEMAND_BURSTS);
                shapes::bursty(states, self.duration, &mut r)
            }
        };
        for f in &self.factors {
            profile = match f {
                Factor::Times(p) => profile.times(p, shapes::PRODUCT_PIECE),
                Factor::Noise { cv, window } => {
                    let mut r = rng::stream(seed, replication, rng::purpose::DEMAND_NOISE);
                    let noise = shapes::noise(*cv, *window, self.duration, &mut r);
                    profile.times(&noise, shapes::PRODUCT_PIECE)
                }
                Factor::Scale(s) => profile.scaled(*s),
            };
        }
        profile
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bursty() -> SyntheticSpec {
        SyntheticSpec {
            base: Base::Bursty(vec![
                BurstState {
                    rate: 10.0,
                    mean_sojourn: SimTime::from_secs(60),
                },
                BurstState {
                    rate: 100.0,
                    mean_sojourn: SimTime::from_secs(30),
                },
            ]),
            factors: vec![Factor::Scale(2.0)],
            duration: SimTime::from_secs(3600),
        }
    }

    #[test]
    fn a_replication_draws_the_same_demand_every_time_and_another_its_own() {
        let s = bursty();
        assert!(s.is_random());
        let h = s.duration;
        let total = |r| s.draw(7, r).cumulative(h);
        assert_eq!(total(0), total(0));
        assert_ne!(total(0), total(1));
        assert_ne!(total(0), s.draw(8, 0).cumulative(h));
    }

    #[test]
    fn factors_apply_in_order_and_a_fixed_demand_is_not_random() {
        let s = SyntheticSpec {
            base: Base::Fixed(RateProfile::constant(10.0)),
            factors: vec![Factor::Scale(3.0), Factor::Scale(0.5)],
            duration: SimTime::from_secs(100),
        };
        assert!(!s.is_random());
        assert_eq!(s.draw(1, 0).cumulative(s.duration), 1500.0);
        assert_eq!(
            s.draw(1, 0).cumulative(s.duration),
            s.draw(2, 5).cumulative(s.duration)
        );
    }
}
