//! The chip ledger's vocabulary: accounts, movements, receipts and errors.
//!
//! Chips never appear or vanish. Every change is a ledger transaction whose entries (one signed
//! delta per ledger account) sum to zero. New chips enter only through the issuance account,
//! whose balance is therefore minus everything ever issued; every other account's balance is
//! never negative. Each transaction carries an idempotency key, so retrying a request can never
//! move chips twice. The SQL lives in `store::ledger`; this module is the pure part.

use std::collections::BTreeMap;
use std::fmt;

use sha2::{Digest, Sha256};

use crate::accounts::AccountId;
use crate::limits::{
    CHIPS_MAX, IDEMPOTENCY_KEY_BYTES_MAX, MOVEMENTS_PER_TRANSACTION_MAX, TABLE_ID_BYTES_MAX,
};
use crate::store::StoreError;

/// The database id of a ledger account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LedgerAccountId(i64);

impl LedgerAccountId {
    /// Wraps an id read from the database.
    pub(crate) fn from_raw(raw: i64) -> LedgerAccountId {
        LedgerAccountId(raw)
    }

    /// The id as stored in the database.
    pub fn get(self) -> i64 {
        self.0
    }
}

impl fmt::Display for LedgerAccountId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// What a ledger account holds chips for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LedgerAccountKind {
    /// The single source of all chips; its balance is minus the total issued.
    Issuance,
    /// A player's chips away from the tables.
    Player,
    /// One player's chips at one table (bought in, not yet cashed out).
    TableSession,
}

impl LedgerAccountKind {
    /// Reads a kind as stored in the database.
    pub(crate) fn from_db(name: &str) -> Option<LedgerAccountKind> {
        match name {
            "issuance" => Some(LedgerAccountKind::Issuance),
            "player" => Some(LedgerAccountKind::Player),
            "table_session" => Some(LedgerAccountKind::TableSession),
            _ => None,
        }
    }
}

/// What a ledger transaction was for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransactionKind {
    /// The starting balance credited to a new account.
    SignupCredit,
    /// Chips moved from a player's account to their table session.
    BuyIn,
    /// Chips moved from a table session back to the player's account.
    CashOut,
    /// A generic list of movements between player and table-session accounts.
    Settle,
    /// A hand's settlement, stored together with its hand record.
    HandSettlement,
}

impl TransactionKind {
    /// The name stored in the database.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            TransactionKind::SignupCredit => "signup_credit",
            TransactionKind::BuyIn => "buy_in",
            TransactionKind::CashOut => "cash_out",
            TransactionKind::Settle => "settle",
            TransactionKind::HandSettlement => "hand_settlement",
        }
    }

    /// Reads a name stored by [`TransactionKind::as_str`].
    pub(crate) fn from_db(name: &str) -> Option<TransactionKind> {
        match name {
            "signup_credit" => Some(TransactionKind::SignupCredit),
            "buy_in" => Some(TransactionKind::BuyIn),
            "cash_out" => Some(TransactionKind::CashOut),
            "settle" => Some(TransactionKind::Settle),
            "hand_settlement" => Some(TransactionKind::HandSettlement),
            _ => None,
        }
    }
}

/// The database id of a ledger transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TransactionId(i64);

impl TransactionId {
    /// Wraps an id read from the database.
    pub(crate) fn from_raw(raw: i64) -> TransactionId {
        TransactionId(raw)
    }

    /// The id as stored in the database.
    pub fn get(self) -> i64 {
        self.0
    }
}

/// A string identifier that failed validation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("invalid {what}: {reason}")]
pub struct InvalidIdentifier {
    what: &'static str,
    reason: &'static str,
}

/// Checks `raw` is 1..=`max` bytes, each accepted by `allowed`.
fn check_identifier(
    raw: &str,
    what: &'static str,
    max: usize,
    allowed: fn(u8) -> bool,
) -> Result<(), InvalidIdentifier> {
    if raw.is_empty() {
        return Err(InvalidIdentifier {
            what,
            reason: "empty",
        });
    }
    if raw.len() > max {
        return Err(InvalidIdentifier {
            what,
            reason: "too long",
        });
    }
    if !raw.bytes().all(allowed) {
        return Err(InvalidIdentifier {
            what,
            reason: "character not allowed",
        });
    }
    Ok(())
}

/// A caller-chosen key that makes a ledger transaction happen at most once: 1 to
/// [`IDEMPOTENCY_KEY_BYTES_MAX`] printable ASCII characters without spaces.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct IdempotencyKey(String);

