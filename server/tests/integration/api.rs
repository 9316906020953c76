//! The REST API over real HTTP: the account flow, and typed errors for bad input.

use hyper::Method;
use poker_server::config::ConfigLayer;
use poker_server::limits::{JSON_BODY_MAX_BYTES, STARTING_BALANCE_DEFAULT};
use serde_json::json;

use crate::support::{config_in, TestServer};

const PASSWORD: &str = "correct horse battery";

#[tokio::test]
async fn register_login_me_logout() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start_with(config_in(
        dir.path(),
        ConfigLayer {
            starting_balance: Some(2_500),
            ..ConfigLayer::default()
        },
    ))
    .await;
    let client = server.client();

    let registered = client.register("Alice", PASSWORD).await;
    assert_eq!(registered.status, 201, "{registered:?}");
    assert_eq!(registered.body["username"], "Alice");
    assert_eq!(registered.body["balance"], 2_500);

    let login = client.login("alice", PASSWORD).await;
    assert_eq!(login.status, 200, "usernames match without case: {login:?}");
    let token = login.body["token"].as_str().expect("token");
    assert_eq!(token.len(), 64);
    assert!(
        login.body["expires_at"].as_i64().expect("expiry")
            > registered.body["created_at"].as_i64().expect("created")
    );

    let me = client.get("/api/v1/me", Some(token)).await;
    assert_eq!(me.status, 200, "{me:?}");
    assert_eq!(me.body["username"], "Alice");
    assert_eq!(me.body["balance"], 2_500);
    assert_eq!(me.body["id"], registered.body["id"]);

    // A second session is independent of the first.
    let other = client.login("Alice", PASSWORD).await.body["token"]
        .as_str()
        .expect("token")
        .to_owned();
    assert_ne!(other, token);

    let logout = client
        .send(Method::POST, "/api/v1/logout", Some(token), None)
        .await;
    assert_eq!(logout.status, 204, "{logout:?}");
    let after = client.get("/api/v1/me", Some(token)).await;
    assert_eq!((after.status, after.code()), (401, "invalid_token"));
    let again = client
        .send(Method::POST, "/api/v1/logout", Some(token), None)
        .await;
    assert_eq!((again.status, again.code()), (401, "invalid_token"));
    assert_eq!(client.get("/api/v1/me", Some(&other)).await.status, 200);

    server.stop().await;
}

#[tokio::test]
async fn health_and_server_key() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start(dir.path()).await;
    let client = server.client();

    let health = client.get("/api/v1/health", None).await;
    assert_eq!(health.status, 200);
    assert_eq!(health.body["status"], "ok");

    let key = client.get("/api/v1/server-key", None).await;
    assert_eq!(key.status, 200);
    assert_eq!(key.body["algorithm"], "ed25519");
    let public = hex::decode(key.body["public_key"].as_str().expect("hex")).expect("hex");
    let public: [u8; 32] = public.try_into().expect("32 bytes");
    assert_eq!(
        key.body["key_id"],
        fairness::PublicKey::from_bytes(&public)
            .expect("a valid key")
            .key_id()
            .to_hex()
    );
    server.stop().await;
}

