//! `watchfloor import cloudtrail`: CloudTrail log files (plain or gzip) into a tenant's events, once per `eventID`, with or without a running server.
//!
//! Each file is read (gunzipped when it starts with the gzip magic bytes),
//! parsed by [`ingest::parse_cloudtrail_records`] (a log file, an array of
//! records, or one record) and written in one transaction by
//! [`store::Store::import`]: the file's text as a payload of source kind
//! `cloudtrail`, each record as an event in the same model as live ingest
//! (labels `eventName`, `userIdentity.arn`, `readOnly`, …; the record itself
//! as details) with the external id `cloudtrail:<eventID>`, and an audit
//! entry. The database keeps one event per tenant and external id, so
//! importing a file again adds nothing. Read-only calls (`readOnly: true`,
//! `Describe*`/`List*`/`Get*`) are kept and carry the label
//! `readOnly: "true"`, so forensics can filter them out.
//!
//! Imported records are history first. Those that the tenant's event rules
//! (its rule packs included) leave at [`ImportOptions::raise_at`] or worse,
//! and do not drop, are also marked for the engine: the server (already
//! running, or when it next starts) handles each like a live event, so a
//! root sign-in found in last month's logs opens its security-baseline
//! incident and pages like one received now. The server is the only writer
//! of engine state: the import marks, the server's [`feed`] loop handles
//! and clears the mark in the transaction that commits what the event
//! caused, so every marked record is handled exactly once, across crashes.

pub mod feed;

use std::collections::HashSet;
use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Instant;

use domain::{Config, ServiceId, Severity, SourceKind, TenantId};
use engine::Engine;
use sha2::{Digest, Sha256};
use store::{EventRecord, ImportBatch, ImportedEvent, Store};

/// A file larger than this (after decompression) is refused.
pub const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

/// What to import, and where.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// A `postgres://` URL, or the path of the SQLite database file.
    pub database: String,
    pub tenant: TenantId,
    /// The payloads' service; by default the tenant's first service in the configuration.
    pub service: Option<ServiceId>,
    pub files: Vec<PathBuf>,
    /// Records the tenant's event rules leave at this severity or worse go
    /// through the engine as well; `None` imports history only.
    pub raise_at: Option<Severity>,
    /// Who imports, for the audit log (`cli:<user>`).
    pub actor: String,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("tenant `{0}` is not in the configuration")]
    UnknownTenant(TenantId),
    #[error("tenant `{0}` has no service in the configuration; imported events need one")]
    NoService(TenantId),
    #[error("service `{service}` is not a service of tenant `{tenant}`")]
    ForeignService { service: ServiceId, tenant: TenantId },
    #[error("opening the store failed: {0}")]
    Open(store::StoreError),
}

/// What one file gave.
#[derive(Debug, Clone, PartialEq)]
pub struct FileReport {
    pub path: PathBuf,
    /// Bytes read (after decompression).
    pub bytes: u64,
    pub records: usize,
    /// Events written now.
    pub imported: u64,
    /// Records whose `eventID` the tenant already had (or that repeat one in the file).
    pub already_present: u64,
    /// Records of read-only calls (kept, and marked).
    pub read_only: usize,
    /// New events marked for the engine.
    pub for_engine: u64,
    /// Why the file was not imported (nothing of it was written).
    pub error: Option<String>,
}

/// The whole run.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ImportSummary {
    pub files: usize,
    pub failed_files: usize,
    pub bytes: u64,
    pub records: usize,
    pub imported: u64,
    pub already_present: u64,
    pub read_only: usize,
    pub for_engine: u64,
    pub seconds: f64,
}

impl ImportSummary {
    /// Records read per second, over the whole run.
    pub fn records_per_second(&self) -> f64 {
        if self.seconds > 0.0 { self.records as f64 / self.seconds } else { 0.0 }
    }
}

/// `--raise`: the severity from which imported records go through the engine, or `none`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RaiseAt(pub Option<Severity>);

impl std::str::FromStr for RaiseAt {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        if text == "none" {
            return Ok(Self(None));
        }
        text.parse().map(|severity| Self(Some(severity))).map_err(|_| {
            format!("{text:?} is not a severity: critical, error, warning, info, or none")
        })
    }
}

/// A tenant id as given on the command line.
pub fn parse_tenant(text: &str) -> Result<TenantId, String> {
    TenantId::parse(text).map_err(|error| error.to_string())
}

/// A service id as given on the command line.
pub fn parse_service(text: &str) -> Result<ServiceId, String> {
    ServiceId::parse(text).map_err(|error| error.to_string())
}

