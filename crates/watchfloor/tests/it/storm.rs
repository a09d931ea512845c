//! The alert-storm acceptance test: `watchfloor replay` over ten thousand seeded events, graded against the ground truth of the real problems in them.
//!
//! The storm is made here, from a fixed seed: ten minutes of wire traffic in
//! all four replayable formats. Most of it is background noise — heartbeats,
//! routine info events, warnings re-sent again and again, some of them
//! flapping. Hidden in it are six real problems, each with a known set of
//! events: story 2's VPN chain at a platinum multinational, a bronze dental
//! practice's printer and Wi-Fi at the same moment, a Kubernetes cluster
//! losing nodes, an expired certificate failing probes from five regions, an
//! order pipeline paging through PagerDuty, and failing backups in a bank's DR
//! site. The branch offices behind the multinational's dead tunnels also
//! complain; those alerts are explained by the tunnels and must not page
//! (inhibition), so they are graded on that and left out of the grouping
//! figures.
//!
//! Grouping is graded pairwise over the events of real problems: precision is
//! the share of same-incident pairs that are same-problem pairs, recall the
//! share of same-problem pairs that landed in one incident.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt::Write as _;
use std::path::Path;
use std::process::{Command, Stdio};

use serde_json::{Value, json};

const SEED: u64 = 0x5eed_2026_1121_0002;
const EVENT_TOTAL: usize = 10_000;
const SPAN_MS: u64 = 600_000;
/// The storm starts at 2026-11-21T10:00:00Z.
const START_HOUR: u64 = 10;
const DAY: &str = "2026-11-21";
const GO_ZERO_TIME: &str = "0001-01-01T00:00:00Z";

/// SplitMix64: small, fast, and the same on every machine.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: u64) -> u64 {
        self.next() % bound.max(1)
    }

    fn between(&mut self, low: u64, high: u64) -> u64 {
        low + self.below(high - low + 1)
    }

    fn percent(&mut self, chance: u64) -> bool {
        self.below(100) < chance
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }
}

// ----- the model ----------------------------------------------------------------

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    AlertmanagerWebhook,
    AlertmanagerApi,
    PagerDuty,
    Generic,
}

impl Kind {
    /// The replay line's `kind`.
    fn wire(self) -> &'static str {
        match self {
            Self::AlertmanagerWebhook => "alertmanager",
            Self::AlertmanagerApi => "alertmanager-api",
            Self::PagerDuty => "pagerduty",
            Self::Generic => "generic",
        }
    }

    /// The integration kind in the config.
    fn integration(self) -> &'static str {
        match self {
            Self::AlertmanagerWebhook | Self::AlertmanagerApi => "alertmanager",
            Self::PagerDuty => "pagerduty",
            Self::Generic => "generic",
        }
    }
}

