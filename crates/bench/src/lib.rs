//! Watchfloor's benchmark tooling: payload generators, the load generator, its webhook receiver and its report.
//!
//! The binary `watchfloor-bench` drives these; `scripts/bench-vs-alertmanager.sh`
//! runs it against Alertmanager and Watchfloor side by side, and the Criterion
//! benches in `benches/` time the hot path without IO.

pub mod disk;
pub mod load;
pub mod payload;
pub mod procfs;
pub mod receiver;
pub mod report;
pub mod settle;
