//! The one integration-test binary (STYLE §9): runs the built `circlescan`
//! against the golden cases in `fixtures/cases/`, the error paths, and the
//! thread-count determinism promise (SPEC "Outputs").
//!
//! `BLESS=1 cargo test` rewrites the golden expectations from what the
//! binary writes now; review the result with `git diff fixtures/cases`.
#[path = "cli/harness.rs"]
mod harness;

#[path = "cli/cases.rs"]
mod cases;
#[path = "cli/determinism.rs"]
mod determinism;
#[path = "cli/errors.rs"]
mod errors;
#[path = "cli/partitions.rs"]
mod partitions;
#[path = "cli/privacy.rs"]
mod privacy;
#[path = "cli/shards.rs"]
mod shards;
