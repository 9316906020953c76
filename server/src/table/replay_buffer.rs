//! The last events a table sent, kept so a client that lost its connection can resume from
//! the last sequence number it saw and get exactly what it missed, in its own view.
//!
//! Each entry keeps the exact texts that went out: the public one every watcher got and, for
//! an event with a private copy (hole cards), that copy and the account it belongs to. A
//! replay picks the private copy only for its owner, so nobody ever gets another player's
//! cards back.

use std::collections::VecDeque;
use std::sync::Arc;

use crate::accounts::AccountId;

/// One sent event.
#[derive(Debug, Clone)]
struct Entry {
    seq: u64,
    public: Arc<str>,
    private: Option<(AccountId, Arc<str>)>,
}

/// What a resuming client gets.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Replay {
    /// Every event after the client's last one, in order, each in the client's view (empty
    /// when it missed nothing).
    Events(Vec<Arc<str>>),
    /// The client is further behind than the buffer reaches, or claims a sequence number
    /// the table never sent: it needs a snapshot.
    TooFarBehind,
}

impl Entry {
    fn bytes(&self) -> usize {
        self.public.len() + self.private.as_ref().map_or(0, |(_, text)| text.len())
    }
}

/// A bounded ring of the most recent events, oldest first, bounded both in events and in
/// bytes of text.
#[derive(Debug)]
pub(crate) struct ReplayBuffer {
    entries: VecDeque<Entry>,
    capacity: usize,
    bytes: usize,
    bytes_max: usize,
}

impl ReplayBuffer {
    /// An empty buffer holding at most `capacity` events and `bytes_max` bytes of text.
    pub(crate) fn new(capacity: usize, bytes_max: usize) -> ReplayBuffer {
        ReplayBuffer {
            entries: VecDeque::with_capacity(capacity.min(64)),
            capacity,
            bytes: 0,
            bytes_max,
        }
    }

    /// Remembers event `seq` (one more than the last one pushed) as sent: `public` to every
    /// watcher, `private` instead to the watcher logged in as its account. The oldest entries
    /// go to make room; an event larger than the whole byte bound empties the buffer and is
    /// not kept (a client behind it gets a snapshot).
    pub(crate) fn push(
        &mut self,
        seq: u64,
        public: Arc<str>,
        private: Option<(AccountId, Arc<str>)>,
    ) {
        debug_assert!(self.entries.back().is_none_or(|last| last.seq + 1 == seq));
        let entry = Entry {
            seq,
            public,
            private,
        };
        let bytes = entry.bytes();
        while !self.entries.is_empty()
            && (self.entries.len() >= self.capacity || self.bytes + bytes > self.bytes_max)
        {
            if let Some(oldest) = self.entries.pop_front() {
                self.bytes -= oldest.bytes();
            }
        }
        if self.capacity == 0 || bytes > self.bytes_max {
            return;
        }
        self.bytes += bytes;
        self.entries.push_back(entry);
    }