/// The service imported payloads are filed under.
pub fn import_service(
    config: &Config,
    tenant: &TenantId,
    service: Option<&ServiceId>,
) -> Result<ServiceId, ImportError> {
    if config.tenant(tenant).is_none() {
        return Err(ImportError::UnknownTenant(tenant.clone()));
    }
    match service {
        Some(service) => match config.service(service) {
            Some(found) if &found.tenant == tenant => Ok(service.clone()),
            _ => Err(ImportError::ForeignService {
                service: service.clone(),
                tenant: tenant.clone(),
            }),
        },
        None => config
            .services
            .iter()
            .find(|s| &s.tenant == tenant)
            .map(|s| s.id.clone())
            .ok_or_else(|| ImportError::NoService(tenant.clone())),
    }
}

/// Imports every file, in order, reporting each to `on_file` as it is done.
/// A file that cannot be read or parsed is reported with its error and
/// skipped; the others are still imported.
pub async fn import_cloudtrail(
    config: &Config,
    options: &ImportOptions,
    mut on_file: impl FnMut(&FileReport),
) -> Result<ImportSummary, ImportError> {
    let service = import_service(config, &options.tenant, options.service.as_ref())?;
    let store = Store::open(&options.database).await.map_err(ImportError::Open)?;
    // Only asked what the rules make of a record: its state is never used.
    let engine = Engine::new(Arc::new(config.clone()));
    let target = Target { store: &store, engine: &engine, options, service: &service };
    let started = Instant::now();
    let mut summary = ImportSummary::default();
    for path in &options.files {
        let report = import_file(&target, path).await;
        summary.files += 1;
        summary.bytes += report.bytes;
        if report.error.is_some() {
            summary.failed_files += 1;
        } else {
            summary.records += report.records;
            summary.imported += report.imported;
            summary.already_present += report.already_present;
            summary.read_only += report.read_only;
            summary.for_engine += report.for_engine;
        }
        on_file(&report);
    }
    summary.seconds = started.elapsed().as_secs_f64();
    store.close().await;
    Ok(summary)
}

/// Where the files go, and what decides which records the engine sees.
struct Target<'a> {
    store: &'a Store,
    engine: &'a Engine,
    options: &'a ImportOptions,
    service: &'a ServiceId,
}

impl Target<'_> {
    /// Whether the engine should handle `event` too: the tenant's event
    /// rules keep it and leave it at `raise_at` or worse.
    fn for_engine(&self, now: domain::Timestamp, event: &domain::Event) -> bool {
        let Some(raise_at) = self.options.raise_at else { return false };
        self.engine
            .preview_event(now, &self.options.tenant, self.service, event)
            .is_some_and(|ruled| ruled.severity <= raise_at)
    }
}

async fn import_file(target: &Target<'_>, path: &Path) -> FileReport {
    let mut report = FileReport {
        path: path.to_path_buf(),
        bytes: 0,
        records: 0,
        imported: 0,
        already_present: 0,
        read_only: 0,
        for_engine: 0,
        error: None,
    };
    let text = match read_log_file(path) {
        Ok(text) => text,
        Err(error) => {
            report.error = Some(error);
            return report;
        }
    };
    report.bytes = text.len() as u64;
    let now = crate::writer::now();
    let records = match ingest::parse_cloudtrail_records(text.as_bytes(), now) {
        Ok(records) => records,
        Err(error) => {
            let mut message = error.message.clone();
            for item in error.items.iter().take(5) {
                message.push_str("; ");
                message.push_str(&item.message);
            }
            if error.items.len() > 5 {
                message.push_str(&format!("; and {} more", error.items.len() - 5));
            }
            report.error = Some(message);
            return report;
        }
    };
    report.records = records.len();
    report.read_only = records.iter().filter(|r| r.read_only).count();
    let unstorable = records.iter().enumerate().find_map(|(index, record)| {
        let why = record.event.unstorable()?;
        Some(format!("Records[{index}]: {why}"))
    });
    if let Some(why) = unstorable {
        report.error = Some(why);
        return report;
    }
    let mut seen = HashSet::with_capacity(records.len());
    let mut events = Vec::with_capacity(records.len());
    for record in records {
        let external_id = match &record.event_id {
            Some(id) => format!("cloudtrail:{id}"),
            None => format!(
                "cloudtrail:sha256-{}",
                hex::encode(Sha256::digest(record.event.details.to_string().as_bytes()))
            ),
        };
        if !seen.insert(external_id.clone()) {
            continue;
        }
        let for_engine = target.for_engine(now, &record.event);
        events.push(ImportedEvent {
            external_id,
            event: EventRecord::new(record.event, None),
            for_engine,
        });
    }
    let batch = ImportBatch {
        tenant: target.options.tenant.clone(),
        integration_service: target.service.clone(),
        source_kind: SourceKind::CloudTrail.as_str().to_owned(),
        received_at: now,
        body: text,
        events,
        actor: target.options.actor.clone(),
        origin: path.display().to_string(),
    };
    match target.store.import(&batch).await {
        Ok(outcome) => {
            report.imported = outcome.imported;
            report.already_present = report.records as u64 - outcome.imported;
            report.for_engine = outcome.for_engine;
        }
        Err(error) => report.error = Some(format!("writing to the store failed: {error}")),
    }
    report
}

