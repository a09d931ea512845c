//! EventBridge API destinations may send the integration key in a header: `POST /hooks/eventbridge` with `x-watchfloor-key` or the integration's own `key_header`.

use serde_json::json;

use crate::harness::{GENERIC_KEY, config_yaml, sample, spawn_app};

/// Accepts the key in the default header, `x-watchfloor-key`.
const DEFAULT_HEADER_KEY: &str = "acme-eventbridge-01";
/// Accepts the key in `x-api-key` (its `eventbridge.key_header`).
const CUSTOM_HEADER_KEY: &str = "acme-eventbridge-02";

fn config() -> String {
    let mut yaml = config_yaml(&[], None);
    yaml.push_str(&format!(
        "  - {{key: {DEFAULT_HEADER_KEY}, tenant: acme, service: acme-vpn, kind: eventbridge}}
  - {{key: {CUSTOM_HEADER_KEY}, tenant: acme, service: acme-vpn, kind: eventbridge,
      eventbridge: {{key_header: X-Api-Key}}}}
"
    ));
    yaml
}

fn event() -> Vec<u8> {
    sample(
        "eventbridge/aws-lambda-rust-runtime/example-codepipeline-execution-state-change-event.json",
    )
}

#[test]
fn the_integration_key_may_come_in_a_header() {
    let app = spawn_app(&config());

    let answer = app
        .post_raw("/hooks/eventbridge", event(), &[("x-watchfloor-key", DEFAULT_HEADER_KEY)])
        .expect_status(202, "the key in x-watchfloor-key")
        .json();
    assert_eq!(answer["events"], 1, "{answer}");
    app.post_raw("/hooks/eventbridge", event(), &[("X-Api-Key", CUSTOM_HEADER_KEY)])
        .expect_status(202, "the key in the integration's own header");
    // The key in the URL still works, whatever the headers say.
    app.post_raw(&format!("/hooks/eventbridge/{CUSTOM_HEADER_KEY}"), event(), &[])
        .expect_status(202, "the key in the URL");
    let stats = app.stats();
    assert_eq!((&stats["payloads"], &stats["events"]), (&json!(3), &json!(3)), "{stats}");

    let before = app.stats();
    for (what, headers) in [
        ("no key at all", vec![]),
        ("a key in another integration's header", vec![("x-watchfloor-key", CUSTOM_HEADER_KEY)]),
        ("a key in the wrong header", vec![("x-api-key", DEFAULT_HEADER_KEY)]),
        ("an unknown key", vec![("x-watchfloor-key", "acme-eventbridge-99")]),
        ("a key of another kind", vec![("x-watchfloor-key", GENERIC_KEY)]),
    ] {
        app.post_raw("/hooks/eventbridge", event(), &headers).expect_error(401, what);
    }
    // A known key in the header does not make a bad body acceptable.
    app.post_raw(
        "/hooks/eventbridge",
        b"{\"detail-type\": ".to_vec(),
        &[("x-watchfloor-key", DEFAULT_HEADER_KEY)],
    )
    .expect_error(400, "a truncated body");
    assert_eq!(app.stats(), before, "refused requests store nothing");
}
