//! Start-up and the serve loop: open the data directory, key and store, check the ledger,
//! serve until told to stop, then close the store.

use std::future::Future;
use std::io;
use std::net::SocketAddr;

use std::sync::Arc;
use std::time::Duration;

use hyper::body::Incoming;
use hyper::service::Service as _;
use hyper::Request;
use hyper_util::rt::{TokioExecutor, TokioIo, TokioTimer};
use hyper_util::server::conn::auto;
use hyper_util::server::graceful::GracefulShutdown;
use hyper_util::service::TowerToHyperService;
use tokio::net::TcpListener;
use tokio::sync::Semaphore;

use crate::auth::{HashError, PasswordCost, PasswordHasher};
use crate::config::Config;
use crate::data_dir::{DataDir, DataDirError};
use crate::keys::{self, KeyError, KeyOrigin};
use crate::ledger::LedgerError;
use crate::limiter::PeerAddr;
use crate::limits::{HEADER_READ_TIMEOUT, SHUTDOWN_GRACE, TLS_HANDSHAKE_TIMEOUT};
use crate::state::AppState;
use crate::store::{Store, StoreError};
use crate::table::Tables;
use crate::tls::{ServerTls, TlsError, Transport};
use crate::websockets::ConnectionSlot;

/// How long the accept loop pauses after a failed accept (typically: out of file descriptors).
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
pub enum StartError {
    /// The data directory is unusable.
    #[error(transparent)]
    DataDir(#[from] DataDirError),
    /// The signing key could not be loaded or created.
    #[error(transparent)]
    Key(#[from] KeyError),
    /// The database could not be opened.
    #[error(transparent)]
    Store(#[from] StoreError),
    /// The ledger check failed; the server refuses to move chips on a broken ledger.
    #[error("ledger check failed: {0}")]
    Ledger(#[from] LedgerError),
    /// The password hasher could not be prepared.
    #[error(transparent)]
    Hasher(#[from] HashError),
    /// The TLS certificate or key is unusable.
    #[error(transparent)]
    Tls(#[from] TlsError),
    /// The listening socket could not be bound.
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        /// The address.
        addr: SocketAddr,
        /// The failure.
        #[source]
        source: io::Error,
    },
}

/// A server ready to serve: data directory, key and store open, ledger checked.
#[derive(Debug)]
pub struct App {
    state: AppState,
    key_origin: KeyOrigin,
    tls: Option<ServerTls>,
}

impl App {
    /// Opens everything `config` names. Creates the data directory and signing key on first
    /// start; refuses to start if the ledger check fails.
    pub async fn open(config: Config) -> Result<App, StartError> {
        // Checked first: a bad certificate should stop the start before anything is opened.
        let tls = config.tls().map(crate::tls::acceptor).transpose()?;
        let dir = DataDir::open(config.data_dir())?;
        let (key, key_origin) = keys::load_or_create(&dir.key_file())?;
        let store = Store::open(&dir.database()).await?;
        let report = match store.check_ledger().await {
            Ok(report) => report,
            Err(err) => {
                let _ = store.close().await;
                return Err(err.into());
            }
        };
        tracing::info!(
            data_dir = %dir.path().display(),
            accounts = report.accounts,
            transactions = report.transactions,
            issued = report.issued,
            "ledger check passed"
        );
        if config.password_cost() == PasswordCost::InsecureFast {
            tracing::warn!(
                "insecure_fast_password_hashing is on: new passwords get weak Argon2 hashes; \
                 use it for load tests only, never with real accounts"
            );
        }
        let hasher =
            PasswordHasher::with_cost(config.password_hash_concurrency(), config.password_cost())
                .await?;
        let state = AppState::new(config, store, key, hasher);
        let bans = state.admin().bans().load(state.store()).await?;
        tracing::info!(bans, "bans in force loaded");
        Ok(App {
            state,
            key_origin,
            tls,
        })
    }

    /// Binds the configured address.
    pub async fn bind(&self) -> Result<TcpListener, StartError> {
        let addr = self.state.config().addr();
        TcpListener::bind(addr)
            .await
            .map_err(|source| StartError::Bind { addr, source })
    }

    /// The shared state (store, key, settings).
    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Whether the server speaks TLS (HTTPS and WSS) instead of plain HTTP.
    pub fn uses_tls(&self) -> bool {
        self.tls.is_some()
    }

    /// Whether the signing key was created by this start.
    pub fn key_origin(&self) -> KeyOrigin {
        self.key_origin
    }
}

/// Serves `app` on `listener` until `shutdown` completes. Then it stops accepting
/// connections, lets the hands in play finish, lets open connections finish for up to
/// [`SHUTDOWN_GRACE`] in all (each WebSocket writes what is queued for it and closes with
/// code 1001, going away), and closes the store (finishing queued writes and checkpointing
/// the database).
///
/// At most the configured number of connections (`max_connections`) are served at once, and
/// at most `max_connections_per_address` from one client address; one beyond that is closed as
/// soon as it is accepted. An upgraded WebSocket keeps its connection's place in both counts
/// until it closes ([`ConnectionSlot`]). With TLS configured each connection completes a TLS
/// handshake within [`TLS_HANDSHAKE_TIMEOUT`] first. (warp's own serve loop has neither bounds nor TLS,
/// so this is a small accept loop of our own around `warp::service`.)
///
/// Tests bind `127.0.0.1:0` and pass a channel as `shutdown`:
///
/// ```no_run
/// # async fn demo(config: poker_server::config::Config) -> Result<(), Box<dyn std::error::Error>> {
/// let app = poker_server::App::open(config).await?;
/// let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
/// let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
/// let server = tokio::spawn(poker_server::run(listener, app, async move {
///     let _ = stopped.await;
/// }));
/// // ... talk to the server ...
/// let _ = stop.send(());
/// server.await??;
/// # Ok(()) }
/// ```
pub async fn run<S>(listener: TcpListener, app: App, shutdown: S) -> Result<(), StoreError>
where
    S: Future<Output = ()> + Send + 'static,
{
    let state = app.state;
    let tls = app.tls;
    let tables = Tables::start(&state).await;
    let service = warp::service(crate::routes::routes(state.clone(), tables.clone()));
    let limit = state.config().max_connections();
    let permits = Arc::new(Semaphore::new(limit));
    let graceful = GracefulShutdown::new();
    let mut shutdown = std::pin::pin!(shutdown);
    loop {
        let (stream, peer) = tokio::select! {
            accepted = listener.accept() => match accepted {
                Ok(accepted) => accepted,
                Err(err) => {
                    // Usually out of file descriptors; pausing lets connections close.
                    tracing::warn!(%err, "accept failed");
                    tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
                    continue;
                }
            },
            () = &mut shutdown => break,
        };
        if state.admin().bans().address_banned(peer.ip()) {
            tracing::info!(%peer, "banned address; closing");
            drop(stream);
            continue;
        }
        // Events are small messages sent back to back; without this, Nagle's algorithm holds
        // each one until the client acknowledges the previous (tens of ms with delayed ACKs).
        if let Err(err) = stream.set_nodelay(true) {
            tracing::debug!(%peer, %err, "could not turn Nagle off");
        }
        let Ok(permit) = Arc::clone(&permits).try_acquire_owned() else {
            tracing::warn!(%peer, limit, "connection limit reached; closing");
            drop(stream);
            continue;
        };
        let Some(address_permit) = state.limiter().admit_connection(PeerAddr(peer)) else {
            tracing::debug!(%peer, "connection limit per address reached; closing");
            drop(stream);
            continue;
        };
        let inner = TowerToHyperService::new(service.clone());
        // A WebSocket upgrade takes the connection's places with it (hyper is done with an
        // upgraded connection, but the socket stays open); otherwise they are given back below.
        let slot = ConnectionSlot::new(permit, address_permit);
        let request_slot = slot.clone();
        // The route filters read the client's address from the request (warp's own
        // `addr::remote` is only filled by warp's serve loop).
        let service = hyper::service::service_fn(move |mut request: Request<Incoming>| {
            request.extensions_mut().insert(PeerAddr(peer));
            request.extensions_mut().insert(request_slot.clone());
            inner.call(request)
        });
        let counted = state.metrics().http_connection_opened();
        let watcher = graceful.watcher();
        let tls = tls.clone();
        tokio::spawn(async move {
            let stream = match tls {
                None => Transport::Plain(stream),
                Some(acceptor) => {
                    match tokio::time::timeout(TLS_HANDSHAKE_TIMEOUT, acceptor.accept(stream)).await
                    {
                        Ok(Ok(stream)) => stream,
                        Ok(Err(err)) => {
                            tracing::debug!(%peer, %err, "TLS handshake failed");
                            return;
                        }
                        Err(_) => {
                            tracing::debug!(%peer, "TLS handshake timed out");
                            return;
                        }
                    }
                }
            };
            let mut builder = auto::Builder::new(TokioExecutor::new());
            // Without a timer hyper never times out a client that sends nothing, and idle
            // clients could then hold every connection slot.
            builder
                .http1()
                .timer(TokioTimer::new())
                .header_read_timeout(HEADER_READ_TIMEOUT);
            let connection = builder.serve_connection_with_upgrades(TokioIo::new(stream), service);
            if let Err(err) = watcher.watch(connection.into_owned()).await {
                tracing::debug!(%peer, %err, "connection ended with an error");
            }
            drop((slot.take(), counted));
        });
    }
    drop(listener);
    tracing::info!("shutting down: no new connections, no new hands");
    // Tables first: the hands in play finish while their players are still connected
    // (or the action clock plays for them); only then do connections close.
    tables.drain().await;
    tracing::info!("tables stopped");
    // One grace for all connections: HTTP ones finish their requests, WebSockets (which
    // hyper no longer tracks) write what is queued for them and close with 1001.
    let deadline = tokio::time::Instant::now() + SHUTDOWN_GRACE;
    let websockets = state.websocket_shutdown();
    websockets.raise();
    tokio::select! {
        () = graceful.shutdown() => {}
        () = tokio::time::sleep_until(deadline) => {
            tracing::warn!(grace = ?SHUTDOWN_GRACE, "connections still open; closing them");
        }
    }
    // After the HTTP connections: an upgrade still in flight there takes its watch before
    // its connection ends, so it is waited for here too.
    if tokio::time::timeout_at(deadline, websockets.all_closed())
        .await
        .is_err()
    {
        tracing::warn!(
            grace = ?SHUTDOWN_GRACE,
            open = websockets.watching(),
            "websockets still open (clients not reading); closing the store without their close frames"
        );
    } else {
        tracing::info!("websockets closed");
    }
    state.store().close().await?;
    tracing::info!("store closed");
    Ok(())
}