/// The file's text: gunzipped when it starts with the gzip magic bytes, at most [`MAX_FILE_BYTES`].
fn read_log_file(path: &Path) -> Result<String, String> {
    let file = std::fs::File::open(path).map_err(|e| format!("cannot open: {e}"))?;
    let mut head = [0u8; 2];
    let mut reader = std::io::BufReader::new(file);
    let gzip = {
        use std::io::BufRead as _;
        let buffered = reader.fill_buf().map_err(|e| format!("cannot read: {e}"))?;
        head.iter_mut().zip(buffered).for_each(|(slot, byte)| *slot = *byte);
        head == [0x1f, 0x8b]
    };
    let mut bytes = Vec::new();
    let limited_read = |source: &mut dyn std::io::Read, bytes: &mut Vec<u8>| {
        source.take(MAX_FILE_BYTES + 1).read_to_end(bytes)
    };
    if gzip {
        let mut decoder = flate2::read::MultiGzDecoder::new(reader);
        limited_read(&mut decoder, &mut bytes).map_err(|e| format!("cannot gunzip: {e}"))?;
    } else {
        limited_read(&mut reader, &mut bytes).map_err(|e| format!("cannot read: {e}"))?;
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(format!("larger than {MAX_FILE_BYTES} bytes"));
    }
    String::from_utf8(bytes).map_err(|e| format!("not UTF-8 text: {e}"))
}

#[cfg(test)]
mod tests {
    use std::io::Write as _;

    use super::*;

    #[test]
    fn plain_and_gzipped_files_read_the_same() {
        let dir = tempfile::tempdir().expect("a temp dir");
        let text = "{\"Records\": []}\n";
        let plain = dir.path().join("a.json");
        std::fs::write(&plain, text).expect("write");
        let gzipped = dir.path().join("a.json.gz");
        let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        encoder.write_all(text.as_bytes()).expect("compress");
        std::fs::write(&gzipped, encoder.finish().expect("finish")).expect("write");
        assert_eq!(read_log_file(&plain).as_deref(), Ok(text));
        assert_eq!(read_log_file(&gzipped).as_deref(), Ok(text));
        let empty = dir.path().join("empty.json");
        std::fs::write(&empty, "").expect("write");
        assert_eq!(read_log_file(&empty).as_deref(), Ok(""));
        let broken = dir.path().join("broken.json.gz");
        std::fs::write(&broken, [0x1f, 0x8b, 0, 1, 2]).expect("write");
        assert!(read_log_file(&broken).is_err_and(|e| e.contains("gunzip")));
        assert!(read_log_file(&dir.path().join("missing.json")).is_err());
    }

    #[test]
    fn the_service_is_the_tenants_own() {
        let config = config::parse(
            "tenants: [{id: acme, tier: gold}, {id: globex, tier: bronze}, {id: empty, tier: bronze}]\n\
             services: [{id: web, tenant: acme}, {id: db, tenant: acme}, {id: erp, tenant: globex}]\n",
            "test.yaml",
        )
        .expect("a valid config");
        let id = |s: &str| TenantId::parse(s).expect("tenant");
        let service = |s: &str| ServiceId::parse(s).expect("service");
        assert_eq!(import_service(&config, &id("acme"), None).ok(), Some(service("web")));
        assert_eq!(
            import_service(&config, &id("acme"), Some(&service("db"))).ok(),
            Some(service("db"))
        );
        assert!(matches!(
            import_service(&config, &id("acme"), Some(&service("erp"))),
            Err(ImportError::ForeignService { .. })
        ));
        assert!(matches!(
            import_service(&config, &id("nobody"), None),
            Err(ImportError::UnknownTenant(_))
        ));
        assert!(matches!(
            import_service(&config, &id("empty"), None),
            Err(ImportError::NoService(_))
        ));
    }
}