    /// The events after `last_seq` up to `current` (the table's latest sequence number), as
    /// `viewer` saw or would have seen them.
    pub(crate) fn since(&self, last_seq: u64, current: u64, viewer: Option<AccountId>) -> Replay {
        if last_seq > current {
            return Replay::TooFarBehind;
        }
        if last_seq == current {
            return Replay::Events(Vec::new());
        }
        // Every event from last_seq + 1 to current must still be here.
        let Some(first) = self.entries.front() else {
            return Replay::TooFarBehind;
        };
        if first.seq > last_seq + 1 {
            return Replay::TooFarBehind;
        }
        let skip = usize::try_from(last_seq + 1 - first.seq).unwrap_or(usize::MAX);
        let events: Vec<Arc<str>> = self
            .entries
            .iter()
            .skip(skip)
            .map(|entry| match (&entry.private, viewer) {
                (Some((owner, text)), Some(viewer)) if *owner == viewer => Arc::clone(text),
                _ => Arc::clone(&entry.public),
            })
            .collect();
        if events.len() as u64 != current - last_seq {
            return Replay::TooFarBehind;
        }
        Replay::Events(events)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(s: &str) -> Arc<str> {
        Arc::from(s)
    }

    fn filled(capacity: usize, events: u64) -> ReplayBuffer {
        let mut buffer = ReplayBuffer::new(capacity, usize::MAX);
        for seq in 1..=events {
            let private =
                (seq % 3 == 0).then(|| (AccountId::from_raw(7), text(&format!("own{seq}"))));
            buffer.push(seq, text(&format!("pub{seq}")), private);
        }
        buffer
    }

    fn texts(replay: Replay) -> Vec<String> {
        match replay {
            Replay::Events(events) => events.iter().map(ToString::to_string).collect(),
            Replay::TooFarBehind => panic!("expected events"),
        }
    }

    #[test]
    fn a_replay_is_exactly_the_missed_events_in_the_viewers_own_view() {
        let buffer = filled(8, 6);
        assert_eq!(
            texts(buffer.since(2, 6, Some(AccountId::from_raw(7)))),
            ["own3", "pub4", "pub5", "own6"]
        );
        assert_eq!(
            texts(buffer.since(2, 6, Some(AccountId::from_raw(8)))),
            ["pub3", "pub4", "pub5", "pub6"],
            "another player never gets the owner's copy"
        );
        assert_eq!(
            texts(buffer.since(2, 6, None)),
            ["pub3", "pub4", "pub5", "pub6"]
        );
        assert_eq!(texts(buffer.since(0, 6, None)).len(), 6);
        assert!(texts(buffer.since(6, 6, None)).is_empty());
    }

    #[test]
    fn too_far_behind_or_ahead_needs_a_snapshot() {
        let buffer = filled(4, 10); // holds 7..=10
        assert_eq!(
            texts(buffer.since(6, 10, None)),
            ["pub7", "pub8", "pub9", "pub10"]
        );
        assert_eq!(buffer.since(5, 10, None), Replay::TooFarBehind);
        assert_eq!(buffer.since(0, 10, None), Replay::TooFarBehind);
        assert_eq!(buffer.since(11, 10, None), Replay::TooFarBehind);
        let empty = ReplayBuffer::new(4, 100);
        assert_eq!(empty.since(0, 0, None), Replay::Events(Vec::new()));
        assert_eq!(empty.since(0, 3, None), Replay::TooFarBehind);
        let none = filled(0, 3);
        assert_eq!(none.since(2, 3, None), Replay::TooFarBehind);
    }

    #[test]
    fn the_byte_bound_drops_the_oldest_events_and_refuses_an_oversized_one() {
        // "pubN" is 4 or 5 bytes; "ownN" as many; a budget of 12 bytes holds three small ones.
        let mut buffer = ReplayBuffer::new(100, 12);
        for seq in 1..=5 {
            buffer.push(seq, text(&format!("pub{seq}")), None);
        }
        assert_eq!(texts(buffer.since(2, 5, None)), ["pub3", "pub4", "pub5"]);
        assert_eq!(buffer.since(1, 5, None), Replay::TooFarBehind);
        buffer.push(
            6,
            text("pub6"),
            Some((AccountId::from_raw(1), text("own6"))),
        );
        assert_eq!(texts(buffer.since(4, 6, None)), ["pub5", "pub6"]);
        assert_eq!(buffer.since(3, 6, None), Replay::TooFarBehind);
        buffer.push(7, text(&"x".repeat(13)), None);
        assert_eq!(buffer.since(6, 7, None), Replay::TooFarBehind);
        assert_eq!(buffer.since(7, 7, None), Replay::Events(Vec::new()));
        buffer.push(8, text("pub8"), None);
        assert_eq!(texts(buffer.since(7, 8, None)), ["pub8"]);
        assert_eq!(buffer.bytes, 4);
    }
}