impl IdempotencyKey {
    /// Validates `raw` as an idempotency key.
    ///
    /// ```
    /// use poker_server::ledger::IdempotencyKey;
    /// assert!(IdempotencyKey::parse("buy-in:t1:alice:7").is_ok());
    /// assert!(IdempotencyKey::parse("").is_err());
    /// assert!(IdempotencyKey::parse("has space").is_err());
    /// ```
    pub fn parse(raw: &str) -> Result<IdempotencyKey, InvalidIdentifier> {
        check_identifier(raw, "idempotency key", IDEMPOTENCY_KEY_BYTES_MAX, |b| {
            b.is_ascii_graphic()
        })?;
        Ok(IdempotencyKey(raw.to_owned()))
    }

    /// The key as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A table's identifier: 1 to [`TABLE_ID_BYTES_MAX`] ASCII letters, digits, `_` and `-`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TableId(String);

impl TableId {
    /// Validates `raw` as a table id.
    ///
    /// ```
    /// use poker_server::ledger::TableId;
    /// assert!(TableId::parse("nlhe-1").is_ok());
    /// assert!(TableId::parse("no/slash").is_err());
    /// ```
    pub fn parse(raw: &str) -> Result<TableId, InvalidIdentifier> {
        check_identifier(raw, "table id", TABLE_ID_BYTES_MAX, |b| {
            b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
        })?;
        Ok(TableId(raw.to_owned()))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for TableId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// `amount` chips leaving `from` for `to`. Invariant: `1 <= amount <= CHIPS_MAX`, `from != to`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Movement {
    from: LedgerAccountId,
    to: LedgerAccountId,
    amount: u64,
}

impl Movement {
    /// A movement of `amount` chips from `from` to `to`.
    pub fn new(
        from: LedgerAccountId,
        to: LedgerAccountId,
        amount: u64,
    ) -> Result<Movement, LedgerError> {
        if amount == 0 || amount > CHIPS_MAX {
            return Err(LedgerError::AmountOutOfRange { amount });
        }
        if from == to {
            return Err(LedgerError::SelfTransfer { account: from });
        }
        Ok(Movement { from, to, amount })
    }

    /// The account the chips leave.
    pub fn from(&self) -> LedgerAccountId {
        self.from
    }

    /// The account the chips reach.
    pub fn to(&self) -> LedgerAccountId {
        self.to
    }

    /// How many chips move.
    pub fn amount(&self) -> u64 {
        self.amount
    }
}

/// One line of a ledger transaction: the change to one account's balance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Entry {
    /// The account changed.
    pub account: LedgerAccountId,
    /// The signed change, never zero.
    pub delta: i64,
}

/// The outcome of a ledger transaction.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The transaction's id.
    pub transaction: TransactionId,
    /// What it was for.
    pub kind: TransactionKind,
    /// Its entries in account order; they sum to zero.
    pub entries: Vec<Entry>,
    /// True when the idempotency key had been used before and nothing moved this time; the
    /// other fields then describe the original transaction.
    pub replayed: bool,
}

/// A ledger invariant found broken by [`crate::store::Store::check_ledger`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Inconsistency {
    /// A transaction's entries do not sum to zero.
    UnbalancedTransaction {
        /// The transaction.
        transaction: TransactionId,
        /// The sum of its entries.
        sum: i64,
    },
    /// An account's cached balance differs from the sum of its entries.
    BalanceMismatch {
        /// The account.
        account: LedgerAccountId,
        /// The cached balance.
        cached: i64,
        /// The sum of its entries.
        from_entries: i64,
    },
    /// The balances of all accounts do not sum to zero.
    NonZeroTotal {
        /// Their sum.
        total: i64,
    },
    /// An account other than issuance has a negative balance.
    NegativeBalance {
        /// The account.
        account: LedgerAccountId,
        /// Its balance.
        balance: i64,
    },
}

/// Counts from a ledger check that found every invariant intact.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LedgerReport {
    /// Ledger accounts, the issuance account included.
    pub accounts: u64,
    /// Ledger transactions.
    pub transactions: u64,
    /// Ledger entries.
    pub entries: u64,
    /// Chips ever issued, which equals the chips held by players and tables.
    pub issued: u64,
}

