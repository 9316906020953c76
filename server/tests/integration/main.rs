//! Integration tests of poker-server: the real server on 127.0.0.1:0 spoken to over HTTP, the
//! store's ledger, and persistence across restarts. One binary, so the crate links once.

mod admin;
mod api;
mod bad_queries;
mod connection_limits;
mod departures;
mod going_away;
mod halted_table;
mod idle_memory;
mod ledger;
mod persistence;
mod reconnect;
mod seating;
mod support;
mod table_errors;
mod table_list_pages;
mod table_settings;
mod tls;
mod websocket_limits;
