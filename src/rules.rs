//! Every judgment of the SPEC in one place: note flags, escalation to
//! `do_not_ask`, the client's current flag, readiness, next step, score.
//!
//! Input: detected facts (`Findings`) and per-client histories. Output:
//! verdicts and decisions. No text is read here and nothing is grouped.
use crate::detect::{Findings, Side, Signal, SignalKind};
use crate::model::{FlagKind, NextStep, Readiness};

/// One flag a note raises, with its reason and the sentences behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NoteFlag {
    /// Which flag.
    pub kind: FlagKind,
    /// Why, in plain words.
    pub reason: String,
    /// Sentence indexes of the evidence, in text order.
    pub sentences: Vec<usize>,
}

/// What one note means for asking.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NoteVerdict {
    /// How many objections the note held.
    pub objections: u32,
    /// The flags raised, most severe first.
    pub flags: Vec<NoteFlag>,
}

impl NoteVerdict {
    /// Whether this note raised `kind`.
    pub fn has(&self, kind: FlagKind) -> bool {
        self.flags.iter().any(|f| f.kind == kind)
    }
}

fn describe(signals: &[&Signal]) -> String {
    signals
        .iter()
        .map(|s| format!("{} (\"{}\")", s.category.replace('_', " "), s.phrase))
        .collect::<Vec<_>>()
        .join(", ")
}

