//! JSON bodies of the admin API (`/api/v1/admin/...`); `docs/protocol.md` ("Admin API")
//! shows each in an example.

use serde::{Deserialize, Serialize};

use crate::audit::{AuditEntry, AuditReport, AuditValue};
use crate::table::{TableConfig, TableSettings};
use crate::ws::messages::WireHalt;

use super::{Ban, BanTarget};

/// Reply to `GET /admin/status`.
#[derive(Debug, Serialize)]
pub struct StatusBody {
    /// Whether new hands are held back.
    pub draining: bool,
    /// The open tables' names.
    pub tables: Vec<String>,
    /// WebSocket connections open now.
    pub ws_connections: u64,
    /// The open tables that halted after a server-side failure (they deal again only after
    /// a restart), with why.
    pub halted: Vec<HaltedTableBody>,
}

/// A halted table in `GET /admin/status`.
#[derive(Debug, Serialize)]
pub struct HaltedTableBody {
    /// Name.
    pub table: String,
    /// Why, and the hand in play (or whose record failed), as its `table_halted` event said.
    #[serde(flatten)]
    pub halt: WireHalt,
}

/// A table as the admin API shows it.
#[derive(Debug, Serialize)]
pub struct TableBody {
    /// Name.
    pub table: String,
    /// `nlhe` or `plo`.
    pub game: &'static str,
    /// Small and big blind.
    pub blinds: (u64, u64),
    /// Seats.
    pub seats: u8,
    /// Buy-in range.
    pub buy_in: (u64, u64),
    /// Number, clocks, sitting-out and disconnection rules, as the public lists show them.
    #[serde(flatten)]
    pub settings: TableSettings,
}

impl From<&TableConfig> for TableBody {
    fn from(c: &TableConfig) -> TableBody {
        TableBody {
            table: c.name().as_str().to_owned(),
            game: c.game().as_str(),
            blinds: (c.small_blind(), c.big_blind()),
            seats: c.seats(),
            buy_in: (c.buy_in_min(), c.buy_in_max()),
            settings: TableSettings::from(c),
        }
    }
}

/// Reply to `GET /admin/tables`.
#[derive(Debug, Serialize)]
pub struct TablesBody {
    /// Every open table (configured and created) with its settings in force.
    pub tables: Vec<TableBody>,
}

/// Body of `POST /admin/tables/{table}/kick`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct KickBody {
    /// The player's username.
    pub username: String,
}

/// Reply to a kick.
#[derive(Debug, Serialize)]
pub struct KickedBody {
    /// `stood_up` or `after_hand`.
    pub outcome: &'static str,
}

/// Body of `POST /admin/bans`: exactly one of `username` and `address`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BanRequestBody {
    /// The account to ban.
    #[serde(default)]
    pub username: Option<String>,
    /// The IP address to ban.
    #[serde(default)]
    pub address: Option<String>,
    /// How long the ban lasts, in seconds.
    pub expires_in_secs: u64,
    /// Why (kept in the audit log).
    #[serde(default)]
    pub reason: String,
}

/// A ban as the admin API shows it.
#[derive(Debug, Serialize)]
pub struct BanBody {
    /// Its id (`DELETE /admin/bans/{id}` lifts it).
    pub id: i64,
    /// The banned account's id, for an account ban.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub account: Option<i64>,
    /// The banned address, for an address ban.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// Why.
    pub reason: String,
    /// When it was made.
    pub created_at: i64,
    /// When it ends.
    pub expires_at: i64,
}

impl From<&Ban> for BanBody {
    fn from(ban: &Ban) -> BanBody {
        let (account, address) = match ban.target {
            BanTarget::Account(account) => (Some(account.get()), None),
            BanTarget::Address(address) => (None, Some(address.to_string())),
        };
        BanBody {
            id: ban.id,
            account,
            address,
            reason: ban.reason.clone(),
            created_at: ban.created_at.as_secs(),
            expires_at: ban.expires_at.as_secs(),
        }
    }
}

/// Reply to `GET /admin/bans`.
#[derive(Debug, Serialize)]
pub struct BansBody {
    /// The bans in force, oldest first.
    pub bans: Vec<BanBody>,
}

