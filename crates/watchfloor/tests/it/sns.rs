//! Amazon SNS end to end: signed CloudWatch alarms open and resolve an incident; tampered, stale, misdirected and malformed messages are refused and store nothing; subscriptions are confirmed only on listed hosts, and recorded.
//!
//! The envelopes are AWS's own samples (`../shared/samples/cloudwatch-sns/`)
//! with a fresh `Timestamp`, signed at run time with the test key of
//! `crates/ingest/tests/fixtures/sns/` (a leaf of its test CA), whose
//! certificate the server pins: AWS's real signing certificates cannot be
//! fetched here.

use std::path::PathBuf;
use std::time::Duration;

use base64::Engine as _;
use rsa::pkcs1v15::SigningKey;
use rsa::pkcs8::DecodePrivateKey;
use rsa::signature::{SignatureEncoding, Signer};
use serde_json::{Value, json};

use crate::harness::{
    App, Reply, config_yaml, metric_value, rfc3339_from_now, sample, spawn_app, unique, wait_until,
};
use crate::receiver::Receiver;

/// Pins the test signing certificate.
const SNS_KEY: &str = "acme-sns-key-0001";
/// Pins a certificate whose key signed nothing here.
const SNS_OTHER_CERT_KEY: &str = "acme-sns-key-0002";
/// `verify_signatures: false`.
const SNS_UNVERIFIED_KEY: &str = "acme-sns-key-0003";
/// `raw_delivery: true`.
const SNS_RAW_KEY: &str = "acme-sns-key-0004";
const CERT_URL: &str = "https://sns.us-east-1.amazonaws.com/SimpleNotificationService-0000000000000000000000000000test.pem";
/// The alarm of the real sample; its ARN is the alert's dedup key.
const ALARM_ARN: &str = "arn:aws:cloudwatch:REGION:ACCOUNT_NUMBER:alarm:EXAMPLE";
const TOPIC_ARN: &str = "arn:aws:sns:us-west-2:123456789012:MyTopic";

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../ingest/tests/fixtures/sns")).join(name)
}

