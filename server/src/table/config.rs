//! What a table is: its game, stakes, seats, buy-in range and clocks, and the fairness
//! protocol's hand setup it produces for each hand.

use std::time::Duration;

use fairness::{AnteKind, Betting, ForcedBets, HandSetup, OddChipRule, SeatEntry, Variant};
use poker_core::DealingOrder;

use super::presence::PresenceRules;
use crate::ledger::TableId;
use crate::limits::{ACTION_CLOCK_DEFAULT, SEED_COMMIT_WINDOW_DEFAULT, SEED_REVEAL_WINDOW_DEFAULT};

/// The games a table can deal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableGame {
    /// No-limit Texas hold'em.
    NoLimitHoldem,
    /// Pot-limit Omaha with four hole cards.
    PotLimitOmaha,
}

impl TableGame {
    /// The stable name used on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            TableGame::NoLimitHoldem => "nlhe",
            TableGame::PotLimitOmaha => "plo",
        }
    }
}

/// One table's settings. Built with [`TableConfig::new`], which checks them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableConfig {
    name: TableId,
    number: u64,
    game: TableGame,
    small_blind: u64,
    big_blind: u64,
    seats: u8,
    buy_in_min: u64,
    buy_in_max: u64,
    action_clock: Duration,
    commit_window: Duration,
    reveal_window: Duration,
    hand_pause: Duration,
    presence: PresenceRules,
    sit_out_hands_max: u32,
}

/// Why a table configuration was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TableConfigError {
    /// Seats must be 2 to 10 (the fairness protocol's seat numbers are `0..10`).
    #[error("a table has 2 to 10 seats, not {0}")]
    Seats(u8),
    /// The blinds must be `0 < small <= big`.
    #[error("blinds must satisfy 0 < small blind <= big blind")]
    Blinds,
    /// The buy-in range must be `big blind <= min <= max <= CHIPS_MAX`.
    #[error(
        "buy-in range must satisfy big blind <= min <= max <= {}",
        crate::limits::CHIPS_MAX
    )]
    BuyIn,
    /// Clocks must be positive.
    #[error("the action clock and seed windows must be positive")]
    Clock,
}

