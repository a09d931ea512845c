//! The `sns` and `eventbridge` settings of an integration: read, checked, and (when the file's directory is known) the pinned certificates opened.

use std::path::{Path, PathBuf};

use domain::{IntegrationKind, Severity};

use super::{Checker, Fields, Word, index};
use crate::integrations::{EventBridgeSettings, InsufficientData, IntegrationOptions, SnsSettings};
use crate::yaml::Node;

const SNS_KEYS: &[&str] = &[
    "verify_signatures",
    "pinned_certificates",
    "confirm_hosts",
    "raw_delivery",
    "max_message_age",
    "alarm_severity",
    "insufficient_data",
];
const EVENTBRIDGE_KEYS: &[&str] = &["key_header"];
/// A pinned certificate file larger than this is not a certificate.
const MAX_CERTIFICATE_BYTES: u64 = 64 * 1024;

impl Checker<'_> {
    /// Reads `sns:` and `eventbridge:` of one integration whose kind is `kind` (if it was valid).
    pub(super) fn read_integration_options(
        &mut self,
        fields: &Fields<'_>,
        kind: Option<IntegrationKind>,
    ) -> IntegrationOptions {
        let mut options = IntegrationOptions::default();
        if let Some(node) = fields.get("sns") {
            let path = fields.path("sns");
            if kind.is_some_and(|k| k != IntegrationKind::Sns) {
                self.error(
                    node.mark,
                    &path,
                    "`sns` settings belong only to integrations of kind sns",
                );
            } else {
                options.sns = self.read_sns(node, &path);
            }
        }
        if let Some(node) = fields.get("eventbridge") {
            let path = fields.path("eventbridge");
            if kind.is_some_and(|k| k != IntegrationKind::EventBridge) {
                self.error(
                    node.mark,
                    &path,
                    "`eventbridge` settings belong only to integrations of kind eventbridge",
                );
            } else {
                options.eventbridge = self.read_eventbridge(node, &path);
            }
        }
        options
    }

    fn read_sns(&mut self, node: &Node, path: &str) -> SnsSettings {
        let mut settings = SnsSettings::default();
        let Some(fields) = self.fields(node, path, "SNS settings", SNS_KEYS) else {
            return settings;
        };
        if let Some(node) = fields.get("verify_signatures")
            && let Some(verify) = self.boolean(node, &fields.path("verify_signatures"))
        {
            settings.verify_signatures = verify;
        }
        if let Some(node) = fields.get("pinned_certificates") {
            let path = fields.path("pinned_certificates");
            settings.pinned_certificates = self.certificate_paths(node, &path);
            if !settings.verify_signatures && !settings.pinned_certificates.is_empty() {
                self.error(
                    node.mark,
                    &path,
                    "pinned certificates are never used when verify_signatures is false; \
                     remove one or the other",
                );
            }
        }
        if let Some(node) = fields.get("confirm_hosts") {
            settings.confirm_hosts = self.hosts(node, &fields.path("confirm_hosts"));
        }
        if let Some(node) = fields.get("raw_delivery")
            && let Some(raw) = self.boolean(node, &fields.path("raw_delivery"))
        {
            settings.raw_delivery = raw;
        }
        if let Some(node) = fields.get("max_message_age")
            && let Some(age) = self.positive_duration(node, &fields.path("max_message_age"))
        {
            settings.max_message_age = age;
        }
        if let Some(node) = fields.get("alarm_severity")
            && let Some(severity) = self.word::<Severity>(node, &fields.path("alarm_severity"))
        {
            settings.alarm_severity = severity;
        }
        if let Some(node) = fields.get("insufficient_data")
            && let Some(choice) = self.insufficient_data(node, &fields.path("insufficient_data"))
        {
            settings.insufficient_data = choice;
        }
        settings
    }

    fn insufficient_data(&mut self, node: &Node, path: &str) -> Option<InsufficientData> {
        let text = self.string(node, path)?;
        match text.as_str() {
            "resolve" => return Some(InsufficientData::Resolve),
            "ignore" => return Some(InsufficientData::Ignore),
            _ => {}
        }
        if let Some(severity) = Severity::all().iter().copied().find(|s| s.word() == text) {
            return Some(InsufficientData::Trigger(severity));
        }
        let words: Vec<&str> =
            Severity::all().iter().map(|s| s.word()).chain(["resolve", "ignore"]).collect();
        let hint = crate::suggest::hint(&text, words.iter().copied());
        self.error(
            node.mark,
            path,
            format!("invalid choice `{text}`{hint}; expected one of: {}", words.join(", ")),
        );
        None
    }

    /// PEM file paths, resolved against the configuration's directory; when
    /// that is known, each file must be readable and hold a PEM certificate.
    fn certificate_paths(&mut self, node: &Node, path: &str) -> Vec<PathBuf> {
        let Some(items) = self.list(node, path, "PEM certificate files") else { return Vec::new() };
        let mut paths = Vec::new();
        for (position, item) in items.iter().enumerate() {
            let item_path = index(path, position);
            let Some(text) = self.non_empty_string(item, &item_path) else { continue };
            let file = match &self.base_dir {
                Some(base) => base.join(&text),
                None => PathBuf::from(&text),
            };
            if self.base_dir.is_some()
                && let Err(problem) = check_certificate_file(&file)
            {
                self.error(item.mark, &item_path, format!("{}: {problem}", file.display()));
                continue;
            }
            paths.push(file);
        }
        paths
    }

    /// `host` or `host:port`, lower-cased; no scheme, path or user info.
    fn hosts(&mut self, node: &Node, path: &str) -> Vec<String> {
        let Some(items) = self.list(node, path, "hosts") else { return Vec::new() };
        let mut hosts: Vec<String> = Vec::new();
        for (position, item) in items.iter().enumerate() {
            let item_path = index(path, position);
            let Some(text) = self.non_empty_string(item, &item_path) else { continue };
            let host = text.trim().to_ascii_lowercase();
            match check_host(&host) {
                Ok(()) if hosts.contains(&host) => {
                    self.error(item.mark, &item_path, format!("host `{host}` is listed twice"));
                }
                Ok(()) => hosts.push(host),
                Err(problem) => self.error(item.mark, &item_path, problem),
            }
        }
        hosts
    }

    fn read_eventbridge(&mut self, node: &Node, path: &str) -> EventBridgeSettings {
        let mut settings = EventBridgeSettings::default();
        let Some(fields) = self.fields(node, path, "EventBridge settings", EVENTBRIDGE_KEYS) else {
            return settings;
        };
        if let Some(node) = fields.get("key_header") {
            let path = fields.path("key_header");
            if let Some(name) = self.non_empty_string(node, &path) {
                let name = name.trim().to_ascii_lowercase();
                if !is_header_name(&name) {
                    self.error(
                        node.mark,
                        &path,
                        format!(
                            "`{name}` is not an HTTP header name (letters, digits and \
                             !#$%&'*+-.^_`|~ only)"
                        ),
                    );
                } else if matches!(name.as_str(), "host" | "content-length" | "content-type") {
                    self.error(node.mark, &path, format!("`{name}` cannot carry a key"));
                } else {
                    settings.key_header = name;
                }
            }
        }
        settings
    }
}

