//! `watchfloor silence add|list|expire`: silences on a running server, through its API.

use anyhow::{Context as _, bail};
use serde_json::{Value, json};

#[derive(Debug, clap::Args)]
pub struct SilenceArgs {
    /// The running server.
    #[arg(long, default_value = "http://127.0.0.1:8080", env = "WATCHFLOOR_URL", global = true)]
    server: String,
    /// The admin token (the one the server was started with).
    #[arg(long, env = "WATCHFLOOR_ADMIN_TOKEN", hide_env_values = true, global = true)]
    token: Option<String>,
    /// Print the API's JSON instead of lines for people.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: SilenceCommand,
}

#[derive(Debug, clap::Subcommand)]
enum SilenceCommand {
    /// Silence a tenant's alerts matching every MATCHER (`site=fra`, `alertname=~"Vpn.*"`).
    Add {
        #[arg(long)]
        tenant: String,
        /// How long, e.g. `2h` (or give --ends-at).
        #[arg(long, conflicts_with = "ends_at")]
        duration: Option<String>,
        /// RFC 3339; default now.
        #[arg(long)]
        starts_at: Option<String>,
        /// RFC 3339.
        #[arg(long)]
        ends_at: Option<String>,
        /// Who is silencing (default: $USER).
        #[arg(long, env = "USER")]
        author: String,
        /// Why: whoever is on call next will read it.
        #[arg(long)]
        comment: String,
        #[arg(required = true)]
        matchers: Vec<String>,
    },
    /// List silences: active and pending by default.
    List {
        /// active, pending, expired or all.
        #[arg(long)]
        state: Option<String>,
    },
    /// End a silence now.
    Expire { id: i64 },
}

pub fn run(args: SilenceArgs) -> anyhow::Result<()> {
    let token = args.token.context("the admin token is needed: set WATCHFLOOR_ADMIN_TOKEN")?;
    let base = args.server.trim_end_matches('/');
    let client = reqwest::blocking::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .context("building the HTTP client")?;
    let request = match args.command {
        SilenceCommand::Add { tenant, duration, starts_at, ends_at, author, comment, matchers } => {
            if duration.is_none() && ends_at.is_none() {
                bail!("give --duration or --ends-at");
            }
            let body = json!({
                "tenant": tenant,
                "matchers": matchers,
                "starts_at": starts_at,
                "ends_at": ends_at,
                "duration": duration,
                "created_by": author,
                "comment": comment,
            });
            client.post(format!("{base}/api/v1/silences")).json(&body)
        }
        SilenceCommand::List { state } => {
            let mut request = client.get(format!("{base}/api/v1/silences"));
            if let Some(state) = state {
                request = request.query(&[("state", state)]);
            }
            request
        }
        SilenceCommand::Expire { id } => client.delete(format!("{base}/api/v1/silences/{id}")),
    };
    let response = request.bearer_auth(token).send().with_context(|| format!("reaching {base}"))?;
    let status = response.status();
    let body: Value = response.json().context("reading the server's answer")?;
    if !status.is_success() {
        let message = body.get("error").and_then(|e| e.get("message")).and_then(Value::as_str);
        bail!("{status}: {}", message.map_or_else(|| body.to_string(), str::to_owned));
    }
    if args.json {
        println!("{body}");
        return Ok(());
    }
    match body.get("silences").and_then(Value::as_array) {
        Some(list) if list.is_empty() => println!("no silences"),
        Some(list) => list.iter().for_each(|s| println!("{}", line(s))),
        None => println!("{}", line(&body)),
    }
    Ok(())
}

/// `#3 active acme site="fra" until 2026-11-22T12:00:00Z by ada: VPN upgrade`
fn line(silence: &Value) -> String {
    let text = |name: &str| silence.get(name).and_then(Value::as_str).unwrap_or("");
    let matchers: Vec<&str> = silence
        .get("matchers")
        .and_then(Value::as_array)
        .map(|list| list.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let until = if text("expired_at").is_empty() { text("ends_at") } else { text("expired_at") };
    format!(
        "#{} {} {} {} from {} until {} by {}: {}",
        silence.get("id").and_then(Value::as_i64).unwrap_or(0),
        text("state"),
        text("tenant"),
        matchers.join(" "),
        text("starts_at"),
        until,
        text("created_by"),
        text("comment"),
    )
}
