//! Serde helpers writing cards in their text form (`"AsKd7c"`) in the JSON transport.

use poker_core::{format_cards, parse_cards, Card};
use serde::{Deserialize, Deserializer, Serializer};

pub(crate) fn serialize<S: Serializer>(cards: &[Card], s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(&format_cards(cards))
}

pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Card>, D::Error> {
    let text = <std::borrow::Cow<'de, str>>::deserialize(d)?;
    if text.is_empty() {
        return Ok(Vec::new());
    }
    parse_cards(&text).map_err(serde::de::Error::custom)
}

/// An optional deck as `{"kind": "standard"|"short", "cards": "…"}` or `null`.
pub(crate) mod deck {
    use poker_core::{format_cards, parse_cards, Deck, DeckKind};
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    #[derive(Serialize, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Kind {
        Standard,
        Short,
    }

    #[derive(Serialize, Deserialize)]
    struct Wire {
        kind: Kind,
        cards: String,
    }

    pub(crate) fn serialize<S: Serializer>(deck: &Option<Deck>, s: S) -> Result<S::Ok, S::Error> {
        deck.as_ref()
            .map(|deck| Wire {
                kind: match deck.kind() {
                    DeckKind::Short => Kind::Short,
                    DeckKind::Standard => Kind::Standard,
                },
                cards: format_cards(deck.cards()),
            })
            .serialize(s)
    }

    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Deck>, D::Error> {
        let Some(wire) = Option::<Wire>::deserialize(d)? else {
            return Ok(None);
        };
        let kind = match wire.kind {
            Kind::Standard => DeckKind::Standard,
            Kind::Short => DeckKind::Short,
        };
        let cards = parse_cards(&wire.cards).map_err(serde::de::Error::custom)?;
        Deck::new(kind, cards)
            .map(Some)
            .map_err(serde::de::Error::custom)
    }
}
