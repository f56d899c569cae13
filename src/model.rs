//! Output rows in SPEC column order, and the closed enums with their exact
//! output spellings. Nothing here decides or formats a file.
use serde::{Deserialize, Serialize};

/// The six circles of influence (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Circle {
    /// Spouse, parents, children, siblings, in-laws, cousins.
    Family,
    /// Colleagues, bosses, business partners, employees.
    Work,
    /// Friends, neighbours, roommates, golf partners.
    Social,
    /// Church, clubs, boards, the kids' school.
    Community,
    /// The client's accountant, attorney, doctor, realtor, banker.
    Professional,
    /// Named, relationship not stated.
    Unknown,
}

/// Reads an output spelling back (for `merge` and `--compare`).
pub trait FromSpelling: Sized {
    /// The value whose `as_str()` is `s`.
    fn from_spelling(s: &str) -> Option<Self>;
}

macro_rules! spelled {
    ($t:ty, $all:expr) => {
        impl FromSpelling for $t {
            fn from_spelling(s: &str) -> Option<Self> {
                $all.into_iter().find(|v| v.as_str() == s)
            }
        }
    };
}

spelled!(
    Circle,
    [
        Circle::Family,
        Circle::Work,
        Circle::Social,
        Circle::Community,
        Circle::Professional,
        Circle::Unknown
    ]
);
spelled!(
    Readiness,
    [Readiness::Ready, Readiness::Nurture, Readiness::Noted]
);
spelled!(
    NextStep,
    [
        NextStep::ThreeWayMeeting,
        NextStep::ClientCallsFirst,
        NextStep::EmailIntroduction,
        NextStep::UseClientName
    ]
);
spelled!(FlagKind, FlagKind::ALL);

impl Circle {
    /// Output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Circle::Family => "family",
            Circle::Work => "work",
            Circle::Social => "social",
            Circle::Community => "community",
            Circle::Professional => "professional",
            Circle::Unknown => "unknown",
        }
    }

    /// The circle a `lexicons/people/<circle>.txt` file stands for.
    pub fn from_kind(kind: &str) -> Option<Circle> {
        Some(match kind {
            "family" => Circle::Family,
            "work" => Circle::Work,
            "social" => Circle::Social,
            "community" => Circle::Community,
            "professional" => Circle::Professional,
            _ => return None,
        })
    }
}

/// How ready a candidate is for an introduction (SPEC §1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Readiness {
    /// Need and interest: ask for the introduction.
    Ready,
    /// Need only: ask the client to check with them first.
    Nurture,
    /// No need expressed: keep listening.
    Noted,
}

impl Readiness {
    /// Output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            Readiness::Ready => "ready",
            Readiness::Nurture => "nurture",
            Readiness::Noted => "noted",
        }
    }
}

/// The best introduction the client can make, best first (seed 001).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NextStep {
    /// The client, the person and the advisor meet together.
    ThreeWayMeeting,
    /// The client calls the person first and urges them to meet.
    ClientCallsFirst,
    /// The client introduces them by email.
    EmailIntroduction,
    /// The advisor calls, using the client's name.
    UseClientName,
}

impl NextStep {
    /// Output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            NextStep::ThreeWayMeeting => "three_way_meeting",
            NextStep::ClientCallsFirst => "client_calls_first",
            NextStep::EmailIntroduction => "email_introduction",
            NextStep::UseClientName => "use_client_name",
        }
    }

    /// From a `lexicons/intro/<kind>.txt` file stem.
    pub fn from_kind(kind: &str) -> Option<NextStep> {
        Some(match kind {
            "three_way_meeting" => NextStep::ThreeWayMeeting,
            "client_calls_first" => NextStep::ClientCallsFirst,
            "email_introduction" => NextStep::EmailIntroduction,
            "use_client_name" => NextStep::UseClientName,
            _ => return None,
        })
    }
}

/// The six flags (SPEC §2), declared from most to least severe after
/// `DoNotAsk`, which overrides everything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FlagKind {
    /// Do not ask this client for introductions.
    DoNotAsk,
    /// Two pieces of resistance: stop asking for now.
    BackOff,
    /// The client is unhappy: deliver first.
    FixService,
    /// One objection or a tone cue: be curious.
    Explore,
    /// Conditional yes: ask again later, on their terms.
    Later,
    /// Gratitude with no objection or complaint: ask now.
    AskNow,
}

