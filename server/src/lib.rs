//! The fairdeal poker server as a library, so integration tests can start the real thing.
//!
//! The binary (`src/main.rs`) only reads the configuration, prints the start-up banner and
//! waits for a signal; everything else is here.
//!
//! # Layout
//! * [`config`]: settings from flags, `POKER_*` variables and a TOML file.
//! * [`limits`]: every bound the server enforces, as a named constant.
//! * [`limiter`], [`rate`]: connections per address, rate limits (token buckets) per address
//!   and per WebSocket connection.
//! * [`websockets`]: open WebSockets counted overall and per account, and the connection
//!   slot an upgraded WebSocket keeps.
//! * [`tls`]: HTTPS and WSS with rustls when a certificate and key are configured.
//! * [`data_dir`], [`keys`]: the private data directory and the Ed25519 signing key in it.
//! * [`store`]: SQLite on a dedicated thread: schema migrations, accounts, sessions, the
//!   double-entry chip [`ledger`] and hand records.
//! * [`accounts`], [`auth`]: validated usernames and passwords, Argon2id hashing, bearer
//!   tokens and the warp filter that checks them.
//! * [`routes`], [`wire`], [`error`]: the REST API under `/api/v1`, its JSON bodies, and the
//!   mapping of every failure to a `{code, message}` response.
//! * [`history`]: hand histories (PHH, PokerStars text) rendered for one player.
//! * [`table`]: one task per table (seats, seed exchange, engine, action clock, settlement).
//! * [`ws`]: the table protocol over WebSockets at `/api/v1/ws`, and its JSON messages.
//! * [`run`], [`App`]: start-up and graceful shutdown.

pub mod accounts;
pub mod admin;
pub mod audit;
pub mod auth;
pub mod backup;
pub mod clock;
pub mod config;
pub mod data_dir;
pub mod error;
pub mod histogram;
pub mod history;
pub mod keys;
pub mod ledger;
pub mod limiter;
pub mod limits;
pub mod metrics;
pub mod peer;
pub mod rate;
pub mod routes;
mod server;
pub mod state;
pub mod store;
pub mod table;
pub mod tls;
pub mod websockets;
pub mod wire;
pub mod ws;

pub use server::{run, App, StartError};