/// Why a ledger operation was refused. A refused operation changes nothing.
#[derive(Debug, thiserror::Error)]
pub enum LedgerError {
    /// The account holds fewer chips than the operation takes from it.
    #[error("ledger account {account} holds {balance} chips, {needed} needed")]
    InsufficientChips {
        /// The account.
        account: LedgerAccountId,
        /// What it holds.
        balance: u64,
        /// What the operation would take.
        needed: u64,
    },
    /// An amount of zero or above [`CHIPS_MAX`].
    #[error("amount {amount} is outside 1..={CHIPS_MAX}")]
    AmountOutOfRange {
        /// The amount.
        amount: u64,
    },
    /// A movement from an account to itself.
    #[error("movement from ledger account {account} to itself")]
    SelfTransfer {
        /// The account.
        account: LedgerAccountId,
    },
    /// More than [`MOVEMENTS_PER_TRANSACTION_MAX`] movements.
    #[error("{count} movements, at most {MOVEMENTS_PER_TRANSACTION_MAX} allowed")]
    TooManyMovements {
        /// How many were given.
        count: usize,
    },
    /// No ledger account has this id.
    #[error("no ledger account {account}")]
    UnknownAccount {
        /// The id.
        account: LedgerAccountId,
    },
    /// Only sign-up credits may draw on the issuance account.
    #[error("ledger account {account} is the issuance account")]
    IssuanceNotAllowed {
        /// The issuance account's id.
        account: LedgerAccountId,
    },
    /// A hand settlement touched an account that is not a session at the hand's table.
    #[error("ledger account {account} is not a session at table {table}")]
    NotAtTable {
        /// The account.
        account: LedgerAccountId,
        /// The hand's table.
        table: TableId,
    },
    /// The player account does not exist.
    #[error("no account {account}")]
    UnknownPlayer {
        /// The account.
        account: AccountId,
    },
    /// The player has no session at the table.
    #[error("account {account} has no session at table {table}")]
    NoTableSession {
        /// The table.
        table: TableId,
        /// The account.
        account: AccountId,
    },
    /// The operation would take a balance above [`CHIPS_MAX`].
    #[error("ledger account {account} would exceed {CHIPS_MAX} chips")]
    BalanceOverflow {
        /// The account.
        account: LedgerAccountId,
    },
    /// The idempotency key was used before for a different operation.
    #[error("idempotency key {key:?} was already used for a different operation")]
    IdempotencyConflict {
        /// The key.
        key: String,
    },
    /// A hand record arrived out of sequence for its table.
    #[error("table {table} expects hand {expected}, got hand {got}")]
    HandOutOfOrder {
        /// The table.
        table: TableId,
        /// The hand number the table expects next.
        expected: u64,
        /// The hand number given.
        got: u64,
    },
    /// A hand record's previous-hash does not match the table's last record.
    #[error("hand {hand_no} at table {table} does not chain to the previous record")]
    HandChainBroken {
        /// The table.
        table: TableId,
        /// The hand number given.
        hand_no: u64,
    },
    /// A hand record above [`crate::limits::HAND_RECORD_BYTES_MAX`].
    #[error("hand record of {bytes} bytes is too large")]
    RecordTooLarge {
        /// Its size.
        bytes: usize,
    },
    /// The ledger check found broken invariants.
    #[error("ledger inconsistent: {0:?}")]
    Inconsistent(Vec<Inconsistency>),
    /// The database failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for LedgerError {
    fn from(err: rusqlite::Error) -> LedgerError {
        LedgerError::Store(StoreError::from(err))
    }
}

/// Nets `movements` into one entry per touched account, in account order, leaving out accounts
/// whose movements cancel. The entries sum to zero.
pub(crate) fn net_entries(movements: &[Movement]) -> Result<Vec<Entry>, LedgerError> {
    if movements.len() > MOVEMENTS_PER_TRANSACTION_MAX {
        return Err(LedgerError::TooManyMovements {
            count: movements.len(),
        });
    }
    let mut deltas: BTreeMap<LedgerAccountId, i64> = BTreeMap::new();
    for movement in movements {
        // Cannot fail: amounts are at most CHIPS_MAX and their count is bounded (see limits.rs).
        let amount = i64::try_from(movement.amount).map_err(|_| LedgerError::AmountOutOfRange {
            amount: movement.amount,
        })?;
        let from = deltas.entry(movement.from).or_insert(0);
        *from = from
            .checked_sub(amount)
            .ok_or(LedgerError::BalanceOverflow {
                account: movement.from,
            })?;
        let to = deltas.entry(movement.to).or_insert(0);
        *to = to.checked_add(amount).ok_or(LedgerError::BalanceOverflow {
            account: movement.to,
        })?;
    }
    let entries: Vec<Entry> = deltas
        .into_iter()
        .filter(|&(_, delta)| delta != 0)
        .map(|(account, delta)| Entry { account, delta })
        .collect();
    assert_balanced(&entries);
    Ok(entries)
}