impl FlagKind {
    /// Output spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            FlagKind::DoNotAsk => "do_not_ask",
            FlagKind::BackOff => "back_off",
            FlagKind::FixService => "fix_service",
            FlagKind::Explore => "explore",
            FlagKind::Later => "later",
            FlagKind::AskNow => "ask_now",
        }
    }

    /// Higher is more severe (SPEC §2: back_off > fix_service > explore >
    /// later > ask_now; do_not_ask above all).
    pub fn severity(self) -> u8 {
        match self {
            FlagKind::DoNotAsk => 6,
            FlagKind::BackOff => 5,
            FlagKind::FixService => 4,
            FlagKind::Explore => 3,
            FlagKind::Later => 2,
            FlagKind::AskNow => 1,
        }
    }

    /// Every kind, in output-sort order.
    pub const ALL: [FlagKind; 6] = [
        FlagKind::AskNow,
        FlagKind::BackOff,
        FlagKind::DoNotAsk,
        FlagKind::Explore,
        FlagKind::FixService,
        FlagKind::Later,
    ];
}

/// One row of `candidates.*`, in SPEC column order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CandidateRow {
    /// The client.
    pub client: String,
    /// Fullest name used; empty when never named.
    pub person: String,
    /// Normalised relationship term.
    pub relationship: String,
    /// Circle of influence.
    pub circle: Circle,
    /// Expressed a need.
    pub need: bool,
    /// The sentence(s) showing the need.
    pub need_evidence: String,
    /// Wants to talk to the advisor.
    pub interest: bool,
    /// ready / nurture / noted.
    pub readiness: Readiness,
    /// Best introduction the client can make.
    pub next_step: NextStep,
    /// The client's current flag, empty when none.
    pub client_flag: Option<FlagKind>,
    /// How many mentions were merged.
    pub mentions: u32,
    /// First note date, `YYYY-MM-DD` or empty.
    pub first_seen: String,
    /// Last note date.
    pub last_seen: String,
    /// 0-100, higher means ask sooner.
    pub score: u8,
    /// Supporting sentences, ` | `-joined, at most 240 characters.
    pub evidence: String,
    /// `path:line` of the first evidence.
    pub source: String,
}

/// One row of `flags.*`, in SPEC column order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FlagRow {
    /// The client.
    pub client: String,
    /// The note's date or empty.
    pub date: String,
    /// The flag raised.
    pub flag: FlagKind,
    /// How many objections the note held.
    pub objections: u32,
    /// Why, in plain words.
    pub reason: String,
    /// The sentence(s) behind it.
    pub evidence: String,
    /// `path:line` of the first evidence.
    pub source: String,
}

/// How many rows the tables have, by readiness and by flag kind: what a
/// summary tells without holding the tables.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct TableCounts {
    /// Candidate rows.
    pub candidates: usize,
    /// Candidate rows per readiness, in `Readiness` order.
    pub readiness: [usize; 3],
    /// Flag rows.
    pub flags: usize,
    /// Flag rows per kind, in `FlagKind::ALL` order.
    pub flag_kinds: [usize; 6],
}

impl TableCounts {
    /// Adds the rows of `t`.
    pub fn add(&mut self, t: &Tables) {
        self.candidates += t.candidates.len();
        for c in &t.candidates {
            self.readiness[c.readiness as usize] += 1;
        }
        self.flags += t.flags.len();
        for f in &t.flags {
            if let Some(i) = FlagKind::ALL.iter().position(|k| *k == f.flag) {
                self.flag_kinds[i] += 1;
            }
        }
    }

    /// Adds other counts.
    pub fn add_counts(&mut self, other: &TableCounts) {
        self.candidates += other.candidates;
        self.flags += other.flags;
        for (a, b) in self.readiness.iter_mut().zip(other.readiness) {
            *a += b;
        }
        for (a, b) in self.flag_kinds.iter_mut().zip(other.flag_kinds) {
            *a += b;
        }
    }

    /// Candidate rows of one readiness.
    pub fn with_readiness(&self, r: Readiness) -> usize {
        self.readiness[r as usize]
    }

    /// Flag rows of one kind.
    pub fn with_flag(&self, k: FlagKind) -> usize {
        FlagKind::ALL
            .iter()
            .position(|x| *x == k)
            .map_or(0, |i| self.flag_kinds[i])
    }
}

/// Both output tables, in their final order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Tables {
    /// Sorted by client, score descending, person, relationship, source.
    pub candidates: Vec<CandidateRow>,
    /// Sorted by client, date, flag, source.
    pub flags: Vec<FlagRow>,
}
