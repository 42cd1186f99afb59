//! The HTTP server: routes, shared state, the connection loop, and in-process spawning.
//!
//! Connections are served with hyper's HTTP/1 server directly (not `axum::serve`) so that the
//! `drop` fault can close a socket without writing a response.

use std::collections::HashMap;
use std::future::Future;
use std::io;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use axum::Router;
use axum::routing::{get, post, put};
use hyper::body::Incoming;
use hyper::server::conn::http1;
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::sync::{oneshot, watch};
use tokio::task::JoinSet;
use tower_service::Service;

use crate::ai_log::AiLog;
use crate::auth::Auth;
use crate::catalog::Catalog;
use crate::checkout::CartStore;
use crate::faults::{DropConnection, Faults};
use crate::schema::DevshopSchema;
use crate::stats::Stats;
use crate::{
    AI_FAULT_KEY, ANTHROPIC_FAULT_KEY, Config, OPENAI_FAULT_KEY, chat, checkout, control, graphql,
    images, logging, messages,
};

/// How long shutdown waits for open connections before closing them.
const SHUTDOWN_GRACE: Duration = Duration::from_secs(2);

/// The demo catalog, generated once per process (it is deterministic, so sharing is safe).
pub fn demo_catalog() -> Arc<Catalog> {
    static CATALOG: OnceLock<Arc<Catalog>> = OnceLock::new();
    CATALOG
        .get_or_init(|| Arc::new(crate::catalog_gen::generate()))
        .clone()
}

/// Everything the handlers share.
pub struct AppState {
    pub catalog: Arc<Catalog>,
    pub schema: DevshopSchema,
    pub auth: Auth,
    pub faults: Faults,
    pub stats: Stats,
    pub carts: Arc<CartStore>,
    /// `http://127.0.0.1:PORT`, no trailing slash.
    pub base_url: Arc<str>,
    pub ai_token: String,
    pub quiet: bool,
    /// Product handle → title, across all shops (for the chat endpoint).
    pub product_titles: HashMap<String, String>,
    /// The last requests to the model endpoints.
    pub ai_log: AiLog,
    request_seq: AtomicU64,
}

impl AppState {
    pub fn new(config: &Config, base_url: &str) -> Result<AppState, String> {
        let catalog = demo_catalog();
        let auth = Auth::new(&catalog, &config.tokens)?;
        if config.ai_token.trim().is_empty() {
            return Err("empty AI token".to_string());
        }
        let mut keys: Vec<String> = catalog.shops.iter().map(|s| s.name.clone()).collect();
        keys.push(AI_FAULT_KEY.to_string());
        keys.push(OPENAI_FAULT_KEY.to_string());
        keys.push(ANTHROPIC_FAULT_KEY.to_string());
        let product_titles = catalog
            .shops
            .iter()
            .flat_map(|s| {
                s.products
                    .iter()
                    .map(|p| (p.handle.clone(), p.title.clone()))
            })
            .collect();
        Ok(AppState {
            schema: crate::schema::build(),
            auth,
            faults: Faults::new(&keys),
            stats: Stats::new(&keys),
            carts: Arc::new(CartStore::default()),
            base_url: Arc::from(base_url.trim_end_matches('/')),
            ai_token: config.ai_token.clone(),
            quiet: config.quiet,
            product_titles,
            ai_log: AiLog::default(),
            request_seq: AtomicU64::new(0),
            catalog,
        })
    }

    pub fn next_request_id(&self) -> String {
        format!(
            "devshop-{}",
            self.request_seq.fetch_add(1, Ordering::Relaxed) + 1
        )
    }
}

pub fn router(state: Arc<AppState>) -> Router {
    Router::new()
        .route("/", get(control::index))
        .route("/api/{version}/graphql.json", post(graphql::handle))
        .route("/v1/chat/completions", post(chat::completions))
        .route(
            "/{account}/{gateway}/openai/chat/completions",
            post(chat::completions),
        )
        .route(
            "/v1/{account}/{gateway}/openai/chat/completions",
            post(chat::completions),
        )
        .route(
            "/v1/{account}/{gateway}/compat/chat/completions",
            post(chat::completions),
        )
        .route("/v1/messages", post(messages::create))
        .route(
            "/{account}/{gateway}/anthropic/v1/messages",
            post(messages::create),
        )
        .route(
            "/v1/{account}/{gateway}/anthropic/v1/messages",
            post(messages::create),
        )
        .route(
            "/_devshop/ai/requests",
            get(control::ai_requests).delete(control::clear_ai_requests),
        )
        .route("/images/{shop}/{file}", get(images::handle))
        .route("/checkouts/{token}", get(checkout::page))
        .route("/_devshop/health", get(control::health))
        .route(
            "/_devshop/faults",
            get(control::list_faults).delete(control::reset_faults),
        )
        .route(
            "/_devshop/faults/{key}",
            put(control::put_fault).get(control::get_fault),
        )
        .route(
            "/_devshop/stats",
            get(control::stats).delete(control::reset_stats),
        )
        .fallback(control::not_found)
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            logging::log_requests,
        ))
        .with_state(state)
}

