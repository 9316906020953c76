//! The per-table settings of a `[[tables]]` entry (or an admin-created table) that fall back
//! to something else when not given: the sit-out limit (to its default) and the time bank
//! and disconnection rules (to the server-wide settings of the same names). Each given value
//! is checked against the same named limit as the server-wide one.

use std::time::Duration;

use super::{ConfigError, TableSpec};
use crate::limits::{SIT_OUT_HANDS_MAX_DEFAULT, SIT_OUT_HANDS_MAX_LIMIT};
use crate::table::PresenceRules;

impl TableSpec {
    /// A refusal of this entry for `reason`.
    fn invalid(&self, reason: String) -> ConfigError {
        ConfigError::Table {
            name: self.name.clone(),
            reason,
        }
    }

    /// Hands a player may sit out at this table, checked against
    /// [`SIT_OUT_HANDS_MAX_LIMIT`].
    pub(crate) fn sit_out_hands(&self) -> Result<u32, ConfigError> {
        match self.sit_out_hands_max {
            None => Ok(SIT_OUT_HANDS_MAX_DEFAULT),
            Some(hands) if hands <= SIT_OUT_HANDS_MAX_LIMIT => Ok(hands),
            Some(hands) => Err(self.invalid(format!(
                "sit_out_hands_max = {hands} is above {SIT_OUT_HANDS_MAX_LIMIT}"
            ))),
        }
    }

    /// This table's time bank and disconnection rules: each field given here replaces the
    /// same field of `server_wide`; the result is checked by [`PresenceRules::new`] against
    /// the `TIME_BANK_*`, `DISCONNECT_GRACE*` and `SEAT_KEEP_*` limits.
    pub(crate) fn presence_rules(
        &self,
        server_wide: &PresenceRules,
    ) -> Result<PresenceRules, ConfigError> {
        let secs =
            |value: Option<u64>, fallback: Duration| value.map_or(fallback, Duration::from_secs);
        PresenceRules::new(
            secs(self.time_bank_secs, server_wide.time_bank()),
            secs(self.time_bank_refill_secs, server_wide.time_bank_refill()),
            secs(self.disconnect_grace_secs, server_wide.disconnect_grace()),
            secs(self.seat_keep_secs, server_wide.seat_keep()),
            self.disconnect_graces
                .unwrap_or(server_wide.graces_per_window()),
            self.disconnect_grace_window_hands
                .unwrap_or(server_wide.grace_window_hands()),
        )
        .map_err(|err| self.invalid(err.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::limits::{DISCONNECT_GRACES_MAX, SEAT_KEEP_MAX, TIME_BANK_MAX};

    fn spec() -> TableSpec {
        TableSpec {
            name: "t".into(),
            number: 1,
            game: "nlhe".into(),
            blinds: (1, 2),
            seats: 6,
            buy_in: (40, 400),
            sit_out_hands_max: None,
            commit_window_ms: None,
            reveal_window_ms: None,
            hand_pause_ms: None,
            time_bank_secs: None,
            time_bank_refill_secs: None,
            disconnect_grace_secs: None,
            seat_keep_secs: None,
            disconnect_graces: None,
            disconnect_grace_window_hands: None,
        }
    }

    #[test]
    fn unset_fields_fall_back_and_set_ones_override() {
        let server_wide = PresenceRules::new(
            Duration::from_secs(12),
            Duration::from_secs(3),
            Duration::from_secs(7),
            Duration::from_secs(90),
            2,
            20,
        )
        .expect("valid");
        assert_eq!(
            spec().presence_rules(&server_wide).expect("valid"),
            server_wide
        );
        assert_eq!(
            spec().sit_out_hands().expect("valid"),
            SIT_OUT_HANDS_MAX_DEFAULT
        );
        let overridden = TableSpec {
            time_bank_secs: Some(0),
            seat_keep_secs: Some(600),
            disconnect_graces: Some(9),
            sit_out_hands_max: Some(SIT_OUT_HANDS_MAX_LIMIT),
            ..spec()
        };
        let rules = overridden.presence_rules(&server_wide).expect("valid");
        assert_eq!(rules.time_bank(), Duration::ZERO);
        assert_eq!(rules.seat_keep(), Duration::from_secs(600));
        assert_eq!(rules.graces_per_window(), 9);
        // Untouched fields keep the server-wide values.
        assert_eq!(rules.time_bank_refill(), Duration::from_secs(3));
        assert_eq!(rules.disconnect_grace(), Duration::from_secs(7));
        assert_eq!(rules.grace_window_hands(), 20);
        assert_eq!(
            overridden.sit_out_hands().expect("valid"),
            SIT_OUT_HANDS_MAX_LIMIT
        );
    }

    #[test]
    fn a_config_file_table_overrides_and_another_keeps_the_server_wide_rules() {
        let layer: crate::config::ConfigLayer = toml::from_str(
            "time_bank_secs = 12\nseat_keep_secs = 90\n\
             [[tables]]\nname = \"own\"\nnumber = 1\ngame = \"nlhe\"\nblinds = [1, 2]\n\
             seats = 6\nbuy_in = [40, 400]\ntime_bank_secs = 0\ndisconnect_graces = 7\n\
             [[tables]]\nname = \"shared\"\nnumber = 2\ngame = \"plo\"\nblinds = [1, 2]\n\
             seats = 6\nbuy_in = [40, 400]\n",
        )
        .expect("valid TOML");
        let config = crate::config::Config::from_layer(layer).expect("valid");
        let [own, shared] = config.tables() else {
            panic!("two tables");
        };
        assert_eq!(own.presence().time_bank(), Duration::ZERO);
        assert_eq!(own.presence().graces_per_window(), 7);
        assert_eq!(own.presence().seat_keep(), Duration::from_secs(90));
        assert_eq!(shared.presence(), config.presence());
        assert_eq!(shared.presence().time_bank(), Duration::from_secs(12));
    }

    #[test]
    fn values_beyond_the_limits_are_refused_naming_the_table() {
        let server_wide = PresenceRules::default();
        for bad in [
            TableSpec {
                time_bank_secs: Some(TIME_BANK_MAX.as_secs() + 1),
                ..spec()
            },
            TableSpec {
                seat_keep_secs: Some(SEAT_KEEP_MAX.as_secs() + 1),
                ..spec()
            },
            TableSpec {
                disconnect_graces: Some(DISCONNECT_GRACES_MAX + 1),
                ..spec()
            },
            TableSpec {
                disconnect_grace_window_hands: Some(0),
                ..spec()
            },
            TableSpec {
                disconnect_grace_secs: Some(u64::MAX),
                ..spec()
            },
        ] {
            let err = bad.presence_rules(&server_wide).expect_err("refused");
            assert!(
                matches!(&err, ConfigError::Table { name, .. } if name == "t"),
                "{err}"
            );
        }
        let too_many = TableSpec {
            sit_out_hands_max: Some(SIT_OUT_HANDS_MAX_LIMIT + 1),
            ..spec()
        };
        assert!(matches!(
            too_many.sit_out_hands(),
            Err(ConfigError::Table { .. })
        ));
    }
}
