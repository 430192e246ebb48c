//! The engine's random source: a seeded SplitMix64, so that a seed fixes every jittered
//! pause (the driver passes a random seed; tests pass a constant).

/// A small deterministic generator (SplitMix64); not for secrets.
#[derive(Debug, Clone)]
pub(crate) struct Rng(u64);

impl Rng {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> Self {
        Self(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A value in `0..=max`, uniform up to a bias below 2^-64.
    pub fn up_to(&mut self, max: u64) -> u64 {
        let span = u128::from(max) + 1;
        ((u128::from(self.next_u64()) * span) >> 64) as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seeded_and_bounded() {
        let (mut a, mut b) = (Rng::new(1), Rng::new(1));
        for _ in 0..100 {
            assert_eq!(a.next_u64(), b.next_u64());
        }
        let mut r = Rng::new(2);
        assert!((0..1000).all(|_| r.up_to(10) <= 10));
        assert_eq!(r.up_to(0), 0);
        let values: std::collections::HashSet<u64> = (0..1000).map(|_| r.up_to(3)).collect();
        assert_eq!(values.len(), 4, "every value of 0..=3 is drawn");
    }
}