/// Body of `POST /admin/broadcast`.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BroadcastBody {
    /// The text to show.
    pub message: String,
}

/// Reply to a broadcast.
#[derive(Debug, Serialize)]
pub struct BroadcastSentBody {
    /// Connections it was queued for.
    pub recipients: usize,
}

/// Reply to `POST /admin/drain` and `POST /admin/undrain`.
#[derive(Debug, Serialize)]
pub struct DrainBody {
    /// Whether new hands are held back now.
    pub draining: bool,
}

/// One field of an audit entry.
#[derive(Debug, Serialize)]
pub struct AuditFieldBody {
    /// The field's name.
    pub name: String,
    /// `u64`, `i64`, `text` or `bytes`.
    #[serde(rename = "type")]
    pub kind: &'static str,
    /// The value: a number, a string, or hex for bytes.
    pub value: serde_json::Value,
}

/// One audit entry.
#[derive(Debug, Serialize)]
pub struct AuditEntryBody {
    /// Sequence number.
    pub seq: u64,
    /// Seconds since the Unix epoch.
    pub at: i64,
    /// What it records.
    pub kind: String,
    /// Its fields in order.
    pub fields: Vec<AuditFieldBody>,
    /// The previous entry's hash, hex.
    pub prev_hash: String,
    /// This entry's hash, hex.
    pub hash: String,
}

impl From<&AuditEntry> for AuditEntryBody {
    fn from(entry: &AuditEntry) -> AuditEntryBody {
        let fields = entry
            .fields
            .as_slice()
            .iter()
            .map(|(name, value)| {
                let (kind, value) = match value {
                    AuditValue::U64(v) => ("u64", serde_json::json!(v)),
                    AuditValue::I64(v) => ("i64", serde_json::json!(v)),
                    AuditValue::Text(v) => ("text", serde_json::json!(v)),
                    AuditValue::Bytes(v) => ("bytes", serde_json::json!(hex::encode(v))),
                };
                AuditFieldBody {
                    name: name.clone(),
                    kind,
                    value,
                }
            })
            .collect();
        AuditEntryBody {
            seq: entry.seq,
            at: entry.at,
            kind: entry.kind.clone(),
            fields,
            prev_hash: hex::encode(entry.prev_hash),
            hash: hex::encode(entry.hash),
        }
    }
}

/// Reply to `GET /admin/audit`.
#[derive(Debug, Serialize)]
pub struct AuditPageBody {
    /// The entries, in order.
    pub entries: Vec<AuditEntryBody>,
    /// The `from` of the next page, or `null` after the last entry.
    pub next: Option<u64>,
}

/// The head of a checked chain.
#[derive(Debug, Serialize)]
pub struct AuditHeadBody {
    /// The last good entry's sequence number (0: none).
    pub seq: u64,
    /// Its hash, hex.
    pub hash: String,
}

/// The first bad entry.
#[derive(Debug, Serialize)]
pub struct AuditFaultBody {
    /// The sequence number stored in the bad row.
    pub seq: i64,
    /// What is wrong.
    pub problem: String,
}

/// Reply to `GET /admin/audit/check`.
#[derive(Debug, Serialize)]
pub struct AuditCheckBody {
    /// Whether the whole chain is intact.
    pub valid: bool,
    /// Entries that checked out before the first bad one.
    pub valid_entries: u64,
    /// The last good entry.
    pub head: AuditHeadBody,
    /// The first bad entry, or `null`.
    pub first_bad: Option<AuditFaultBody>,
}

impl From<&AuditReport> for AuditCheckBody {
    fn from(report: &AuditReport) -> AuditCheckBody {
        AuditCheckBody {
            valid: report.is_valid(),
            valid_entries: report.valid_entries,
            head: AuditHeadBody {
                seq: report.head.0,
                hash: hex::encode(report.head.1),
            },
            first_bad: report.first_bad.as_ref().map(|fault| AuditFaultBody {
                seq: fault.seq,
                problem: fault.problem.to_string(),
            }),
        }
    }
}
