//! Malformed query strings get `400 bad_query` with the usual JSON error body naming what is
//! wrong, on every route that takes parameters (not a `500` from an unmapped rejection).

use poker_server::config::ConfigLayer;

use crate::support::{config_in, TestServer};

const PASSWORD: &str = "correct horse battery";
const ADMIN: &str = "admin-token-for-tests-0123456789abcdef";

#[tokio::test]
async fn bad_query_strings_get_400_bad_query_with_the_reason() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start_with(config_in(
        dir.path(),
        ConfigLayer {
            admin_token: Some(ADMIN.parse().expect("a valid admin token")),
            ..ConfigLayer::default()
        },
    ))
    .await;
    let client = server.client();
    let token = client.sign_up("alice", PASSWORD).await;
    let cases: [(&str, &str, &str); 10] = [
        (
            "/api/v1/tables/nlhe-1-2/records?from=1&from=2",
            &token,
            "duplicate field",
        ),
        (
            "/api/v1/tables/nlhe-1-2/records?from=abc",
            &token,
            "invalid digit",
        ),
        (
            "/api/v1/tables/nlhe-1-2/records?from=-1",
            &token,
            "invalid digit",
        ),
        (
            "/api/v1/tables/nlhe-1-2/records?from=123456789012345678901234567890",
            &token,
            "too large",
        ),
        (
            "/api/v1/tables/nlhe-1-2/records?form=1",
            &token,
            "unknown field",
        ),
        ("/api/v1/admin/audit?from=abc", ADMIN, "invalid digit"),
        ("/api/v1/admin/audit?limit=1&page=2", ADMIN, "unknown field"),
        ("/api/v1/me/hands?limit=ten", &token, "non-negative integer"),
        ("/api/v1/me/hands?page=2", &token, "unknown query parameter"),
        (
            "/api/v1/tables/nlhe-1-2/history?format=pdf",
            &token,
            "phh or pokerstars",
        ),
    ];
    for (path, bearer, reason) in cases {
        let reply = client.get(path, Some(bearer)).await;
        assert_eq!(
            (reply.status, reply.code()),
            (400, "bad_query"),
            "{path}: {reply:?}"
        );
        let message = reply.body["message"].as_str().expect("a message");
        assert!(message.contains(reason), "{path}: {message}");
    }
    // A path segment that does not parse is an unknown resource, still a JSON error.
    for (path, bearer) in [
        ("/api/v1/hands/not-a-hand-id/record", &token),
        (
            "/api/v1/hands/nlhe-1-2-99999999999999999999999/history",
            &token,
        ),
    ] {
        let reply = client.get(path, Some(bearer)).await;
        assert_eq!(
            (reply.status, reply.code()),
            (404, "not_found"),
            "{path}: {reply:?}"
        );
    }
    let unban = client
        .send(
            hyper::Method::DELETE,
            "/api/v1/admin/bans/abc",
            Some(ADMIN),
            None,
        )
        .await;
    assert_eq!(
        (unban.status, unban.code()),
        (404, "not_found"),
        "{unban:?}"
    );
    // Well-formed ones still work.
    let page = client
        .get("/api/v1/tables/nlhe-1-2/records?from=1", Some(&token))
        .await;
    assert_eq!((page.status, page.code()), (403, "forbidden"), "{page:?}");
    let audit = client
        .get("/api/v1/admin/audit?from=1&limit=5", Some(ADMIN))
        .await;
    assert_eq!(audit.status, 200, "{audit:?}");
    server.stop().await;
}
