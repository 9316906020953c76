//! Query strings as typed parameters, refused with `400 bad_query` and the reason when they
//! do not parse (warp's own `query()` filter rejects with a bare "invalid query string" that
//! carries no reason and that the rejection handler would otherwise not know).

use serde::de::DeserializeOwned;
use warp::{Filter, Rejection};

use crate::error::ApiError;

/// The request's query string (empty when absent) parsed into `T`. A value of the wrong
/// type, an unknown parameter (with `#[serde(deny_unknown_fields)]`) or a malformed string
/// rejects with [`ApiError::BadQuery`] naming what is wrong.
pub(super) fn query<T: DeserializeOwned + Send + 'static>(
) -> impl Filter<Extract = (T,), Error = Rejection> + Clone {
    warp::query::raw()
        // `raw` rejects a request without a query string; that is an empty one here.
        .or(warp::any().map(String::new))
        .unify()
        .and_then(|raw: String| async move { parse::<T>(&raw).map_err(warp::reject::custom) })
}

/// `raw` parsed into `T`, or the `bad_query` error saying why not.
fn parse<T: DeserializeOwned>(raw: &str) -> Result<T, ApiError> {
    serde_urlencoded::from_str(raw)
        .map_err(|err| ApiError::BadQuery(format!("malformed query string: {err}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Page {
        from: Option<u64>,
    }

    #[test]
    fn good_queries_parse_and_bad_ones_say_why() {
        assert_eq!(parse::<Page>("").expect("empty"), Page { from: None });
        assert_eq!(
            parse::<Page>("from=7").expect("number"),
            Page { from: Some(7) }
        );
        for (raw, reason) in [
            ("from=abc", "invalid digit"),
            ("from=-1", "invalid digit"),
            ("from=99999999999999999999999", "too large"),
            ("to=3", "unknown field"),
        ] {
            match parse::<Page>(raw) {
                Err(ApiError::BadQuery(message)) => {
                    assert!(message.contains(reason), "{raw}: {message}")
                }
                other => panic!("{raw}: {other:?}"),
            }
        }
    }
}