fn sentences_of(signals: &[&Signal]) -> Vec<usize> {
    let mut v: Vec<usize> = signals.iter().map(|s| s.sentence).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// Flags one note from its client-side signals (SPEC §2).
pub fn flag_note(findings: &Findings) -> NoteVerdict {
    let client: Vec<&Signal> = findings
        .signals
        .iter()
        .filter(|s| s.side == Side::Client && !s.negated)
        .collect();
    // An objection the client takes back later in the note does not count.
    let taken_back = client
        .iter()
        .filter(|s| s.kind == SignalKind::Resolution)
        .map(|s| s.start)
        .max();
    // "hesitated at first, but then said she would be happy to introduce me"
    let is_taken_back = |s: &Signal| {
        matches!(s.kind, SignalKind::Objection | SignalKind::Tone)
            && taken_back.is_some_and(|t| t > s.start)
    };
    // "not now, maybe after the summer": the "not now" of a deferral is no
    // objection of its own.
    let deferrals: Vec<(usize, usize)> = client
        .iter()
        .filter(|s| s.kind == SignalKind::Later)
        .map(|s| (s.start, s.start + s.phrase.len()))
        .collect();
    let deferred = |s: &Signal| {
        deferrals
            .iter()
            .any(|&(a, b)| a <= s.start && s.start + s.phrase.len() <= b)
    };
    let mut objections: Vec<&Signal> = Vec::new();
    for s in &client {
        let counts =
            matches!(s.kind, SignalKind::Objection | SignalKind::NoMoreAsks) && !deferred(s);
        let resolved = is_taken_back(s);
        // The same kind twice in one sentence is one objection, said once.
        let repeat = objections
            .iter()
            .any(|o| o.sentence == s.sentence && o.category == s.category);
        if counts && !resolved && !repeat {
            objections.push(s);
        }
    }
    let of = |kind: SignalKind| -> Vec<&Signal> {
        client
            .iter()
            .copied()
            .filter(|s| s.kind == kind && !(kind == SignalKind::Tone && is_taken_back(s)))
            .collect()
    };
    let tone = of(SignalKind::Tone);
    let no_more = of(SignalKind::NoMoreAsks);
    let complaints = of(SignalKind::Complaint);
    let later = of(SignalKind::Later);
    let thanks = of(SignalKind::Gratitude);

    let n = objections.len();
    let mut flags = Vec::new();
    // SPEC §2 / seed 000: two pieces of resistance and you're out.
    if n >= 2 || (n == 1 && !tone.is_empty()) {
        let mut pieces = objections.clone();
        pieces.extend(tone.iter().copied());
        let what = if n >= 2 {
            format!("{n} objections")
        } else {
            "an objection and a tone cue".to_string()
        };
        flags.push(NoteFlag {
            kind: FlagKind::BackOff,
            reason: format!("{what}: {}", describe(&pieces)),
            sentences: sentences_of(&pieces),
        });
    }
    if !no_more.is_empty() {
        flags.push(NoteFlag {
            kind: FlagKind::DoNotAsk,
            reason: format!("asked not to be asked again: {}", describe(&no_more)),
            sentences: sentences_of(&no_more),
        });
    } else if n + usize::from(!tone.is_empty()) == 1 {
        let pieces: Vec<&Signal> = objections.iter().chain(tone.iter()).copied().collect();
        let what = if n == 1 {
            "one objection"
        } else {
            "a tone cue"
        };
        flags.push(NoteFlag {
            kind: FlagKind::Explore,
            reason: format!("{what}: {}", describe(&pieces)),
            sentences: sentences_of(&pieces),
        });
    }
    if !complaints.is_empty() {
        flags.push(NoteFlag {
            kind: FlagKind::FixService,
            reason: format!("unhappy with the service: {}", describe(&complaints)),
            sentences: sentences_of(&complaints),
        });
    }
    if !later.is_empty() {
        flags.push(NoteFlag {
            kind: FlagKind::Later,
            reason: format!("yes, on their terms: {}", describe(&later)),
            sentences: sentences_of(&later),
        });
    }
    if !thanks.is_empty() && n == 0 && tone.is_empty() && complaints.is_empty() {
        flags.push(NoteFlag {
            kind: FlagKind::AskNow,
            reason: format!("thanked or praised the work: {}", describe(&thanks)),
            sentences: sentences_of(&thanks),
        });
    }
    flags.sort_by_key(|f| std::cmp::Reverse(f.kind.severity()));
    NoteVerdict {
        objections: u32::try_from(n).unwrap_or(u32::MAX),
        flags,
    }
}

/// `back_off` in two different notes: `do_not_ask` on the later one
/// (SPEC §2). `verdicts` are one client's notes in order.
pub fn escalate(verdicts: &mut [&mut NoteVerdict]) {
    let mut backed_off = false;
    for v in verdicts.iter_mut() {
        if !v.has(FlagKind::BackOff) {
            continue;
        }
        if backed_off && !v.has(FlagKind::DoNotAsk) {
            let sentences = v
                .flags
                .iter()
                .find(|f| f.kind == FlagKind::BackOff)
                .map(|f| f.sentences.clone())
                .unwrap_or_default();
            v.flags.retain(|f| f.kind != FlagKind::Explore);
            v.flags.push(NoteFlag {
                kind: FlagKind::DoNotAsk,
                reason: "backed off in an earlier note and again in this one".into(),
                sentences,
            });
            v.flags
                .sort_by_key(|f| std::cmp::Reverse(f.kind.severity()));
        }
        backed_off = true;
    }
}

/// The client's current flag: `do_not_ask` once raised; otherwise the most
/// severe flag of the latest dated note that has one. `notes` are in order
/// with `is_dated` telling undated notes apart.
pub fn client_flag<'a>(
    notes: impl Iterator<Item = (bool, &'a NoteVerdict)> + Clone,
) -> Option<FlagKind> {
    if notes.clone().any(|(_, v)| v.has(FlagKind::DoNotAsk)) {
        return Some(FlagKind::DoNotAsk);
    }
    let most_severe = |v: &NoteVerdict| v.flags.iter().map(|f| f.kind).max_by_key(|k| k.severity());
    let dated = notes
        .clone()
        .filter(|(dated, v)| *dated && !v.flags.is_empty())
        .last()
        .and_then(|(_, v)| most_severe(v));
    dated.or_else(|| {
        notes
            .filter(|(_, v)| !v.flags.is_empty())
            .last()
            .and_then(|(_, v)| most_severe(v))
    })
}

/// Readiness from the two questions (SPEC §1).
pub fn readiness(need: bool, interest: bool) -> Readiness {
    match (need, interest) {
        (true, true) => Readiness::Ready,
        (true, false) => Readiness::Nurture,
        (false, _) => Readiness::Noted,
    }
}

/// The best introduction the client can make (seed 001): the best form the
/// notes already mention for this person, else what readiness allows.
pub fn next_step(readiness: Readiness, interest: bool, mentioned: &[NextStep]) -> NextStep {
    if let Some(best) = mentioned.iter().min() {
        return *best;
    }
    match readiness {
        Readiness::Ready => NextStep::ThreeWayMeeting,
        Readiness::Nurture => NextStep::ClientCallsFirst,
        Readiness::Noted if interest => NextStep::EmailIntroduction,
        Readiness::Noted => NextStep::UseClientName,
    }
}

/// 0-100, higher means ask sooner: readiness first, then interest, how often
/// the person comes up, and whether the client can be asked at all.
pub fn score(readiness: Readiness, interest: bool, mentions: u32, flag: Option<FlagKind>) -> u8 {
    let base: i32 = match readiness {
        Readiness::Ready => 75,
        Readiness::Nurture => 50,
        Readiness::Noted => 20,
    };
    let interest_bonus = if interest && readiness == Readiness::Noted {
        10
    } else {
        0
    };
    let repeat_bonus = 3 * (i32::try_from(mentions).unwrap_or(i32::MAX).clamp(1, 4) - 1);
    let flag_adjust = match flag {
        Some(FlagKind::AskNow) => 10,
        Some(FlagKind::Later) => -5,
        Some(FlagKind::Explore) => -10,
        Some(FlagKind::FixService) => -20,
        Some(FlagKind::BackOff) => -30,
        Some(FlagKind::DoNotAsk) => -50,
        None => 0,
    };
    u8::try_from((base + interest_bonus + repeat_bonus + flag_adjust).clamp(0, 100)).unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::Signal;

    fn sig(kind: SignalKind, category: &str, sentence: usize) -> Signal {
        Signal {
            kind,
            category: category.into(),
            sentence,
            start: sentence * 100,
            phrase: category.into(),
            side: Side::Client,
            negated: false,
        }
    }

    fn flags(signals: Vec<Signal>) -> Vec<FlagKind> {
        let f = Findings {
            signals,
            ..Findings::default()
        };
        flag_note(&f).flags.iter().map(|f| f.kind).collect()
    }

    use SignalKind::*;

    #[test]
    fn one_objection_explores_two_back_off() {
        assert_eq!(
            flags(vec![sig(Objection, "refusal", 0)]),
            [FlagKind::Explore]
        );
        assert_eq!(
            flags(vec![
                sig(Objection, "refusal", 0),
                sig(Objection, "privacy", 1)
            ]),
            [FlagKind::BackOff]
        );
    }

    #[test]
    fn objection_plus_tone_cue_backs_off_and_tone_alone_explores() {
        assert_eq!(
            flags(vec![sig(Objection, "doubt", 0), sig(Tone, "tone", 0)]),
            [FlagKind::BackOff]
        );
        assert_eq!(flags(vec![sig(Tone, "tone", 0)]), [FlagKind::Explore]);
    }

    #[test]
    fn repeated_objection_in_another_sentence_backs_off() {
        assert_eq!(
            flags(vec![
                sig(Objection, "refusal", 0),
                sig(Objection, "refusal", 2)
            ]),
            [FlagKind::BackOff]
        );
    }

    #[test]
    fn request_not_to_ask_is_do_not_ask_without_explore() {
        assert_eq!(
            flags(vec![sig(NoMoreAsks, "do_not_ask", 0)]),
            [FlagKind::DoNotAsk]
        );
        assert_eq!(
            flags(vec![
                sig(Objection, "refusal", 0),
                sig(NoMoreAsks, "do_not_ask", 1)
            ]),
            [FlagKind::DoNotAsk, FlagKind::BackOff]
        );
    }

    #[test]
    fn complaint_blocks_ask_now_and_later_is_not_an_objection() {
        assert_eq!(
            flags(vec![
                sig(Gratitude, "gratitude", 0),
                sig(Complaint, "complaint", 1)
            ]),
            [FlagKind::FixService]
        );
        assert_eq!(
            flags(vec![sig(Gratitude, "gratitude", 0), sig(Later, "later", 1)]),
            [FlagKind::Later, FlagKind::AskNow]
        );
    }

    #[test]
    fn advisor_side_and_negated_signals_do_not_count() {
        let mut s = sig(Objection, "refusal", 0);
        s.side = Side::Advisor;
        let mut t = sig(Tone, "tone", 1);
        t.negated = true;
        assert!(flags(vec![s, t]).is_empty());
    }

    #[test]
    fn objection_taken_back_later_is_resolved() {
        assert!(flags(vec![
            sig(Objection, "refusal", 0),
            sig(Resolution, "resolution", 1)
        ])
        .is_empty());
    }

    #[test]
    fn back_off_in_two_notes_escalates_on_the_later() {
        let back = flag_note(&Findings {
            signals: vec![sig(Objection, "refusal", 0), sig(Objection, "doubt", 1)],
            ..Findings::default()
        });
        let mut a = back.clone();
        let mut b = back;
        escalate(&mut [&mut a, &mut b]);
        assert!(!a.has(FlagKind::DoNotAsk));
        assert!(b.has(FlagKind::DoNotAsk) && b.has(FlagKind::BackOff));
    }

    #[test]
    fn current_flag_is_latest_dated_notes_most_severe() {
        let v1 = NoteVerdict {
            objections: 0,
            flags: vec![NoteFlag {
                kind: FlagKind::BackOff,
                reason: String::new(),
                sentences: vec![],
            }],
        };
        let v2 = NoteVerdict {
            objections: 0,
            flags: vec![NoteFlag {
                kind: FlagKind::AskNow,
                reason: String::new(),
                sentences: vec![],
            }],
        };
        let notes = [(true, &v1), (true, &v2)];
        assert_eq!(client_flag(notes.iter().copied()), Some(FlagKind::AskNow));
    }

    #[test]
    fn readiness_and_next_step_follow_the_two_questions() {
        assert_eq!(readiness(true, true), Readiness::Ready);
        assert_eq!(readiness(false, true), Readiness::Noted);
        assert_eq!(
            next_step(Readiness::Nurture, false, &[]),
            NextStep::ClientCallsFirst
        );
        assert_eq!(
            next_step(
                Readiness::Noted,
                false,
                &[NextStep::EmailIntroduction, NextStep::ThreeWayMeeting]
            ),
            NextStep::ThreeWayMeeting
        );
        assert!(score(Readiness::Ready, true, 1, None) > score(Readiness::Nurture, false, 1, None));
    }
}