/// What an event is, in the ground truth.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
enum Role {
    Noise,
    /// Part of real problem N (an index into [`PROBLEMS`]).
    Problem(usize),
    /// A consequence elsewhere that an inhibition rule explains: seen, never paged.
    Symptom,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Action {
    Trigger,
    Resolve,
}

/// The real problems, in the order their streams are made.
const PROBLEMS: [&str; 6] = [
    "globex: VPN config change → tunnels flapping → remote users dropped → SAP ERP down",
    "corner-dental: office switch failing → printer offline, Wi-Fi down",
    "initech: Kubernetes cluster prod-eu losing nodes, checkout pods crash-looping",
    "hooli: expired certificate, HTTPS probes failing from five regions",
    "vandelay: order pipeline failing (PagerDuty)",
    "umbrella: backups to the DR vault failing",
];
const GLOBEX_VPN: usize = 0;
const CORNER_DENTAL: usize = 1;

struct Service {
    id: String,
    name: String,
    criticality: &'static str,
    environment: &'static str,
    /// A YAML list overriding the global `group_by`.
    group_by: Option<&'static str>,
    /// Background noise is sent to it.
    noise: bool,
}

struct Tenant {
    id: String,
    name: String,
    tier: &'static str,
    services: Vec<Service>,
}

fn service(
    id: &str,
    name: &str,
    criticality: &'static str,
    environment: &'static str,
    group_by: Option<&'static str>,
    noise: bool,
) -> Service {
    Service { id: id.to_owned(), name: name.to_owned(), criticality, environment, group_by, noise }
}

/// The integration key of a service for a kind of source.
fn key(service: &str, kind: Kind) -> String {
    let suffix = match kind.integration() {
        "alertmanager" => "am",
        "pagerduty" => "pd",
        _ => "gen",
    };
    format!("{service}-{suffix}-key-7f3a")
}

/// One alert as its source sends it, again and again; or, when `unique`,
/// a source of one-off events that each get their own identity.
struct Source {
    tenant: String,
    service: String,
    kind: Kind,
    identity: String,
    /// For Alertmanager, including `severity`; for the others, without.
    labels: BTreeMap<String, String>,
    severity: &'static str,
    summary: String,
    role: Role,
    unique: bool,
}

impl Source {
    /// `at` is the tenant and service the source reports to.
    fn new(
        (tenant, service): (&str, &str),
        kind: Kind,
        identity: &str,
        labels: &[(&str, &str)],
        severity: &'static str,
        summary: &str,
        role: Role,
    ) -> Self {
        let mut labels: BTreeMap<String, String> =
            labels.iter().map(|(k, v)| ((*k).to_owned(), (*v).to_owned())).collect();
        if matches!(kind, Kind::AlertmanagerWebhook | Kind::AlertmanagerApi) {
            labels.entry("severity".to_owned()).or_insert_with(|| severity.to_owned());
        }
        Self {
            tenant: tenant.to_owned(),
            service: service.to_owned(),
            kind,
            identity: identity.to_owned(),
            labels,
            severity,
            summary: summary.to_owned(),
            role,
            unique: false,
        }
    }
}

/// A source and when it sends what.
struct Stream {
    source: Source,
    schedule: Vec<(u64, Action)>,
}

/// Triggers from `start` every `period` until before `end`.
fn every(start: u64, end: u64, period: u64) -> Vec<(u64, Action)> {
    (0..)
        .map(|n| start + n * period)
        .take_while(|at| *at < end)
        .map(|at| (at, Action::Trigger))
        .collect()
}

fn then_resolve(mut schedule: Vec<(u64, Action)>, at: u64) -> Vec<(u64, Action)> {
    schedule.push((at, Action::Resolve));
    schedule
}

/// Down and up in turns from `start` until `end`: a flapping tunnel.
fn flapping(rng: &mut Rng, start: u64, end: u64) -> Vec<(u64, Action)> {
    let mut schedule = Vec::new();
    let mut at = start;
    while at < end {
        schedule.push((at, Action::Trigger));
        at += rng.between(20_000, 40_000);
        if at >= end {
            break;
        }
        schedule.push((at, Action::Resolve));
        at += rng.between(15_000, 30_000);
    }
    schedule
}

// ----- tenants ---------------------------------------------------------------------

const TIERS: [&str; 4] = ["platinum", "gold", "silver", "bronze"];
const ADJECTIVES: [&str; 11] = [
    "blue", "red", "swift", "iron", "north", "bright", "quiet", "rapid", "green", "solar", "amber",
];
const NOUNS: [&str; 8] = ["harbor", "peak", "forge", "lane", "field", "works", "labs", "systems"];
/// Kinds of service a generated tenant may run: (suffix, name, criticality, environment).
const SERVICE_TEMPLATES: [(&str, &str, &str, &str); 7] = [
    ("web", "Web shop", "high", "production"),
    ("db", "Databases", "critical", "production"),
    ("batch", "Batch jobs", "medium", "production"),
    ("stage", "Staging cluster", "medium", "stage"),
    ("dev", "Development cluster", "low", "devtest"),
    ("dr", "Disaster recovery", "high", "dr"),
    ("office", "Office IT", "low", "production"),
];

fn tenants(rng: &mut Rng) -> Vec<Tenant> {
    let mut tenants = vec![
        Tenant {
            id: "globex".into(),
            name: "Globex Corporation".into(),
            tier: "platinum",
            services: vec![
                // One corporate network: whatever breaks in it is one incident.
                service(
                    "globex-core",
                    "Corporate network and SAP ERP",
                    "critical",
                    "production",
                    Some("[]"),
                    false,
                ),
                // One incident per branch office.
                service(
                    "globex-branch",
                    "Branch office systems",
                    "medium",
                    "production",
                    Some("[site]"),
                    false,
                ),
                service("globex-web", "Public websites", "high", "production", None, true),
                service("globex-dev", "Development cluster", "low", "devtest", None, true),
            ],
        },
        Tenant {
            id: "corner-dental".into(),
            name: "Corner Dental Practice".into(),
            tier: "bronze",
            services: vec![
                // A small office: whatever breaks in it is one incident.
                service(
                    "corner-dental-office",
                    "Office network and printer",
                    "low",
                    "production",
                    Some("[]"),
                    false,
                ),
                service("corner-dental-web", "Booking website", "medium", "production", None, true),
            ],
        },
        Tenant {
            id: "initech".into(),
            name: "Initech Retail".into(),
            tier: "gold",
            services: vec![
                // One incident per cluster.
                service(
                    "initech-k8s",
                    "Kubernetes clusters",
                    "high",
                    "production",
                    Some("[cluster]"),
                    true,
                ),
                service("initech-shop", "Web shop", "critical", "production", None, true),
            ],
        },
        Tenant {
            id: "hooli".into(),
            name: "Hooli SaaS".into(),
            tier: "silver",
            services: vec![
                service("hooli-api", "Public API", "high", "production", None, true),
                service("hooli-stage", "Staging", "medium", "stage", None, true),
            ],
        },
        Tenant {
            id: "vandelay".into(),
            name: "Vandelay Logistics".into(),
            tier: "gold",
            services: vec![
                service("vandelay-orders", "Order pipeline", "critical", "production", None, false),
                service("vandelay-reporting", "Reporting", "low", "production", None, true),
            ],
        },
        Tenant {
            id: "umbrella".into(),
            name: "Umbrella Bank".into(),
            tier: "platinum",
            services: vec![
                service("umbrella-core", "Core banking", "critical", "production", None, true),
                service("umbrella-dr", "Disaster recovery site", "high", "dr", None, true),
            ],
        },
    ];
    let mut names = ADJECTIVES.iter().flat_map(|a| NOUNS.iter().map(move |n| (*a, *n)));
    while tenants.len() < 50 {
        let (adjective, noun) = names.next().expect("enough tenant names");
        let id = format!("{adjective}-{noun}");
        let roll = rng.below(100);
        let tier = match roll {
            0..=7 => TIERS[0],
            8..=29 => TIERS[1],
            30..=59 => TIERS[2],
            _ => TIERS[3],
        };
        let count = rng.between(2, 3) as usize;
        let mut chosen = BTreeSet::new();
        while chosen.len() < count {
            chosen.insert(rng.below(SERVICE_TEMPLATES.len() as u64) as usize);
        }
        let services = chosen
            .into_iter()
            .map(|i| {
                let (suffix, name, criticality, environment) = SERVICE_TEMPLATES[i];
                service(&format!("{id}-{suffix}"), name, criticality, environment, None, true)
            })
            .collect();
        let name = format!(
            "{}{} {}{}",
            &adjective[..1].to_uppercase(),
            &adjective[1..],
            &noun[..1].to_uppercase(),
            &noun[1..]
        );
        tenants.push(Tenant { id, name, tier, services });
    }
    tenants
}

fn config_yaml(tenants: &[Tenant]) -> String {
    let mut yaml = String::from(
        "public_url: http://127.0.0.1:8080
grouping:
  group_by: [alertname]
  group_wait: 30s
  auto_resolve: true
  flapping: {changes: 4, window: 10m}
notify:
  - {id: noc, kind: webhook, url: \"http://127.0.0.1:9/noc\"}
rules:
  events:
    # Alertmanager's always-firing heartbeat says the pipeline works; it is not an alert.
    - id: drop-heartbeats
      when: 'has(event.labels.alertname) && event.labels.alertname == \"Watchdog\"'
      drop: true
    # Backups done, deployments finished, instances launched: routine, not incidents.
    - id: drop-routine-info
      when: >-
        event.severity == \"info\" && has(event.labels.category)
        && event.labels.category == \"routine\"
      drop: true
inhibit:
  # A dead tunnel explains what its branch office says about reaching head office.
  - id: tunnel-down-explains-branch
    source: ['alertname=VpnTunnelDown']
    target: ['alertname=~Branch.*']
    equal: [site]
tenants:
",
    );
    for tenant in tenants {
        let _ = writeln!(
            yaml,
            "  - {{id: {}, name: \"{}\", tier: {}, notify: [noc]}}",
            tenant.id, tenant.name, tenant.tier
        );
    }
    yaml.push_str("services:\n");
    for tenant in tenants {
        for service in &tenant.services {
            let group_by = service.group_by.map(|g| format!(", group_by: {g}")).unwrap_or_default();
            let _ = writeln!(
                yaml,
                "  - {{id: {}, tenant: {}, name: \"{}\", criticality: {}, environment: {}{}}}",
                service.id,
                tenant.id,
                service.name,
                service.criticality,
                service.environment,
                group_by
            );
        }
    }
    yaml.push_str("integrations:\n");
    for tenant in tenants {
        for service in &tenant.services {
            for kind in [Kind::AlertmanagerWebhook, Kind::PagerDuty, Kind::Generic] {
                let _ = writeln!(
                    yaml,
                    "  - {{key: {}, tenant: {}, service: {}, kind: {}}}",
                    key(&service.id, kind),
                    tenant.id,
                    service.id,
                    kind.integration()
                );
            }
        }
    }
    yaml
}

// ----- the real problems ---------------------------------------------------------------

fn problem_streams(rng: &mut Rng) -> Vec<Stream> {
    let mut streams = Vec::new();
    let mut add = |source: Source, schedule: Vec<(u64, Action)>| {
        streams.push(Stream { source, schedule });
    };
    let end = SPAN_MS - 5_000;

    // Story 2 at Globex: an informational change is the first domino.
    let p = Role::Problem(GLOBEX_VPN);
    add(
        Source::new(
            ("globex", "globex-core"),
            Kind::Generic,
            "change-fra-hub-1-fw-9.1.3",
            &[("alertname", "VpnConfigChanged"), ("category", "change"), ("device", "fra-hub-1")],
            "info",
            "VPN configuration changed on fra-hub-1: firmware 9.1.3 pushed by netops-automation",
            p,
        ),
        vec![(120_000, Action::Trigger)],
    );
    for (i, site) in ["nyc", "syd", "jnb", "sgp", "sao"].into_iter().enumerate() {
        let tunnel = format!("fra-hub-1--{site}");
        let summary = format!("IPsec tunnel fra-hub-1 to {site} down");
        let source = Source::new(
            ("globex", "globex-core"),
            Kind::AlertmanagerWebhook,
            &format!("tunnel-{site}"),
            &[
                ("alertname", "VpnTunnelDown"),
                ("site", site),
                ("tunnel", &tunnel),
                ("instance", "fra-hub-1"),
            ],
            "error",
            &summary,
            p,
        );
        let start = 150_000 + i as u64 * 6_000;
        // Three sites flap; two stay down, and their branch offices notice.
        let schedule = if i < 3 { flapping(rng, start, end) } else { every(start, end, 30_000) };
        add(source, schedule);
    }
    add(
        Source::new(
            ("globex", "globex-core"),
            Kind::AlertmanagerApi,
            "remote-users",
            &[
                ("alertname", "RemoteUsersDropped"),
                ("gateway", "fra-ra-1"),
                ("users_affected", "2400"),
            ],
            "error",
            "2400 remote-access VPN users disconnected from fra-ra-1",
            p,
        ),
        every(240_000, end, 60_000),
    );
    add(
        Source::new(
            ("globex", "globex-core"),
            Kind::PagerDuty,
            "sap-erp-frankfurt-availability",
            &[],
            "critical",
            "SAP ERP (Frankfurt) unavailable: 0 of 4 dialog instances reachable",
            p,
        ),
        every(300_000, end, 60_000),
    );
    for (i, site) in ["sgp", "sao"].into_iter().enumerate() {
        add(
            Source::new(
                ("globex", "globex-branch"),
                Kind::AlertmanagerWebhook,
                &format!("branch-sync-{site}"),
                &[
                    ("alertname", "BranchFileSyncStalled"),
                    ("site", site),
                    ("instance", &format!("fs-{site}")),
                ],
                "warning",
                &format!("File sync from the {site} branch to head office stalled"),
                Role::Symptom,
            ),
            every(200_000 + i as u64 * 5_000, end, 60_000),
        );
    }

    // At the same moment a small dental practice loses its office switch.
    let p = Role::Problem(CORNER_DENTAL);
    let office = [
        (
            "office-switch",
            "SwitchPortErrors",
            "warning",
            150_000,
            "Office switch sw-1: CRC errors on ports 4 and 7",
            495_000,
        ),
        (
            "printer-reception",
            "PrinterOffline",
            "warning",
            170_000,
            "Reception printer (HP LaserJet) offline",
            480_000,
        ),
        (
            "wifi-ap-1",
            "WifiApDown",
            "error",
            185_000,
            "Wi-Fi access point ap-1 (waiting room) down",
            485_000,
        ),
        (
            "wifi-ap-2",
            "WifiApDown",
            "error",
            190_000,
            "Wi-Fi access point ap-2 (surgery) down",
            490_000,
        ),
    ];
    for (identity, alertname, severity, start, summary, fixed) in office {
        add(
            Source::new(
                ("corner-dental", "corner-dental-office"),
                Kind::Generic,
                identity,
                &[("alertname", alertname), ("device", identity)],
                severity,
                summary,
                p,
            ),
            then_resolve(every(start, fixed, 60_000), fixed),
        );
    }

    // A gold retailer's production cluster loses three nodes.
    let p = Role::Problem(2);
    for (i, node) in ["node-a", "node-b", "node-c"].into_iter().enumerate() {
        let start = 240_000 + i as u64 * 3_000;
        add(
            Source::new(
                ("initech", "initech-k8s"),
                Kind::AlertmanagerApi,
                &format!("not-ready-{node}"),
                &[("alertname", "KubeNodeNotReady"), ("cluster", "prod-eu"), ("node", node)],
                "error",
                &format!("Node {node} in prod-eu is NotReady"),
                p,
            ),
            then_resolve(every(start, 420_000, 60_000), 420_000 + i as u64 * 3_000),
        );
    }
    for n in 1..=4u64 {
        let pod = format!("checkout-7d9f-{n}");
        add(
            Source::new(
                ("initech", "initech-k8s"),
                Kind::AlertmanagerApi,
                &format!("crashloop-{pod}"),
                &[
                    ("alertname", "KubePodCrashLooping"),
                    ("cluster", "prod-eu"),
                    ("pod", &pod),
                    ("namespace", "shop"),
                ],
                "warning",
                &format!("Pod shop/{pod} is crash-looping"),
                p,
            ),
            then_resolve(every(250_000 + n * 2_000, 430_000, 60_000), 430_000 + n * 1_000),
        );
    }
    add(
        Source::new(
            ("initech", "initech-k8s"),
            Kind::AlertmanagerApi,
            "replicas-checkout",
            &[
                ("alertname", "KubeDeploymentReplicasMismatch"),
                ("cluster", "prod-eu"),
                ("deployment", "checkout"),
            ],
            "warning",
            "Deployment shop/checkout has 2 of 8 replicas available",
            p,
        ),
        then_resolve(every(260_000, 440_000, 60_000), 440_000),
    );

    // A silver SaaS lets its certificate expire.
    let p = Role::Problem(3);
    for (i, region) in
        ["eu-west-1", "us-east-1", "ap-south-1", "sa-east-1", "af-south-1"].into_iter().enumerate()
    {
        let start = 300_000 + i as u64 * 4_000;
        add(
            Source::new(
                ("hooli", "hooli-api"),
                Kind::AlertmanagerWebhook,
                &format!("probe-{region}"),
                &[
                    ("alertname", "ProbeFailed"),
                    ("instance", "https://api.hooli.example/health"),
                    ("probe_region", region),
                    ("job", "blackbox"),
                ],
                "critical",
                &format!("HTTPS probe from {region} failed: certificate has expired"),
                p,
            ),
            then_resolve(every(start, 540_000, 30_000), 550_000 + i as u64 * 2_000),
        );
    }

    // A gold logistics company's order pipeline pages through PagerDuty.
    let p = Role::Problem(4);
    let monitors = [
        (
            "dd-monitor-1101",
            "error",
            200_000,
            "orders-api: 5xx rate 7.2% on POST /orders",
            "orders-api",
        ),
        (
            "dd-monitor-1102",
            "warning",
            210_000,
            "orders-api: p99 latency 4.1 s on GET /orders/{id}",
            "orders-api",
        ),
        (
            "dd-monitor-1103",
            "critical",
            215_000,
            "payment-gateway: timeout rate 12%",
            "payment-gateway",
        ),
        (
            "dd-monitor-1104",
            "error",
            230_000,
            "queue orders-fulfilment: 18k messages backlog",
            "orders-fulfilment",
        ),
    ];
    for (i, (identity, severity, start, summary, component)) in monitors.into_iter().enumerate() {
        let source = Source::new(
            ("vandelay", "vandelay-orders"),
            Kind::PagerDuty,
            identity,
            &[("component", component), ("group", "orders"), ("class", "http")],
            severity,
            summary,
            p,
        );
        add(source, then_resolve(every(start, 520_000, 45_000), 530_000 + i as u64 * 4_000));
    }

    // A platinum bank's backups to the DR vault fail one database after another.
    let p = Role::Problem(5);
    for n in 1..=12u64 {
        let database = format!("db-{n:02}");
        add(
            Source::new(
                ("umbrella", "umbrella-dr"),
                Kind::Generic,
                &format!("backup-{database}"),
                &[("alertname", "BackupFailed"), ("database", &database), ("site", "dr-ams")],
                "error",
                &format!("Backup of {database} to the DR vault failed: snapshot quota exceeded"),
                p,
            ),
            every(60_000 + n * 15_000, end, 120_000),
        );
    }
    streams
}

// ----- the noise -------------------------------------------------------------------------

const NOISE_ALERTS: [(&str, &str); 10] = [
    ("HighCpuUsage", "CPU above 85% for 10 minutes"),
    ("DiskSpaceLow", "Disk 82% full"),
    ("MemoryPressure", "Memory above 90%"),
    ("CertificateExpiresSoon", "TLS certificate expires in 21 days"),
    ("PodRestartsHigh", "Pod restarted 4 times in an hour"),
    ("HighRequestLatency", "p95 latency above 800 ms"),
    ("NtpClockSkew", "Clock skew of 180 ms"),
    ("InodeUsageHigh", "Inodes 85% used"),
    ("QueueDepthHigh", "Queue depth above 5000"),
    ("SlowQueries", "12 queries slower than 2 s in 5 minutes"),
];
const ROUTINE: [(&str, &str); 4] = [
    ("BackupCompleted", "Nightly backup completed"),
    ("DeploymentFinished", "Deployment finished"),
    ("ScaleOutCompleted", "Auto Scaling launched an instance"),
    ("ConfigSynced", "Configuration synced"),
];

/// Noise sources with a weight each: how many events each sends is its share
/// of what the problems leave of the total.
fn noise_sources(rng: &mut Rng, tenants: &[Tenant]) -> Vec<(Source, u64, bool)> {
    let mut sources = Vec::new();
    for tenant in tenants {
        let noisy: Vec<&Service> = tenant.services.iter().filter(|s| s.noise).collect();
        let Some(first) = noisy.first() else { continue };
        let kind = if rng.percent(50) { Kind::AlertmanagerWebhook } else { Kind::AlertmanagerApi };
        let prometheus = format!("{}/prometheus", tenant.id);
        let watchdog = Source::new(
            (&tenant.id, &first.id),
            kind,
            "watchdog",
            &[("alertname", "Watchdog"), ("prometheus", &prometheus)],
            "none",
            "Watchdog: the alerting pipeline is alive",
            Role::Noise,
        );
        sources.push((watchdog, 20, false));
        for service in noisy {
            let (alertname, summary) = *rng.pick(&ROUTINE);
            let mut routine = Source::new(
                (&tenant.id, &service.id),
                Kind::Generic,
                &format!("routine-{}", service.id),
                &[("alertname", alertname), ("category", "routine")],
                "info",
                &format!("{summary} ({})", service.id),
                Role::Noise,
            );
            routine.unique = true;
            sources.push((routine, 8, false));
            for n in 0..rng.between(1, 3) {
                let (alertname, summary) = *rng.pick(&NOISE_ALERTS);
                let host = format!(
                    "{}-{}{}",
                    service.id,
                    rng.pick(&["app", "db", "worker", "cache"]),
                    n + 1
                );
                let kind = *rng.pick(&[
                    Kind::AlertmanagerWebhook,
                    Kind::AlertmanagerApi,
                    Kind::AlertmanagerWebhook,
                    Kind::PagerDuty,
                    Kind::Generic,
                ]);
                let cluster = if service.id == "initech-k8s" {
                    *rng.pick(&["prod-us", "stage-eu"])
                } else {
                    "main"
                };
                let summary = format!("{summary} on {host}");
                let source = Source::new(
                    (&tenant.id, &service.id),
                    kind,
                    &format!("{}-{alertname}-{host}", service.id),
                    &[("alertname", alertname), ("instance", &host), ("cluster", cluster)],
                    "warning",
                    &summary,
                    Role::Noise,
                );
                // A quarter of them flap: firing and resolving by turns.
                sources.push((source, 25, rng.percent(25)));
            }
        }
    }
    sources
}

fn noise_streams(rng: &mut Rng, tenants: &[Tenant], count: usize) -> Vec<Stream> {
    let sources = noise_sources(rng, tenants);
    let weight: u64 = sources.iter().map(|(_, w, _)| w).sum();
    let mut counts: Vec<u64> = sources.iter().map(|(_, w, _)| w * count as u64 / weight).collect();
    let missing = count as u64 - counts.iter().sum::<u64>();
    let streams = counts.len() as u64;
    for extra in 0..missing {
        counts[(extra % streams) as usize] += 1;
    }
    sources
        .into_iter()
        .zip(counts)
        .map(|((source, _, flaps), n)| {
            let spacing = SPAN_MS / n.max(1);
            let phase = rng.below(spacing);
            let schedule = (0..n)
                .map(|j| {
                    let jitter = rng.below(spacing / 2);
                    let at = (phase + j * spacing + jitter).min(SPAN_MS - 1);
                    let action =
                        if flaps && j % 2 == 1 { Action::Resolve } else { Action::Trigger };
                    (at, action)
                })
                .collect();
            Stream { source, schedule }
        })
        .collect()
}

// ----- the wire ----------------------------------------------------------------------------

/// `2026-11-21T10:02:00.123Z` for `ms` after the start.
fn timestamp(ms: u64) -> String {
    let total = START_HOUR * 3_600_000 + ms;
    let (hours, minutes) = (total / 3_600_000, total / 60_000 % 60);
    let (seconds, millis) = (total / 1000 % 60, total % 1000);
    format!("{DAY}T{hours:02}:{minutes:02}:{seconds:02}.{millis:03}Z")
}

/// Milliseconds after the start of a time the replay printed.
fn millis_after_start(text: &str) -> u64 {
    let time = text
        .strip_prefix(DAY)
        .and_then(|t| t.strip_prefix('T'))
        .and_then(|t| t.strip_suffix('Z'))
        .unwrap_or_else(|| panic!("unexpected time {text:?}"));
    let (clock, fraction) = time.split_once('.').unwrap_or((time, ""));
    let parts: Vec<u64> = clock.split(':').map(|p| p.parse().expect("a clock number")).collect();
    let mut millis = format!("{fraction:0<3}");
    millis.truncate(3);
    let millis: u64 = millis.parse().expect("fraction digits");
    ((parts[0] * 60 + parts[1]) * 60 + parts[2]) * 1000 + millis - START_HOUR * 3_600_000
}

/// FNV-1a 64 of `text`, as Alertmanager writes fingerprints.
fn fingerprint(text: &str) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for byte in text.bytes() {
        hash ^= u64::from(byte);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    format!("{hash:016x}")
}

/// The payload `source` sends at `at` for `identity`, whose current firing began at `started`.
fn body(
    source: &Source,
    identity: &str,
    key: &str,
    action: Action,
    at: u64,
    started: u64,
) -> Value {
    let firing = action == Action::Trigger;
    let generator_url = format!("http://prometheus.{}.example:9090/graph", source.tenant);
    match source.kind {
        Kind::AlertmanagerWebhook => {
            let status = if firing { "firing" } else { "resolved" };
            let ends_at = if firing { GO_ZERO_TIME.to_owned() } else { timestamp(at) };
            let alertname = source.labels.get("alertname").cloned().unwrap_or_default();
            json!({
                "version": "4",
                "groupKey": format!("{{}}:{{alertname=\"{alertname}\"}}"),
                "truncatedAlerts": 0,
                "status": status,
                "receiver": "watchfloor",
                "groupLabels": {"alertname": alertname},
                "commonLabels": source.labels,
                "commonAnnotations": {"summary": source.summary},
                "externalURL": format!("http://alertmanager.{}.example:9093", source.tenant),
                "alerts": [{
                    "status": status,
                    "labels": source.labels,
                    "annotations": {"summary": source.summary},
                    "startsAt": timestamp(started),
                    "endsAt": ends_at,
                    "generatorURL": generator_url,
                    "fingerprint": fingerprint(&format!("{}/{identity}", source.tenant)),
                }],
            })
        }
        Kind::AlertmanagerApi => {
            // Prometheus re-sends firing alerts with an end a few evaluations ahead.
            let ends_at = if firing { timestamp(at + 180_000) } else { timestamp(at) };
            json!([{
                "labels": source.labels,
                "annotations": {"summary": source.summary},
                "startsAt": timestamp(started),
                "endsAt": ends_at,
                "generatorURL": generator_url,
            }])
        }
        Kind::PagerDuty => {
            let label = |name: &str| source.labels.get(name).cloned();
            let host =
                source.labels.get("instance").cloned().unwrap_or_else(|| source.service.clone());
            json!({
                "routing_key": key,
                "event_action": if firing { "trigger" } else { "resolve" },
                "dedup_key": identity,
                "payload": {
                    "summary": source.summary,
                    "source": host,
                    "severity": source.severity,
                    "timestamp": timestamp(at),
                    "component": label("component"),
                    "group": label("group"),
                    "class": label("class"),
                    "custom_details": {"monitor": identity, "tenant": source.tenant},
                },
                "client": "Datadog",
                "client_url": format!("https://app.datadoghq.example/monitors/{identity}"),
            })
        }
        Kind::Generic => {
            let event = if firing {
                json!({
                    "action": "trigger",
                    "dedup_key": identity,
                    "summary": source.summary,
                    "severity": source.severity,
                    "source": source.service,
                    "timestamp": timestamp(at),
                    "labels": source.labels,
                })
            } else {
                json!({"action": "resolve", "dedup_key": identity, "timestamp": timestamp(at)})
            };
            json!({ "events": [event] })
        }
    }
}

/// One replay line and what it is in the ground truth.
struct Line {
    at: u64,
    text: String,
    tenant: String,
    identity: String,
    action: Action,
    role: Role,
}

/// The whole storm, in time order, every line a millisecond of its own.
fn storm() -> (Vec<Tenant>, Vec<Line>) {
    let mut rng = Rng(SEED);
    let tenants = tenants(&mut rng);
    let mut streams = problem_streams(&mut rng);
    let problem_events: usize = streams.iter().map(|s| s.schedule.len()).sum();
    streams.extend(noise_streams(&mut rng, &tenants, EVENT_TOTAL - problem_events));

    let mut raw: Vec<(u64, usize, usize, Action)> = streams
        .iter()
        .enumerate()
        .flat_map(|(s, stream)| {
            stream.schedule.iter().enumerate().map(move |(j, (at, action))| (*at, s, j, *action))
        })
        .collect();
    raw.sort_unstable();
    let mut previous = None;
    for entry in &mut raw {
        if let Some(previous) = previous
            && entry.0 <= previous
        {
            entry.0 = previous + 1;
        }
        previous = Some(entry.0);
    }

    let mut started: HashMap<(usize, String), u64> = HashMap::new();
    let lines = raw
        .into_iter()
        .map(|(at, s, j, action)| {
            let source = &streams[s].source;
            let identity = if source.unique {
                format!("{}-{j}", source.identity)
            } else {
                source.identity.clone()
            };
            let since = match action {
                Action::Trigger => *started.entry((s, identity.clone())).or_insert(at),
                Action::Resolve => started.remove(&(s, identity.clone())).unwrap_or(at),
            };
            let key = key(&source.service, source.kind);
            let payload = body(source, &identity, &key, action, at, since);
            let kind = source.kind.wire();
            let wire = json!({"at": timestamp(at), "key": key, "kind": kind, "body": payload});
            Line {
                at,
                text: wire.to_string(),
                tenant: source.tenant.clone(),
                identity,
                action,
                role: source.role,
            }
        })
        .collect();
    (tenants, lines)
}

// ----- running and grading ----------------------------------------------------------------

struct Replay {
    stdout: Vec<u8>,
    stderr: String,
}

fn replay(events: &Path, config: &Path) -> Replay {
    let output = Command::new(env!("CARGO_BIN_EXE_watchfloor"))
        .arg("replay")
        .arg(events)
        .arg("--config")
        .arg(config)
        .stdin(Stdio::null())
        .output()
        .expect("running watchfloor replay");
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(output.status.success(), "watchfloor replay failed ({}): {stderr}", output.status);
    Replay { stdout: output.stdout, stderr }
}

/// What the replay printed, sorted for grading.
#[derive(Default)]
struct Printed {
    incidents: BTreeMap<i64, Value>,
    notifications: BTreeMap<i64, Vec<String>>,
    /// Alerts created (an incident opened or an alert attached), by their event's millisecond.
    new_alerts: HashMap<u64, Vec<i64>>,
    /// Alerts resolved, by the millisecond of their event.
    resolved_alerts: HashMap<u64, Vec<i64>>,
    rejected: Vec<Value>,
    rule_errors: Vec<Value>,
}

fn read_output(stdout: &[u8]) -> Printed {
    let mut printed = Printed::default();
    for line in String::from_utf8_lossy(stdout).lines() {
        let value: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("replay printed a line that is not JSON ({e}): {line}"));
        let incident = value["incident"].as_i64().unwrap_or_default();
        match value["type"].as_str().unwrap_or_default() {
            "incident" => {
                let id = value["id"].as_i64().expect("incident id");
                printed.incidents.insert(id, value);
            }
            "notification" => {
                let reason = value["reason"].as_str().unwrap_or_default().to_owned();
                printed.notifications.entry(incident).or_default().push(reason);
            }
            "timeline" => {
                let at = millis_after_start(value["at"].as_str().unwrap_or_default());
                match value["kind"].as_str().unwrap_or_default() {
                    "opened" | "alert_attached" => {
                        printed.new_alerts.entry(at).or_default().push(incident);
                    }
                    "alert_resolved" => {
                        printed.resolved_alerts.entry(at).or_default().push(incident)
                    }
                    _ => {}
                }
            }
            "rejected" => printed.rejected.push(value),
            "rule_error" => printed.rule_errors.push(value),
            other => panic!("replay printed a line of unknown type {other:?}: {line}"),
        }
    }
    printed
}

/// The incident each line's event went into, following its alert: `None`
/// when the event made no alert (dropped, or a resolve of nothing).
/// Lines that should have made or resolved an alert but did not are listed.
fn incident_of_each_line(lines: &[Line], printed: &Printed) -> (Vec<Option<i64>>, Vec<String>) {
    let mut active: HashMap<(&str, &str), i64> = HashMap::new();
    let mut problems = Vec::new();
    let assigned = lines
        .iter()
        .map(|line| {
            let alert = (line.tenant.as_str(), line.identity.as_str());
            let graded = line.role != Role::Noise;
            match line.action {
                Action::Trigger => {
                    if let Some(incident) = active.get(&alert) {
                        return Some(*incident);
                    }
                    let made = at_millisecond(&printed.new_alerts, line.at);
                    match made {
                        [incident] => {
                            active.insert(alert, *incident);
                            Some(*incident)
                        }
                        _ => {
                            if graded {
                                problems.push(format!(
                                    "{} {}/{} at {}: expected a new alert, found {made:?}",
                                    line.role_name(),
                                    line.tenant,
                                    line.identity,
                                    timestamp(line.at)
                                ));
                            }
                            None
                        }
                    }
                }
                Action::Resolve => {
                    let incident = active.remove(&alert)?;
                    let resolved = at_millisecond(&printed.resolved_alerts, line.at);
                    if graded && resolved != [incident] {
                        problems.push(format!(
                            "{}/{} at {}: expected its alert of {incident} resolved, found {resolved:?}",
                            line.tenant,
                            line.identity,
                            timestamp(line.at)
                        ));
                    }
                    Some(incident)
                }
            }
        })
        .collect();
    (assigned, problems)
}

impl Line {
    fn role_name(&self) -> String {
        match self.role {
            Role::Noise => "noise".to_owned(),
            Role::Problem(p) => format!("problem {p}"),
            Role::Symptom => "symptom".to_owned(),
        }
    }
}

fn at_millisecond(by_millisecond: &HashMap<u64, Vec<i64>>, at: u64) -> &[i64] {
    by_millisecond.get(&at).map(Vec::as_slice).unwrap_or_default()
}

fn pairs(n: u64) -> u64 {
    n * n.saturating_sub(1) / 2
}

/// Pairwise precision and recall of the incidents over the events of real problems.
fn precision_recall(lines: &[Line], assigned: &[Option<i64>]) -> (f64, f64) {
    let mut by_problem: HashMap<usize, u64> = HashMap::new();
    let mut by_incident: HashMap<i64, u64> = HashMap::new();
    let mut by_both: HashMap<(usize, i64), u64> = HashMap::new();
    for (line, incident) in lines.iter().zip(assigned) {
        let Role::Problem(problem) = line.role else { continue };
        *by_problem.entry(problem).or_default() += 1;
        if let Some(incident) = incident {
            *by_incident.entry(*incident).or_default() += 1;
            *by_both.entry((problem, *incident)).or_default() += 1;
        }
    }
    let same_problem: u64 = by_problem.values().map(|n| pairs(*n)).sum();
    let same_incident: u64 = by_incident.values().map(|n| pairs(*n)).sum();
    let both: u64 = by_both.values().map(|n| pairs(*n)).sum();
    let ratio = |part: u64, whole: u64| if whole == 0 { 0.0 } else { part as f64 / whole as f64 };
    (ratio(both, same_incident), ratio(both, same_problem))
}

fn priority_level(incident: &Value) -> u64 {
    incident["priority"]
        .as_str()
        .and_then(|p| p.strip_prefix('P'))
        .and_then(|p| p.parse().ok())
        .unwrap_or_else(|| panic!("incident without a priority: {incident}"))
}

#[test]
fn an_alert_storm_replays_into_one_incident_per_real_problem() {
    let (tenants, lines) = storm();
    assert_eq!(tenants.len(), 50);
    assert_eq!(lines.len(), EVENT_TOTAL, "one event per line");

    let dir = tempfile::tempdir().expect("a temp dir");
    let events_path = dir.path().join("storm.jsonl");
    let config_path = dir.path().join("watchfloor.yaml");
    let mut events = String::new();
    for line in &lines {
        events.push_str(&line.text);
        events.push('\n');
    }
    std::fs::write(&events_path, events).expect("writing the events");
    std::fs::write(&config_path, config_yaml(&tenants)).expect("writing the config");

    let first = replay(&events_path, &config_path);
    let printed = read_output(&first.stdout);
    assert!(printed.rejected.is_empty(), "every line is valid: {:?}", printed.rejected);
    assert!(printed.rule_errors.is_empty(), "no rule failed: {:?}", printed.rule_errors);
    assert!(
        first.stderr.contains(&format!("{EVENT_TOTAL} events, 0 rejected")),
        "the replay read every event: {}",
        first.stderr
    );

    let (assigned, unexplained) = incident_of_each_line(&lines, &printed);
    let (precision, recall) = precision_recall(&lines, &assigned);
    let incident_count = printed.incidents.len();
    let notification_count: usize = printed.notifications.values().map(Vec::len).sum();
    let compression = EVENT_TOTAL as f64 / incident_count as f64;
    println!(
        "alert storm: {EVENT_TOTAL} events from {} tenants, {} real problems",
        tenants.len(),
        PROBLEMS.len()
    );
    println!("  incidents: {incident_count}, notifications: {notification_count}");
    println!("  compression ratio (events / incidents): {compression:.1}");
    println!("  grouping precision (pairwise, real problems): {precision:.4}");
    println!("  grouping recall (pairwise, real problems): {recall:.4}");

    // Each real problem is exactly one incident of its own.
    let mut incident_of_problem = BTreeMap::new();
    for (number, name) in PROBLEMS.iter().enumerate() {
        let incidents: BTreeSet<Option<i64>> = lines
            .iter()
            .zip(&assigned)
            .filter(|(line, _)| line.role == Role::Problem(number))
            .map(|(_, incident)| *incident)
            .collect();
        let events = lines.iter().filter(|l| l.role == Role::Problem(number)).count();
        let found: Vec<Option<i64>> = incidents.iter().copied().collect();
        let [Some(incident)] = found.as_slice() else {
            panic!(
                "problem {number} ({name}): {events} events went to {incidents:?}; {unexplained:#?}"
            );
        };
        let incident = *incident;
        let record = &printed.incidents[&incident];
        let pages = printed.notifications.get(&incident).cloned().unwrap_or_default();
        println!(
            "  problem {number}: incident {incident}, {}, {} alerts, {} events, \
             pages {pages:?}\n    {name}\n    {}",
            record["priority"],
            record["alert_count"],
            record["event_count"],
            record["priority_reason"]
        );
        assert!(!pages.is_empty(), "problem {number} ({name}) paged nobody: {record}");
        incident_of_problem.insert(number, incident);
    }
    assert!(unexplained.is_empty(), "{unexplained:#?}");
    let distinct: BTreeSet<&i64> = incident_of_problem.values().collect();
    assert_eq!(
        distinct.len(),
        PROBLEMS.len(),
        "no two problems share an incident: {incident_of_problem:?}"
    );
    assert!(precision >= 0.95, "grouping precision {precision:.4} < 0.95");
    assert!(recall >= 0.95, "grouping recall {recall:.4} < 0.95");

    // Priority from business impact, with its reason.
    let globex = &printed.incidents[&incident_of_problem[&GLOBEX_VPN]];
    assert_eq!(globex["priority"], "P1", "{globex}");
    let reason = globex["priority_reason"].as_str().unwrap_or_default();
    assert!(reason.contains("platinum"), "the reason names the tier: {globex}");
    assert_eq!(globex["severity"], "critical", "{globex}");
    let dental = &printed.incidents[&incident_of_problem[&CORNER_DENTAL]];
    assert!(
        priority_level(dental) > priority_level(globex),
        "the small office's printer ranks below the multinational's core: {dental}"
    );
    let reason = dental["priority_reason"].as_str().unwrap_or_default();
    assert!(reason.contains("bronze"), "the reason names the tier: {dental}");

    // Noise never outranks the real problems.
    let real: BTreeSet<i64> = incident_of_problem.values().copied().collect();
    for (id, incident) in &printed.incidents {
        if priority_level(incident) <= 2 {
            assert!(real.contains(id), "noise ranks P1/P2: {incident}");
        }
    }

    // The branch offices behind the dead tunnels are seen, held, never paged.
    let symptoms: BTreeSet<Option<i64>> = lines
        .iter()
        .zip(&assigned)
        .filter(|(line, _)| line.role == Role::Symptom)
        .map(|(_, incident)| *incident)
        .collect();
    assert_eq!(symptoms.len(), 2, "one incident per branch site: {symptoms:?}");
    for incident in symptoms {
        let incident = incident.expect("symptom events make alerts");
        let record = &printed.incidents[&incident];
        let held = record["held"].as_str().unwrap_or_default();
        assert!(
            held.contains("inhibited by alert") && held.contains("tunnel-down-explains-branch"),
            "{record}"
        );
        assert!(!printed.notifications.contains_key(&incident), "a held symptom paged: {record}");
        println!("  held symptom: incident {incident}, {} events: {held}", record["event_count"]);
    }

    // The same bytes every time.
    let second = replay(&events_path, &config_path);
    assert!(
        first.stdout == second.stdout,
        "two replays of the same storm printed different output"
    );
}

/// Several alerts can explain one held alert: which one the held reason
/// names must not depend on the process, or two replays of the same
/// traffic print different bytes.
#[test]
fn replay_names_the_same_inhibiting_alert_every_time() {
    let config = "grouping: {group_by: [alertname, site], group_wait: 30s}
notify: [{id: noc, kind: webhook, url: \"http://127.0.0.1:9/noc\"}]
tenants: [{id: globex, name: Globex, tier: platinum, notify: [noc]}]
services: [{id: globex-core, tenant: globex, criticality: critical}]
integrations:
  - {key: globex-core-gen-key-7f3a, tenant: globex, service: globex-core, kind: generic}
inhibit:
  - id: tunnels-explain-branch
    source: [alertname=VpnTunnelDown]
    target: [alertname=BranchDown]
    equal: [site]
";
    let mut events = String::new();
    let mut at = 0;
    let mut send = |dedup_key: String, alertname: &str, site: &str| {
        at += 1_000;
        let event = json!({"dedup_key": dedup_key, "summary": format!("{alertname} {site}"),
                           "severity": "error", "labels": {"alertname": alertname, "site": site}});
        let key = "globex-core-gen-key-7f3a";
        let line = json!({"at": timestamp(at), "key": key, "kind": "generic",
                          "body": {"events": [event]}});
        events.push_str(&line.to_string());
        events.push('\n');
    };
    // Every site has two redundant tunnels down, then its branch office complains.
    for site in ["nyc", "syd", "jnb", "sgp", "sao", "lon", "par", "tyo"] {
        send(format!("tunnel-a-{site}"), "VpnTunnelDown", site);
        send(format!("tunnel-b-{site}"), "VpnTunnelDown", site);
        send(format!("branch-{site}"), "BranchDown", site);
    }
    let dir = tempfile::tempdir().expect("a temp dir");
    let (events_path, config_path) = (dir.path().join("events.jsonl"), dir.path().join("c.yaml"));
    std::fs::write(&events_path, events).expect("writing the events");
    std::fs::write(&config_path, config).expect("writing the config");

    let held = |output: &Replay| -> Vec<String> {
        read_output(&output.stdout)
            .incidents
            .values()
            .filter_map(|i| i["held"].as_str().map(str::to_owned))
            .collect()
    };
    let first = replay(&events_path, &config_path);
    let reasons = held(&first);
    assert_eq!(reasons.len(), 8, "every branch is held: {reasons:#?}");
    for run in 2..=4 {
        let again = replay(&events_path, &config_path);
        assert_eq!(held(&again), reasons, "replay {run} names other inhibiting alerts");
        assert!(again.stdout == first.stdout, "replay {run} printed different bytes");
    }
}
