//! Phrase lists as data: parsed from `lexicons/`, overlaid by a user folder,
//! compiled once into a `Matcher`.
pub mod builtin;
pub mod matcher;
pub mod overlay;
pub mod parse;
pub mod shorthand;

pub use matcher::{Hit, Lower, Matcher};
pub use overlay::{load_lexicons, LexiconSet};
pub use parse::{Entry, LexiconError, Pattern};