/// Chip conservation: a transaction's entries sum to zero. Every way of building entries keeps
/// it, so a failure is a bug in this module, not bad input.
pub(crate) fn assert_balanced(entries: &[Entry]) {
    let sum = entries
        .iter()
        .try_fold(0i64, |sum, entry| sum.checked_add(entry.delta));
    assert_eq!(sum, Some(0), "ledger entries must sum to zero: {entries:?}");
}

/// Domain tag for request fingerprints, so they can never collide with another hash's input.
const FINGERPRINT_DOMAIN: &[u8] = b"fairdeal/ledger-request/v1\0";

/// A digest of what a transaction does, stored with its idempotency key so a replay of the key
/// with a different request is told apart from an honest retry. `context` carries what the
/// entries do not show (for a hand settlement: table, hand number and record hash).
pub(crate) fn fingerprint(kind: TransactionKind, entries: &[Entry], context: &[u8]) -> [u8; 32] {
    let mut hasher = Sha256::new();
    hasher.update(FINGERPRINT_DOMAIN);
    let kind = kind.as_str().as_bytes();
    hasher.update((kind.len() as u64).to_be_bytes());
    hasher.update(kind);
    hasher.update((entries.len() as u64).to_be_bytes());
    for entry in entries {
        hasher.update(entry.account.get().to_be_bytes());
        hasher.update(entry.delta.to_be_bytes());
    }
    hasher.update((context.len() as u64).to_be_bytes());
    hasher.update(context);
    hasher.finalize().into()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(raw: i64) -> LedgerAccountId {
        LedgerAccountId::from_raw(raw)
    }

    fn movement(from: i64, to: i64, amount: u64) -> Movement {
        Movement::new(id(from), id(to), amount).expect("valid movement")
    }

    #[test]
    fn movements_net_per_account_and_cancel_out() {
        let entries = net_entries(&[
            movement(1, 2, 100),
            movement(2, 3, 30),
            movement(3, 1, 30),
            movement(4, 5, 7),
            movement(5, 4, 7),
        ])
        .expect("nets");
        assert_eq!(
            entries,
            vec![
                Entry {
                    account: id(1),
                    delta: -70
                },
                Entry {
                    account: id(2),
                    delta: 70
                },
            ]
        );
    }

    #[test]
    fn movement_bounds_are_enforced() {
        assert!(matches!(
            Movement::new(id(1), id(2), 0),
            Err(LedgerError::AmountOutOfRange { amount: 0 })
        ));
        assert!(Movement::new(id(1), id(2), CHIPS_MAX).is_ok());
        assert!(matches!(
            Movement::new(id(1), id(2), CHIPS_MAX + 1),
            Err(LedgerError::AmountOutOfRange { .. })
        ));
        assert!(matches!(
            Movement::new(id(1), id(1), 5),
            Err(LedgerError::SelfTransfer { .. })
        ));
        let too_many = vec![movement(1, 2, 1); MOVEMENTS_PER_TRANSACTION_MAX + 1];
        assert!(matches!(
            net_entries(&too_many),
            Err(LedgerError::TooManyMovements { .. })
        ));
        // The largest allowed transaction still nets without overflow.
        let largest = vec![movement(1, 2, CHIPS_MAX); MOVEMENTS_PER_TRANSACTION_MAX];
        assert!(net_entries(&largest).is_ok());
    }

    #[test]
    fn fingerprints_separate_kind_entries_and_context() {
        let entries = [
            Entry {
                account: id(1),
                delta: -5,
            },
            Entry {
                account: id(2),
                delta: 5,
            },
        ];
        let base = fingerprint(TransactionKind::Settle, &entries, b"");
        assert_eq!(base, fingerprint(TransactionKind::Settle, &entries, b""));
        assert_ne!(base, fingerprint(TransactionKind::BuyIn, &entries, b""));
        assert_ne!(
            base,
            fingerprint(TransactionKind::Settle, &entries[..1], b"")
        );
        assert_ne!(base, fingerprint(TransactionKind::Settle, &entries, b"x"));
    }

    #[test]
    fn identifiers_are_validated() {
        assert!(TableId::parse(&"t".repeat(TABLE_ID_BYTES_MAX)).is_ok());
        assert!(TableId::parse(&"t".repeat(TABLE_ID_BYTES_MAX + 1)).is_err());
        assert!(IdempotencyKey::parse(&"k".repeat(IDEMPOTENCY_KEY_BYTES_MAX)).is_ok());
        assert!(IdempotencyKey::parse(&"k".repeat(IDEMPOTENCY_KEY_BYTES_MAX + 1)).is_err());
        assert!(IdempotencyKey::parse("tab\there").is_err());
    }
}
