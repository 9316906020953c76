//! `list_tables` over the WebSocket comes a page at a time: a server with more tables than
//! one page answers with `LIST_TABLES_PAGE_MAX` of them and where the next page starts, and
//! walking the pages lists every table once, by name. (One reply listing every table of a
//! large server did not fit the socket's write buffer, and the connection closed instead.)

use poker_server::config::{ConfigLayer, TableSpec};
use poker_server::limits::LIST_TABLES_PAGE_MAX;
use serde_json::{json, Value};

use crate::support::{config_in, Client, TestServer};
use crate::table_errors::Conn;

/// Tables of the test server: one page and a few more.
const TABLES: usize = LIST_TABLES_PAGE_MAX + 7;

fn table_name(index: usize) -> String {
    format!("t-{index:04}")
}

fn layer() -> ConfigLayer {
    let specs = (0..TABLES)
        .map(|index| {
            let spec = json!({"name": table_name(index), "number": index + 1, "game": "nlhe",
                "blinds": [1, 2], "seats": 6, "buy_in": [40, 400]});
            serde_json::from_value::<TableSpec>(spec).expect("a [[tables]] entry")
        })
        .collect();
    ConfigLayer {
        drain_grace_secs: Some(0),
        tables: Some(specs),
        ..ConfigLayer::default()
    }
}

/// Every page of the list, asking with `request` (plus `after`) until no `next` comes.
async fn pages(client: &Client, request: Value) -> Vec<Value> {
    let mut conn = Conn::open(client, None).await;
    let mut pages = Vec::new();
    let mut after: Option<String> = None;
    for id in 1..=TABLES {
        let mut ask = request.clone();
        ask["v"] = json!(1);
        ask["id"] = json!(id);
        ask["type"] = json!("list_tables");
        if let Some(after) = &after {
            ask["after"] = json!(after);
        }
        conn.send_text(ask.to_string()).await;
        let reply = conn.next(|m| m["id"] == id).await;
        assert_eq!(reply["type"], "tables", "{reply}");
        after = reply["next"].as_str().map(str::to_owned);
        pages.push(reply);
        if after.is_none() {
            return pages;
        }
    }
    panic!("the pages never ended");
}

fn names(page: &Value) -> Vec<String> {
    page["tables"]
        .as_array()
        .expect("tables")
        .iter()
        .map(|t| t["table"].as_str().expect("name").to_owned())
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_table_list_comes_in_pages_that_list_every_table_once() {
    let dir = tempfile::tempdir().expect("temp dir");
    let server = TestServer::start_with(config_in(dir.path(), layer())).await;
    let client = server.client();
    let every: Vec<String> = (0..TABLES).map(table_name).collect();

    let full = pages(&client, json!({})).await;
    assert_eq!(full.len(), 2, "one full page and the rest");
    assert_eq!(names(&full[0]).len(), LIST_TABLES_PAGE_MAX);
    assert_eq!(full[0]["next"], json!(table_name(LIST_TABLES_PAGE_MAX - 1)));
    assert!(full[1].get("next").is_none(), "{}", full[1]);
    assert_eq!(full.iter().flat_map(names).collect::<Vec<_>>(), every);

    // A smaller page on request; a larger one is cut to the most a page holds.
    let small = pages(&client, json!({"limit": 50})).await;
    assert_eq!(small.len(), TABLES.div_ceil(50));
    assert_eq!(small.iter().flat_map(names).collect::<Vec<_>>(), every);
    let large = pages(&client, json!({"limit": TABLES * 2})).await;
    assert_eq!(names(&large[0]).len(), LIST_TABLES_PAGE_MAX);

    // `after` need not be a table's name: the list starts after it in name order.
    let mut conn = Conn::open(&client, None).await;
    conn.send_text(
        json!({"v": 1, "id": 1, "type": "list_tables", "after": "t-0100x", "limit": 2}).to_string(),
    )
    .await;
    let reply = conn.next(|m| m["id"] == 1).await;
    assert_eq!(names(&reply), vec![table_name(101), table_name(102)]);
    assert_eq!(reply["next"], json!(table_name(102)));
    server.stop().await;
}