/// `http://{addr}`, with a loopback address in place of 0.0.0.0 / ::.
pub fn base_url_for(addr: SocketAddr) -> String {
    let ip = match addr.ip() {
        IpAddr::V4(v4) if v4.is_unspecified() => IpAddr::V4(Ipv4Addr::LOCALHOST),
        IpAddr::V6(v6) if v6.is_unspecified() => IpAddr::V6(Ipv6Addr::LOCALHOST),
        ip => ip,
    };
    format!("http://{}", SocketAddr::new(ip, addr.port()))
}

/// Serves on `listener` until the process ends.
pub async fn serve(listener: TcpListener, config: Config) -> io::Result<()> {
    serve_with_shutdown(listener, config, std::future::pending()).await
}

/// Serves on `listener` until `shutdown` completes, then closes connections (after a short
/// grace period for requests in flight).
pub async fn serve_with_shutdown(
    listener: TcpListener,
    config: Config,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let base_url = match &config.public_url {
        Some(url) => url.clone(),
        None => base_url_for(listener.local_addr()?),
    };
    let state = AppState::new(&config, &base_url).map_err(io::Error::other)?;
    run(listener, Arc::new(state), shutdown).await
}

/// The error that makes hyper close a connection without answering (the `drop` fault).
#[derive(Debug)]
struct Dropped;

impl std::fmt::Display for Dropped {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("connection dropped by fault injection")
    }
}

impl std::error::Error for Dropped {}

async fn run(
    listener: TcpListener,
    state: Arc<AppState>,
    shutdown: impl Future<Output = ()> + Send,
) -> io::Result<()> {
    let app = router(state);
    let (stop_tx, stop_rx) = watch::channel(false);
    let mut connections = JoinSet::new();
    tokio::pin!(shutdown);
    loop {
        let accepted = tokio::select! {
            _ = &mut shutdown => break,
            accepted = listener.accept() => accepted,
        };
        let stream = match accepted {
            Ok((stream, _)) => stream,
            Err(_) => {
                // Out of file descriptors and the like: back off briefly and go on.
                tokio::time::sleep(Duration::from_millis(20)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let app = app.clone();
        let mut stop = stop_rx.clone();
        connections.spawn(async move {
            let service = hyper::service::service_fn(move |request: hyper::Request<Incoming>| {
                let mut app = app.clone();
                async move {
                    let response = match app.call(request).await {
                        Ok(response) => response,
                        Err(never) => match never {},
                    };
                    if response.extensions().get::<DropConnection>().is_some() {
                        Err(Dropped)
                    } else {
                        Ok(response)
                    }
                }
            });
            let connection = http1::Builder::new()
                .timer(TokioTimer::new())
                .serve_connection(TokioIo::new(stream), service);
            tokio::pin!(connection);
            tokio::select! {
                _ = connection.as_mut() => {}
                _ = stop.changed() => {
                    connection.as_mut().graceful_shutdown();
                    let _ = connection.await;
                }
            }
        });
        while connections.try_join_next().is_some() {}
    }
    let _ = stop_tx.send(true);
    let _ = tokio::time::timeout(SHUTDOWN_GRACE, async {
        while connections.join_next().await.is_some() {}
    })
    .await;
    connections.abort_all();
    Ok(())
}

/// A devshop running on its own thread and runtime; stops when dropped.
pub struct DevShop {
    addr: SocketAddr,
    base_url: String,
    shutdown: Option<oneshot::Sender<()>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl DevShop {
    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://127.0.0.1:PORT`.
    pub fn base_url(&self) -> &str {
        &self.base_url
    }

    /// `{base}/api/{API_VERSION}/graphql.json`.
    pub fn graphql_url(&self) -> String {
        format!("{}/api/{}/graphql.json", self.base_url, crate::API_VERSION)
    }

    /// Stops the server and waits for its thread.
    pub fn shutdown(mut self) {
        self.stop();
    }

    fn stop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

impl Drop for DevShop {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Starts devshop on 127.0.0.1 with a free port, on a background thread with its own Tokio
/// runtime, so any test (async or not) can use it.
pub fn spawn(config: Config) -> io::Result<DevShop> {
    let listener = std::net::TcpListener::bind((Ipv4Addr::LOCALHOST, 0))?;
    listener.set_nonblocking(true)?;
    let addr = listener.local_addr()?;
    let base_url = match &config.public_url {
        Some(url) => url.trim_end_matches('/').to_string(),
        None => base_url_for(addr),
    };
    let state = Arc::new(AppState::new(&config, &base_url).map_err(io::Error::other)?);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let (tx, rx) = oneshot::channel::<()>();
    let thread = std::thread::Builder::new()
        .name(format!("devshop-{}", addr.port()))
        .spawn(move || {
            runtime.block_on(async move {
                match TcpListener::from_std(listener) {
                    Ok(listener) => {
                        let _ = run(listener, state, async {
                            let _ = rx.await;
                        })
                        .await;
                    }
                    Err(e) => eprintln!("devshop: cannot use listener: {e}"),
                }
            });
        })?;
    Ok(DevShop {
        addr,
        base_url,
        shutdown: Some(tx),
        thread: Some(thread),
    })
}

/// [`spawn`] with the default tokens and no request log.
pub fn spawn_for_tests() -> io::Result<DevShop> {
    spawn(Config {
        quiet: true,
        ..Config::default()
    })
}