#[tokio::test]
async fn bad_registrations_get_typed_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start(dir.path()).await;
    let client = server.client();
    assert_eq!(client.register("bob", PASSWORD).await.status, 201);

    let cases = [
        (
            client.register("BOB", PASSWORD).await,
            409,
            "username_taken",
        ),
        (
            client.register("b", PASSWORD).await,
            400,
            "invalid_username",
        ),
        (
            client.register("bob smith", PASSWORD).await,
            400,
            "invalid_username",
        ),
        (
            client.register("carol", "short").await,
            400,
            "invalid_password",
        ),
        (
            client
                .post_json("/api/v1/register", None, &json!({"username": "carol"}))
                .await,
            400,
            "malformed_body",
        ),
        (
            client
                .post_json(
                    "/api/v1/register",
                    None,
                    &json!({"username": "carol", "password": PASSWORD, "admin": true}),
                )
                .await,
            400,
            "malformed_body",
        ),
        (
            client
                .send(
                    Method::POST,
                    "/api/v1/register",
                    None,
                    Some(("application/json", b"{\"username\": \"carol\",".to_vec())),
                )
                .await,
            400,
            "malformed_body",
        ),
        (
            client
                .send(
                    Method::POST,
                    "/api/v1/register",
                    None,
                    Some(("text/plain", b"carol".to_vec())),
                )
                .await,
            415,
            "unsupported_media_type",
        ),
        (
            client
                .send(
                    Method::POST,
                    "/api/v1/register",
                    None,
                    Some((
                        "application/json",
                        vec![b' '; usize::try_from(JSON_BODY_MAX_BYTES).expect("small") + 1],
                    )),
                )
                .await,
            413,
            "body_too_large",
        ),
        (
            client.get("/api/v1/register", None).await,
            405,
            "method_not_allowed",
        ),
        (client.get("/api/v1/nowhere", None).await, 404, "not_found"),
        (client.get("/", None).await, 404, "not_found"),
    ];
    for (reply, status, code) in cases {
        assert_eq!((reply.status, reply.code()), (status, code), "{reply:?}");
        assert!(reply.body["message"].is_string(), "{reply:?}");
    }

    // Nothing above created an account or moved chips.
    let token = client.sign_up("carol", PASSWORD).await;
    let me = client.get("/api/v1/me", Some(&token)).await;
    assert_eq!(me.body["balance"], STARTING_BALANCE_DEFAULT);
    server.stop().await;
}

#[tokio::test]
async fn bad_logins_and_tokens_get_typed_errors() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start(dir.path()).await;
    let client = server.client();
    let token = client.sign_up("dave", PASSWORD).await;

    let wrong_password = client.login("dave", "not the password").await;
    assert_eq!(
        (wrong_password.status, wrong_password.code()),
        (401, "invalid_credentials")
    );
    let unknown_user = client.login("nobody", PASSWORD).await;
    assert_eq!(
        unknown_user.body, wrong_password.body,
        "unknown user looks like a wrong password"
    );
    let invalid_user = client.login("x", PASSWORD).await;
    assert_eq!(invalid_user.body, wrong_password.body);
    let huge_password = client.login("dave", &"p".repeat(1000)).await;
    assert_eq!(huge_password.code(), "invalid_credentials");

    let missing = client.get("/api/v1/me", None).await;
    assert_eq!((missing.status, missing.code()), (401, "missing_token"));
    assert_eq!(missing.headers["www-authenticate"], "Bearer");
    let unknown = client.get("/api/v1/me", Some(&"0".repeat(64))).await;
    assert_eq!((unknown.status, unknown.code()), (401, "invalid_token"));
    let malformed = client.get("/api/v1/me", Some("not-a-token")).await;
    assert_eq!((malformed.status, malformed.code()), (401, "invalid_token"));
    let basic = client
        .raw_status(
            "GET /api/v1/me HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\
             Authorization: Basic ZGF2ZTpwdw==\r\n\r\n",
        )
        .await;
    assert_eq!(basic, 401);

    // A body on a route that takes none is refused, token or not.
    let with_body = client
        .send(
            Method::GET,
            "/api/v1/me",
            Some(&token),
            Some(("application/json", b"{}".to_vec())),
        )
        .await;
    assert_eq!(
        (with_body.status, with_body.code()),
        (413, "body_too_large")
    );

    // A JSON body without a length is refused before it is read.
    let chunked = client
        .raw_status(
            "POST /api/v1/login HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\
             Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n\
             2\r\n{}\r\n0\r\n\r\n",
        )
        .await;
    assert_eq!(chunked, 411);

    assert_eq!(client.get("/api/v1/me", Some(&token)).await.status, 200);
    server.stop().await;
}

#[tokio::test]
async fn connections_beyond_the_limit_are_closed_on_accept() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start_with(config_in(
        dir.path(),
        ConfigLayer {
            max_connections: Some(2),
            ..ConfigLayer::default()
        },
    ))
    .await;
    server
        .check_a_limit_of_two_connections(std::time::Duration::from_secs(10))
        .await;
    server.stop().await;
}
