//! A seeded random-hand simulator checking engine properties over many hands.