/// The standard configuration plus four SNS integrations; `confirm_hosts`
/// goes to the first one.
fn sns_config(confirm_hosts: &[String]) -> String {
    let signing_cert = fixture("signing-cert.pem");
    let other_cert = fixture("other-cert.pem");
    let hosts: Vec<String> = confirm_hosts.iter().map(|h| format!("\"{h}\"")).collect();
    let mut yaml = config_yaml(&[], None);
    yaml.push_str(&format!(
        "  - {{key: {SNS_KEY}, tenant: acme, service: acme-vpn, kind: sns,
      sns: {{pinned_certificates: [\"{}\"], confirm_hosts: [{}]}}}}
  - {{key: {SNS_OTHER_CERT_KEY}, tenant: acme, service: acme-vpn, kind: sns,
      sns: {{pinned_certificates: [\"{}\"]}}}}
  - {{key: {SNS_UNVERIFIED_KEY}, tenant: acme, service: acme-vpn, kind: sns,
      sns: {{verify_signatures: false}}}}
  - {{key: {SNS_RAW_KEY}, tenant: acme, service: acme-vpn, kind: sns,
      sns: {{pinned_certificates: [\"{}\"], raw_delivery: true}}}}
",
        signing_cert.display(),
        hosts.join(", "),
        other_cert.display(),
        signing_cert.display(),
    ));
    yaml
}

/// What SNS signs: the message's fields in AWS's documented order, each name and value on its own line.
fn string_to_sign(message: &Value) -> String {
    let keys: &[&str] = match message["Type"].as_str() {
        Some("Notification") if message.get("Subject").is_some() => {
            &["Message", "MessageId", "Subject", "Timestamp", "TopicArn", "Type"]
        }
        Some("Notification") => &["Message", "MessageId", "Timestamp", "TopicArn", "Type"],
        _ => &["Message", "MessageId", "SubscribeURL", "Timestamp", "Token", "TopicArn", "Type"],
    };
    keys.iter()
        .map(|key| format!("{key}\n{}\n", message[*key].as_str().unwrap_or_default()))
        .collect()
}

/// Signs `message` (SignatureVersion 2, SHA256withRSA) with the test key.
fn sign(mut message: Value) -> Value {
    let pem = std::fs::read_to_string(fixture("signing-key.pem")).expect("the test signing key");
    let key = rsa::RsaPrivateKey::from_pkcs8_pem(&pem).expect("a PKCS #8 RSA key");
    let signature = SigningKey::<sha2::Sha256>::new(key).sign(string_to_sign(&message).as_bytes());
    message["SignatureVersion"] = json!("2");
    message["Signature"] =
        json!(base64::engine::general_purpose::STANDARD.encode(signature.to_bytes()));
    message
}

/// The real sample's SNS envelope around a CloudWatch alarm, sent now, in
/// `state`, not yet signed.
fn alarm_envelope(state: &str) -> Value {
    let sample: Value = serde_json::from_slice(&sample(
        "cloudwatch-sns/aws-lambda-rust-runtime/example-cloudwatch-alarm-sns-payload-single-metric.json",
    ))
    .expect("the sample is JSON");
    let mut envelope = sample["Records"][0]["Sns"].clone();
    if state != "ALARM" {
        let mut alarm: Value =
            serde_json::from_str(envelope["Message"].as_str().expect("Message")).expect("alarm");
        alarm["OldStateValue"] = json!("ALARM");
        alarm["NewStateValue"] = json!(state);
        envelope["Message"] = json!(alarm.to_string());
    }
    envelope["MessageId"] = json!(unique("msg-"));
    envelope["Timestamp"] = json!(rfc3339_from_now(0));
    envelope["SigningCertURL"] = json!(CERT_URL);
    envelope
}

/// AWS's documented body of `kind` (`Notification`, `SubscriptionConfirmation`,
/// `UnsubscribeConfirmation`), sent now, not yet signed.
fn documented(kind: &str) -> Value {
    let name = match kind {
        "Notification" => "sns-http_Notification_L155",
        "SubscriptionConfirmation" => "sns-http_SubscriptionConfirmation_L91",
        _ => "sns-http_UnsubscribeConfirmation_L225",
    };
    let mut message: Value =
        serde_json::from_slice(&sample(&format!("cloudwatch-sns/awsdocs_sns/{name}.body.json")))
            .expect("the sample is JSON");
    message["Timestamp"] = json!(rfc3339_from_now(0));
    message["SigningCertURL"] = json!(CERT_URL);
    message
}

/// POSTs an envelope as SNS does: text/plain, with the message type header.
fn post_sns(app: &App, key: &str, message: &Value) -> Reply {
    let body = serde_json::to_vec_pretty(message).expect("serialising");
    post_sns_bytes(app, key, body, message["Type"].as_str().unwrap_or_default())
}

fn post_sns_bytes(app: &App, key: &str, body: Vec<u8>, message_type: &str) -> Reply {
    app.post_raw(
        &format!("/hooks/sns/{key}"),
        body,
        &[
            ("content-type", "text/plain; charset=UTF-8"),
            ("x-amz-sns-message-type", message_type),
            ("user-agent", "Amazon Simple Notification Service Agent"),
        ],
    )
}

fn error_message(body: &Value) -> String {
    body["error"]["message"].as_str().unwrap_or_default().to_owned()
}

#[test]
fn a_cloudwatch_alarm_then_ok_through_sns_opens_and_resolves_one_incident() {
    let app = spawn_app(&sns_config(&[]));

    let alarm = sign(alarm_envelope("ALARM"));
    let answer =
        post_sns(&app, SNS_KEY, &alarm).expect_status(202, "the ALARM notification").json();
    assert_eq!(answer["events"], 1, "{answer}");
    let open = app.incidents("?status=open");
    assert_eq!(open.len(), 1, "{open:?}");
    let id = open[0]["id"].as_i64().expect("id");
    let detail = app.incident(id);
    let alerts = detail["alerts"].as_array().expect("alerts");
    assert_eq!(alerts.len(), 1, "{detail}");
    assert_eq!(alerts[0]["dedup_key"], ALARM_ARN);
    assert_eq!(alerts[0]["status"], "firing");
    assert_eq!(alerts[0]["severity"], "error");
    assert_eq!(alerts[0]["labels"]["alarm_name"], "EXAMPLE");
    assert_eq!(alerts[0]["labels"]["InstanceId"], "TestInstance");
    assert_eq!(alerts[0]["labels"]["metric_name"], "NetworkOut");

    let ok = sign(alarm_envelope("OK"));
    post_sns(&app, SNS_KEY, &ok).expect_status(202, "the OK notification");
    wait_until(Duration::from_secs(10), "the incident resolves", || {
        app.incidents("?status=open").is_empty()
    });
    let all = app.incidents("");
    assert_eq!(all.len(), 1, "one incident, opened and resolved: {all:?}");
    assert_eq!(all[0]["status"], "resolved");
    let detail = app.incident(id);
    assert_eq!(detail["alerts"][0]["status"], "resolved", "{detail}");
    let stats = app.stats();
    assert_eq!(
        (&stats["payloads"], &stats["events"], &stats["alerts"], &stats["incidents"]),
        (&json!(2), &json!(2), &json!(1), &json!(1)),
        "{stats}"
    );
    let metrics = app.metrics();
    assert_eq!(
        metric_value(&metrics, r#"watchfloor_events_accepted_total{kind="sns"}"#),
        Some(2.0),
        "{metrics}"
    );

    // What arrived exports as replay lines, and replays to the same outcome.
    let export = app.api_get("/api/v1/events/export?after=0").expect_status(200, "export").text();
    let kinds: Vec<String> = export
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .map(|line| line["kind"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(kinds, ["sns", "sns"], "{export}");
    let dir = tempfile::tempdir().expect("temporary directory");
    let events = dir.path().join("events.jsonl");
    std::fs::write(&events, &export).expect("writing the export");
    let config = app.config_path().expect("the server runs on a config file");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .arg("replay")
        .arg(&events)
        .arg("--config")
        .arg(&config)
        .output()
        .expect("running watchfloor replay");
    let replayed = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{replayed}{}", String::from_utf8_lossy(&output.stderr));
    let incidents: Vec<serde_json::Value> = replayed
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["type"] == "incident")
        .collect();
    assert_eq!(incidents.len(), 1, "{replayed}");
    assert_eq!(incidents[0]["status"], "resolved", "{replayed}");
}

#[test]
fn tampered_stale_misdirected_and_malformed_messages_are_refused_and_store_nothing() {
    let app = spawn_app(&sns_config(&[]));
    let certificate_host = Receiver::start(&[], 200);
    let before = app.stats();

    // A body changed after signing: the alarm turned OK, and a one-character edit.
    let signed = sign(alarm_envelope("ALARM"));
    let mut tampered = signed.clone();
    let text = tampered["Message"].as_str().expect("Message").replace("ALARM", "OK");
    tampered["Message"] = json!(text);
    let error = post_sns(&app, SNS_KEY, &tampered).expect_error(403, "a tampered Message");
    assert_eq!(error["error"]["code"], "signature_invalid", "{error}");
    assert!(error_message(&error).contains("signature does not match"), "{error}");
    let mut renamed = signed.clone();
    renamed["MessageId"] = json!(format!("{}x", renamed["MessageId"].as_str().unwrap_or("")));
    post_sns(&app, SNS_KEY, &renamed).expect_error(403, "a tampered MessageId");
    // The same edit on the raw bytes as sent.
    let body = serde_json::to_string_pretty(&signed)
        .expect("json")
        .replace("TestInstance", "TestInstancf");
    post_sns_bytes(&app, SNS_KEY, body.into_bytes(), "Notification")
        .expect_error(403, "a tampered body");

    // Signed correctly, but verified against a pinned certificate of another key.
    post_sns(&app, SNS_OTHER_CERT_KEY, &signed)
        .expect_error(403, "a message the pinned certificate did not sign");

    // Signature versions other than 1 and 2.
    let mut version = signed.clone();
    version["SignatureVersion"] = json!("3");
    let error = post_sns(&app, SNS_KEY, &version).expect_error(403, "SignatureVersion 3");
    assert!(error_message(&error).contains("SignatureVersion"), "{error}");

    // Signed two hours ago: refused as stale (possibly replayed).
    let mut old = alarm_envelope("ALARM");
    old["Timestamp"] = json!(rfc3339_from_now(-7200));
    let error = post_sns(&app, SNS_KEY, &sign(old)).expect_error(403, "a stale message");
    assert!(error_message(&error).contains("stale"), "{error}");

    // A SigningCertURL off SNS is refused before anything is fetched.
    for url in [
        certificate_host.url("/SimpleNotificationService-test.pem"),
        "https://sns.us-east-1.amazonaws.com.evil.example/SimpleNotificationService-test.pem"
            .to_owned(),
    ] {
        let mut misdirected = alarm_envelope("ALARM");
        misdirected["SigningCertURL"] = json!(url);
        let error = post_sns(&app, SNS_KEY, &sign(misdirected))
            .expect_error(403, "a SigningCertURL on a foreign host");
        assert!(error_message(&error).contains("not an Amazon SNS HTTPS URL"), "{error}");
    }
    assert!(
        certificate_host.requests().is_empty(),
        "no certificate was fetched from a foreign host"
    );

    // Raw message delivery on an integration that did not opt in.
    let alarm_text = signed["Message"].as_str().expect("Message").to_owned();
    let error = app
        .post_raw(
            &format!("/hooks/sns/{SNS_KEY}"),
            alarm_text.into_bytes(),
            &[("x-amz-sns-rawdelivery", "true"), ("x-amz-sns-message-type", "Notification")],
        )
        .expect_error(403, "raw delivery without raw_delivery: true");
    assert_eq!(error["error"]["code"], "raw_delivery_refused", "{error}");

    // Malformed: truncated, another format, a field of the wrong type, a header that disagrees.
    let full = serde_json::to_vec(&signed).expect("json");
    let error = post_sns_bytes(&app, SNS_KEY, full[..full.len() / 2].to_vec(), "Notification")
        .expect_error(400, "a truncated body");
    assert_eq!(error["error"]["code"], "invalid_json", "{error}");
    let eventbridge = sample(
        "eventbridge/aws-lambda-rust-runtime/example-codepipeline-execution-state-change-event.json",
    );
    let error = post_sns_bytes(&app, SNS_KEY, eventbridge, "Notification")
        .expect_error(400, "an EventBridge event");
    assert_eq!(error["error"]["code"], "wrong_payload_kind", "{error}");
    let mut wrong_type = signed.clone();
    wrong_type["MessageId"] = json!(5);
    let error = post_sns(&app, SNS_KEY, &wrong_type).expect_error(400, "a number as MessageId");
    assert!(error_message(&error).contains("MessageId"), "{error}");
    let body = serde_json::to_vec(&signed).expect("json");
    post_sns_bytes(&app, SNS_KEY, body, "SubscriptionConfirmation")
        .expect_error(400, "a header that disagrees with Type");

    // An unknown key, and an SNS key on another hook.
    post_sns(&app, "acme-sns-key-9999", &signed).expect_error(401, "an unknown key");
    app.post_raw(&format!("/hooks/generic/{SNS_KEY}"), b"{}".to_vec(), &[])
        .expect_error(401, "an SNS key on the generic hook");

    assert_eq!(app.stats(), before, "refused messages store nothing");
    let metrics = app.metrics();
    assert_eq!(
        metric_value(
            &metrics,
            r#"watchfloor_events_rejected_total{kind="sns",reason="signature_invalid"}"#
        ),
        Some(8.0),
        "{metrics}"
    );
}

#[test]
fn subscriptions_are_confirmed_only_on_listed_hosts_and_recorded() {
    let listed = Receiver::start(&[], 200);
    let foreign = Receiver::start(&[], 200);
    let listed_host = listed.url("").trim_start_matches("http://").to_owned();
    let app = spawn_app(&sns_config(&[listed_host]));
    let before = app.stats();

    // A listed loopback host: confirmed by a GET of SubscribeURL.
    let mut confirmation = documented("SubscriptionConfirmation");
    let subscribe_path = "/?Action=ConfirmSubscription&TopicArn=arn:aws:sns:us-west-2:123456789012:MyTopic&Token=2336412f37";
    confirmation["SubscribeURL"] = json!(listed.url(subscribe_path));
    let answer = post_sns(&app, SNS_KEY, &sign(confirmation))
        .expect_status(200, "a confirmation to a listed host")
        .json();
    assert_eq!(answer["status"], "confirmed", "{answer}");
    assert_eq!(answer["topic_arn"], TOPIC_ARN);
    let requests = listed.wait_for_requests(1, Duration::from_secs(10));
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method, "GET");
    assert_eq!(requests[0].path, subscribe_path);

    // A host that is neither SNS nor listed is never fetched.
    let mut elsewhere = documented("SubscriptionConfirmation");
    elsewhere["TopicArn"] = json!("arn:aws:sns:us-west-2:123456789012:OtherTopic");
    elsewhere["SubscribeURL"] = json!(foreign.url("/?Action=ConfirmSubscription&Token=x"));
    let error = post_sns(&app, SNS_KEY, &sign(elsewhere))
        .expect_error(403, "a confirmation to a foreign host");
    assert_eq!(error["error"]["code"], "subscribe_url_not_allowed", "{error}");
    assert!(error_message(&error).contains("confirm_hosts"), "{error}");
    // Nor is a forged confirmation's URL, even on a listed host.
    let mut forged = documented("SubscriptionConfirmation");
    forged["SubscribeURL"] = json!(listed.url("/?Action=ConfirmSubscription&Token=forged"));
    let mut forged = sign(forged);
    forged["Token"] = json!("another-token");
    post_sns(&app, SNS_KEY, &forged).expect_error(403, "a forged confirmation");

    // An UnsubscribeConfirmation is recorded and never re-subscribes.
    let mut unsubscribe = documented("UnsubscribeConfirmation");
    unsubscribe["SubscribeURL"] = json!(listed.url(subscribe_path));
    let answer = post_sns(&app, SNS_KEY, &sign(unsubscribe))
        .expect_status(200, "an unsubscribe confirmation")
        .json();
    assert_eq!(answer["status"], "unsubscribed", "{answer}");
    assert_eq!(answer["resubscribed"], false);
    std::thread::sleep(Duration::from_millis(300));
    assert_eq!(listed.requests().len(), 1, "the unsubscription was not undone");
    assert!(foreign.requests().is_empty(), "the foreign host was never contacted");

    // What happened is visible to the admin, newest first.
    app.get("/api/v1/sns/subscriptions").expect_error(401, "without the admin token");
    let listing = app
        .api_get("/api/v1/sns/subscriptions")
        .expect_status(200, "GET /api/v1/sns/subscriptions")
        .json();
    let history = listing["history"].as_array().expect("history");
    let statuses: Vec<&str> = history.iter().filter_map(|h| h["status"].as_str()).collect();
    assert_eq!(statuses, ["unsubscribed", "not_confirmed", "confirmed"], "{listing}");
    assert_eq!(history[2]["type"], "SubscriptionConfirmation");
    assert_eq!(history[2]["confirmed"], true);
    assert_eq!(history[2]["subscribe_host"], json!(listed.url("").trim_start_matches("http://")));
    assert_eq!(history[2]["signature_verified"], true);
    assert_eq!(history[0]["type"], "UnsubscribeConfirmation");
    let latest = listing["subscriptions"].as_array().expect("subscriptions");
    assert_eq!(latest.len(), 2, "one per topic: {listing}");
    assert_eq!(
        (&latest[0]["topic_arn"], &latest[0]["status"]),
        (&json!(TOPIC_ARN), &json!("unsubscribed"))
    );
    assert_eq!(latest[1]["status"], "not_confirmed");
    assert_eq!(latest[0]["tenant"], "acme");
    let other_tenant = app
        .api_get("/api/v1/sns/subscriptions?tenant=globex")
        .expect_status(200, "another tenant's subscriptions")
        .json();
    assert_eq!(other_tenant["history"], json!([]));
    let text = listing.to_string();
    assert!(
        !text.contains("2336412f37") && !text.contains("Token="),
        "no token is recorded: {text}"
    );

    let audit = app.api_get("/api/v1/audit").expect_status(200, "GET /api/v1/audit").json();
    assert_eq!(audit["chain_intact"], true, "{audit}");
    let actions: Vec<&str> = audit["entries"]
        .as_array()
        .expect("entries")
        .iter()
        .filter_map(|e| e["action"].as_str())
        .collect();
    assert_eq!(
        actions,
        [
            "sns.unsubscribe_confirmation",
            "sns.subscription_confirmation",
            "sns.subscription_confirmation"
        ]
    );
    let after = app.stats();
    assert_eq!((&after["events"], &after["payloads"]), (&before["events"], &before["payloads"]));
}

#[test]
fn unverified_and_raw_deliveries_need_the_integration_to_say_so() {
    let app = spawn_app(&sns_config(&[]));
    wait_until(Duration::from_secs(10), "the start-up warning about verification", || {
        app.stderr_text().contains("SNS signature verification is OFF")
    });
    let warning = app.stderr_text();
    assert!(!warning.contains(SNS_UNVERIFIED_KEY), "the key is never logged: {warning}");

    // An unsigned message (the sample's "EXAMPLE" signature).
    let unsigned = alarm_envelope("ALARM");
    post_sns(&app, SNS_KEY, &unsigned).expect_error(403, "unsigned, where verification is on");
    post_sns(&app, SNS_UNVERIFIED_KEY, &unsigned)
        .expect_status(202, "unsigned, where verification is off");

    // Raw message delivery: the bare alarm, with SNS's headers.
    let alarm = alarm_envelope("OK");
    let raw = alarm["Message"].as_str().expect("Message").as_bytes().to_vec();
    let headers = [
        ("x-amz-sns-rawdelivery", "true"),
        ("x-amz-sns-message-type", "Notification"),
        ("x-amz-sns-message-id", "22b80b92-fdea-4c2c-8f9d-bdfb0c7bf324"),
        ("x-amz-sns-topic-arn", TOPIC_ARN),
    ];
    app.post_raw(&format!("/hooks/sns/{SNS_KEY}"), raw.clone(), &headers)
        .expect_error(403, "raw delivery where it is not allowed");
    let answer = app
        .post_raw(&format!("/hooks/sns/{SNS_RAW_KEY}"), raw, &headers)
        .expect_status(202, "raw delivery where it is allowed")
        .json();
    assert_eq!(answer["events"], 1, "{answer}");
    wait_until(Duration::from_secs(10), "the raw OK resolves the alarm's incident", || {
        app.incidents("?status=open").is_empty()
    });
    let all = app.incidents("");
    assert_eq!(all.len(), 1, "{all:?}");
    assert_eq!(all[0]["status"], "resolved");
}

#[test]
fn bad_pinned_certificates_are_refused_before_serving() {
    let dir = tempfile::tempdir().expect("a temp dir");
    let not_a_certificate = dir.path().join("garbage.pem");
    std::fs::write(
        &not_a_certificate,
        "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n",
    )
    .expect("writing");
    let config_with = |certificate: &str| {
        let mut yaml = config_yaml(&[], None);
        yaml.push_str(&format!(
            "  - {{key: {SNS_KEY}, tenant: acme, service: acme-vpn, kind: sns,\n      \
             sns: {{pinned_certificates: [{certificate}]}}}}\n"
        ));
        yaml
    };
    let watchfloor = |args: &[&std::ffi::OsStr]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_watchfloor"))
            .args(args)
            .env_remove("WATCHFLOOR_CONFIG")
            .env_remove("WATCHFLOOR_DATA")
            .env_remove("WATCHFLOOR_DATABASE_URL")
            .env("WATCHFLOOR_ADMIN_TOKEN", "bb-admin-token-5f0c1a9e7d3b")
            .output()
            .expect("running watchfloor")
    };

    // A missing file: `watchfloor check` names the line and field (relative to the config file).
    let missing = dir.path().join("missing.yaml");
    std::fs::write(&missing, config_with("certs/missing.pem")).expect("writing");
    let checked = watchfloor(&["check".as_ref(), missing.as_os_str()]);
    let stderr = String::from_utf8_lossy(&checked.stderr);
    assert!(!checked.status.success(), "{stderr}");
    // The certificate list is on the second line of the appended integration.
    let line = config_yaml(&[], None).lines().count() + 2;
    assert!(
        stderr.contains(&format!("missing.yaml:{line}:"))
            && stderr.contains("integrations[3].sns.pinned_certificates[0]")
            && stderr.contains("cannot read the file"),
        "{stderr}"
    );

    // A PEM block that is no certificate: `serve` refuses to start, naming it.
    let garbage = dir.path().join("garbage.yaml");
    std::fs::write(&garbage, config_with("garbage.pem")).expect("writing");
    let data = dir.path().join("data");
    let served = watchfloor(&[
        "serve".as_ref(),
        "--config".as_ref(),
        garbage.as_os_str(),
        "--data".as_ref(),
        data.as_os_str(),
        "--listen".as_ref(),
        "127.0.0.1:0".as_ref(),
    ]);
    let stderr = String::from_utf8_lossy(&served.stderr);
    assert!(!served.status.success(), "{stderr}");
    assert!(stderr.contains("pinned certificate") && stderr.contains("garbage.pem"), "{stderr}");
}