impl TableConfig {
    /// A checked table configuration with the default clocks.
    ///
    /// ```
    /// use poker_server::ledger::TableId;
    /// use poker_server::table::{TableConfig, TableGame};
    /// let table = TableConfig::new(TableId::parse("nlhe-1-2")?, 1, TableGame::NoLimitHoldem,
    ///     (1, 2), 6, (40, 400))?;
    /// assert_eq!(table.big_blind(), 2);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(
        name: TableId,
        number: u64,
        game: TableGame,
        (small_blind, big_blind): (u64, u64),
        seats: u8,
        (buy_in_min, buy_in_max): (u64, u64),
    ) -> Result<TableConfig, TableConfigError> {
        if !(2..=fairness::MAX_SEATS).contains(&seats) {
            return Err(TableConfigError::Seats(seats));
        }
        if small_blind == 0 || small_blind > big_blind {
            return Err(TableConfigError::Blinds);
        }
        if buy_in_min < big_blind
            || buy_in_min > buy_in_max
            || buy_in_max > crate::limits::CHIPS_MAX
        {
            return Err(TableConfigError::BuyIn);
        }
        Ok(TableConfig {
            name,
            number,
            game,
            small_blind,
            big_blind,
            seats,
            buy_in_min,
            buy_in_max,
            action_clock: ACTION_CLOCK_DEFAULT,
            commit_window: SEED_COMMIT_WINDOW_DEFAULT,
            reveal_window: SEED_REVEAL_WINDOW_DEFAULT,
            hand_pause: Duration::ZERO,
            presence: PresenceRules::default(),
            sit_out_hands_max: crate::limits::SIT_OUT_HANDS_MAX_DEFAULT,
        })
    }

    /// The same table standing a player up (chips returned) once they have sat out
    /// `hands` hands ([`SIT_OUT_HANDS_MAX_DEFAULT`](crate::limits::SIT_OUT_HANDS_MAX_DEFAULT)
    /// by default). Zero stands a player up before the first hand they would sit out.
    pub fn with_sit_out_hands_max(mut self, hands: u32) -> TableConfig {
        self.sit_out_hands_max = hands;
        self
    }

    /// Hands a player may sit out before being stood up.
    pub fn sit_out_hands_max(&self) -> u32 {
        self.sit_out_hands_max
    }

    /// The same table with other clocks: how long a player may think, how long seats have
    /// to commit to and to reveal their seeds, and the pause between hands.
    pub fn with_clocks(
        mut self,
        action_clock: Duration,
        commit_window: Duration,
        reveal_window: Duration,
        hand_pause: Duration,
    ) -> Result<TableConfig, TableConfigError> {
        if action_clock.is_zero() || commit_window.is_zero() || reveal_window.is_zero() {
            return Err(TableConfigError::Clock);
        }
        self.action_clock = action_clock;
        self.commit_window = commit_window;
        self.reveal_window = reveal_window;
        self.hand_pause = hand_pause;
        Ok(self)
    }

    /// The same table with these time bank and disconnection rules (see [`PresenceRules`]).
    pub fn with_presence(mut self, presence: PresenceRules) -> TableConfig {
        self.presence = presence;
        self
    }

    /// The tables opened when none are configured: no-limit hold'em 1/2 and pot-limit
    /// Omaha 1/2, both six-max with buy-ins of 40 to 400 chips, and `action_clock`.
    pub fn defaults(action_clock: Duration) -> Vec<TableConfig> {
        let table = |name: &str, number, game| {
            TableConfig::new(
                TableId::parse(name).expect("a valid fixed name"),
                number,
                game,
                (1, 2),
                6,
                (40, 400),
            )
            .expect("valid fixed stakes")
            .with_clocks(
                action_clock,
                SEED_COMMIT_WINDOW_DEFAULT,
                SEED_REVEAL_WINDOW_DEFAULT,
                crate::limits::HAND_PAUSE_DEFAULT,
            )
            .expect("positive clocks")
        };
        vec![
            table("nlhe-1-2", 1, TableGame::NoLimitHoldem),
            table("plo-1-2", 2, TableGame::PotLimitOmaha),
        ]
    }

    /// The table's name (its id on the wire, in the ledger and in REST paths).
    pub fn name(&self) -> &TableId {
        &self.name
    }
    /// The table's number in the fairness protocol's records (`table_id` there).
    pub fn number(&self) -> u64 {
        self.number
    }
    /// The game.
    pub fn game(&self) -> TableGame {
        self.game
    }
    /// The small blind.
    pub fn small_blind(&self) -> u64 {
        self.small_blind
    }
    /// The big blind.
    pub fn big_blind(&self) -> u64 {
        self.big_blind
    }
    /// Seats at the table, numbered `0..seats`.
    pub fn seats(&self) -> u8 {
        self.seats
    }
    /// Smallest buy-in.
    pub fn buy_in_min(&self) -> u64 {
        self.buy_in_min
    }
    /// Largest buy-in.
    pub fn buy_in_max(&self) -> u64 {
        self.buy_in_max
    }
    /// How long a player may take to act before the engine's time-out action is applied.
    pub fn action_clock(&self) -> Duration {
        self.action_clock
    }
    /// How long seats have to commit to their seeds after the announcement.
    pub fn commit_window(&self) -> Duration {
        self.commit_window
    }
    /// How long seats have to reveal their seeds after the commit list.
    pub fn reveal_window(&self) -> Duration {
        self.reveal_window
    }
    /// Pause between the end of a hand and the next announcement.
    pub fn hand_pause(&self) -> Duration {
        self.hand_pause
    }

    /// Time bank and disconnection rules.
    pub fn presence(&self) -> &PresenceRules {
        &self.presence
    }

    /// The fairness protocol's setup of a hand at this table with these seats (ascending),
    /// each `(seat, stack, player)`, and `button`.
    pub fn hand_setup(
        &self,
        button: u8,
        seats: Vec<SeatEntry>,
    ) -> Result<HandSetup, fairness::DecodeError> {
        let (variant, betting) = match self.game {
            TableGame::NoLimitHoldem => (Variant::Holdem, Betting::NoLimit),
            TableGame::PotLimitOmaha => (Variant::Omaha { hole_cards: 4 }, Betting::PotLimit),
        };
        HandSetup::new(
            variant,
            betting,
            ForcedBets {
                small_blind: self.small_blind,
                big_blind: self.big_blind,
                ante: 0,
                ante_kind: AnteKind::None,
                straddle: None,
                button_blind: None,
                min_bet: self.big_blind,
            },
            OddChipRule::ChipByChipLeftOfButton,
            DealingOrder::CURRENT,
            button,
            seats,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_tables_are_refused_and_defaults_are_valid() {
        let name = || TableId::parse("t").expect("valid");
        let game = TableGame::NoLimitHoldem;
        assert_eq!(
            TableConfig::new(name(), 1, game, (1, 2), 11, (40, 400)),
            Err(TableConfigError::Seats(11))
        );
        assert_eq!(
            TableConfig::new(name(), 1, game, (3, 2), 6, (40, 400)),
            Err(TableConfigError::Blinds)
        );
        assert_eq!(
            TableConfig::new(name(), 1, game, (1, 2), 6, (1, 400)),
            Err(TableConfigError::BuyIn)
        );
        let defaults = TableConfig::defaults(Duration::from_secs(30));
        assert_eq!(defaults.len(), 2);
        for table in &defaults {
            let seats = (0..2)
                .map(|seat| SeatEntry {
                    seat,
                    stack: 100,
                    player: format!("p{seat}"),
                })
                .collect();
            let setup = table.hand_setup(0, seats).expect("a valid setup");
            assert_eq!(setup.seats().len(), 2);
        }
    }
}