/// An RFC 9110 token.
fn is_header_name(name: &str) -> bool {
    !name.is_empty()
        && name.bytes().all(|b| b.is_ascii_alphanumeric() || b"!#$%&'*+-.^_`|~".contains(&b))
}

fn check_host(host: &str) -> Result<(), String> {
    if host.contains("://") {
        return Err(format!("`{host}`: write the host without a scheme, e.g. `127.0.0.1:9000`"));
    }
    if host.contains(['/', '?', '#', '@']) || host.chars().any(char::is_whitespace) {
        return Err(format!("`{host}` is not a host or host:port"));
    }
    let (name, port) = match host.strip_prefix('[') {
        Some(bracketed) => match bracketed.split_once(']') {
            Some((address, "")) => (address, None),
            Some((address, after)) => match after.strip_prefix(':') {
                Some(port) => (address, Some(port)),
                None => return Err(format!("`{host}` is not a host or host:port")),
            },
            None => return Err(format!("`{host}` has an unclosed `[`")),
        },
        None => match host.rsplit_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    if name.is_empty() {
        return Err(format!("`{host}` has no host name"));
    }
    if let Some(port) = port
        && port.parse::<u16>().ok().filter(|p| *p > 0).is_none()
    {
        return Err(format!("`{host}`: the port must be a number from 1 to 65535"));
    }
    Ok(())
}

/// Readable, not huge, and holding a PEM certificate.
fn check_certificate_file(file: &Path) -> Result<(), String> {
    let size = std::fs::metadata(file).map_err(|e| format!("cannot read the file: {e}"))?.len();
    if size > MAX_CERTIFICATE_BYTES {
        return Err(format!(
            "is {size} bytes, too large for a certificate (at most {MAX_CERTIFICATE_BYTES})"
        ));
    }
    let text = std::fs::read(file).map_err(|e| format!("cannot read the file: {e}"))?;
    let text = String::from_utf8_lossy(&text);
    if !text.contains("-----BEGIN CERTIFICATE-----") {
        return Err("holds no PEM certificate (-----BEGIN CERTIFICATE-----)".to_owned());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_are_host_or_host_and_port() {
        for good in ["127.0.0.1:9000", "localhost", "sns.local:443", "[::1]:8080", "[::1]"] {
            assert_eq!(check_host(good), Ok(()), "{good}");
        }
        for bad in [
            "http://127.0.0.1:9000",
            "127.0.0.1:9000/confirm",
            "user@host",
            ":80",
            "host:0",
            "host:99999",
            "host:http",
            "[::1",
            "a b",
        ] {
            assert!(check_host(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn header_names_are_tokens() {
        assert!(is_header_name("x-api-key"));
        assert!(is_header_name("x-watchfloor-key"));
        assert!(!is_header_name("x api key"));
        assert!(!is_header_name("x-key:"));
        assert!(!is_header_name(""));
    }
}
