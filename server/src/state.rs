//! What every request handler shares: configuration, store, signing key and password hasher.

use std::sync::Arc;

use crate::admin::AdminState;
use crate::auth::PasswordHasher;
use crate::config::Config;
use crate::limiter::Limiter;
use crate::metrics::Metrics;
use crate::store::Store;
use crate::ws::shutdown::ShutdownNotice;
use fairness::ServerKey;

/// Shared server state; cloning it is cheap.
#[derive(Clone, Debug)]
pub struct AppState {
    inner: Arc<Inner>,
}

#[derive(Debug)]
struct Inner {
    config: Config,
    store: Store,
    key: ServerKey,
    hasher: PasswordHasher,
    limiter: Limiter,
    admin: AdminState,
    metrics: Metrics,
    websocket_shutdown: ShutdownNotice,
}

impl AppState {
    /// Bundles the server's parts.
    pub fn new(config: Config, store: Store, key: ServerKey, hasher: PasswordHasher) -> AppState {
        AppState {
            inner: Arc::new(Inner {
                limiter: Limiter::new(config.connection_limits().clone()),
                admin: AdminState::new(config.admin_token().cloned()),
                metrics: Metrics::default(),
                websocket_shutdown: ShutdownNotice::new(),
                config,
                store,
                key,
                hasher,
            }),
        }
    }

    /// The settings.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    /// The database.
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The signing key.
    pub fn key(&self) -> &ServerKey {
        &self.inner.key
    }

    /// The password hasher.
    pub fn hasher(&self) -> &PasswordHasher {
        &self.inner.hasher
    }

    /// The per-address and rate limits' shared counters.
    pub fn limiter(&self) -> &Limiter {
        &self.inner.limiter
    }

    /// Operator state: admin token, maintenance flag, notices, bans.
    pub fn admin(&self) -> &AdminState {
        &self.inner.admin
    }

    /// The counters behind `/metrics`.
    pub fn metrics(&self) -> &Metrics {
        &self.inner.metrics
    }

    /// The notice that closes every WebSocket at shutdown, and tells when they are gone.
    pub fn websocket_shutdown(&self) -> &ShutdownNotice {
        &self.inner.websocket_shutdown
    }
}
