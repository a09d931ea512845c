//! Amazon SNS message signatures: which hosts may serve signing certificates, and SHA1withRSA / SHA256withRSA verification.
//!
//! The server fetches the certificate named by `SigningCertURL` itself, over
//! HTTPS and only after [`check_signing_cert_url`] accepted the URL (or it
//! uses a certificate the operator pinned as a PEM file), then calls
//! [`verify_sns_signature`]. Before confirming a subscription it checks
//! `SubscribeURL` with [`check_sns_url`]. Nothing here does IO or reads a
//! clock.

use std::time::Duration;

use base64::Engine as _;
use domain::Timestamp;
use rsa::RsaPublicKey;
use rsa::pkcs1v15::{Signature, VerifyingKey};
use rsa::pkcs8::DecodePublicKey;
use rsa::signature::Verifier;
use x509_cert::Certificate;
use x509_cert::der::{DecodePem, Encode};

use crate::FUTURE_TOLERANCE_SECS;
use crate::error::{ErrorCode, IngestError};
use crate::sns::SnsMessage;

/// A reasonable `max_age` for [`verify_sns_signature`]: SNS retries a
/// delivery with the original `Timestamp`, for up to an hour under the
/// longest HTTP delivery policies.
pub const SNS_DEFAULT_MAX_AGE: Duration = Duration::from_secs(3600);

/// Why an SNS message's signature was not accepted.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SnsVerifyError {
    #[error(
        "unknown SignatureVersion {0:?}; expected \"1\" (SHA1withRSA) or \"2\" (SHA256withRSA)"
    )]
    UnknownSignatureVersion(String),
    #[error(
        "the message's Timestamp {sent_at} is more than {max_age_secs} seconds before {now}; refusing a stale (possibly replayed) message"
    )]
    Stale { sent_at: Timestamp, now: Timestamp, max_age_secs: u64 },
    #[error(
        "the message's Timestamp {sent_at} is more than {FUTURE_TOLERANCE_SECS} seconds after {now}"
    )]
    FromTheFuture { sent_at: Timestamp, now: Timestamp },
    #[error("the signing certificate is not a PEM X.509 certificate: {0}")]
    InvalidCertificate(String),
    #[error(
        "the signing certificate is not valid at {now} (valid from {not_before} to {not_after})"
    )]
    CertificateNotValidNow { now: Timestamp, not_before: Timestamp, not_after: Timestamp },
    #[error("the signing certificate's key is not an RSA public key: {0}")]
    UnsupportedKey(String),
    #[error("Signature is not valid base64 of an RSA signature: {0}")]
    InvalidSignatureEncoding(String),
    #[error(
        "the signature does not match the message (SignatureVersion {version}): the message was altered or not signed by this certificate"
    )]
    BadSignature { version: String },
    #[error("{what} {url:?} is not an Amazon SNS HTTPS URL: {reason}")]
    UntrustedUrl { what: &'static str, url: String, reason: String },
}

impl From<SnsVerifyError> for IngestError {
    fn from(error: SnsVerifyError) -> Self {
        IngestError::new(ErrorCode::SignatureInvalid, error.to_string())
    }
}

/// Whether `host` is an Amazon SNS endpoint: `sns.<region>.amazonaws.com`
/// or `sns.<region>.amazonaws.com.cn`, where `<region>` looks like an AWS
/// region (`us-east-1`, `us-gov-west-1`, `cn-north-1`, `ap-southeast-4`).
/// Case-insensitive; no port, no trailing dot, nothing before `sns.`.
pub fn is_sns_host(host: &str) -> bool {
    let host = host.to_ascii_lowercase();
    let Some(rest) = host.strip_prefix("sns.") else { return false };
    let region =
        rest.strip_suffix(".amazonaws.com").or_else(|| rest.strip_suffix(".amazonaws.com.cn"));
    region.is_some_and(is_region)
}

/// `xx-word(-word)*-N`: lower-case letters in hyphen-separated words, ending in a number.
fn is_region(region: &str) -> bool {
    let parts: Vec<&str> = region.split('-').collect();
    let [first, middle @ .., last] = parts.as_slice() else { return false };
    first.len() == 2
        && first.bytes().all(|b| b.is_ascii_lowercase())
        && !middle.is_empty()
        && middle.iter().all(|w| !w.is_empty() && w.bytes().all(|b| b.is_ascii_lowercase()))
        && (1..=2).contains(&last.len())
        && last.bytes().all(|b| b.is_ascii_digit())
}

/// Checks that `url` is `https://<SNS host>[:443]/…` (see [`is_sns_host`]),
/// with no user info; for `SubscribeURL` and `UnsubscribeURL`.
pub fn check_sns_url(url: &str) -> Result<(), SnsVerifyError> {
    check_url("URL", url).map(|_| ())
}

/// [`check_sns_url`] for `SigningCertURL`, whose path must also end in `.pem`.
pub fn check_signing_cert_url(url: &str) -> Result<(), SnsVerifyError> {
    let path = check_url("SigningCertURL", url)?;
    if !path.ends_with(".pem") {
        return Err(untrusted("SigningCertURL", url, "the path does not name a .pem certificate"));
    }
    Ok(())
}

fn untrusted(what: &'static str, url: &str, reason: &str) -> SnsVerifyError {
    SnsVerifyError::UntrustedUrl { what, url: url.to_owned(), reason: reason.to_owned() }
}

/// Validates the scheme and host; returns the path (without query or fragment).
fn check_url<'a>(what: &'static str, url: &'a str) -> Result<&'a str, SnsVerifyError> {
    let scheme_end = url.find("://").ok_or_else(|| untrusted(what, url, "no scheme"))?;
    if !url[..scheme_end].eq_ignore_ascii_case("https") {
        return Err(untrusted(what, url, "the scheme is not https"));
    }
    let rest = &url[scheme_end + 3..];
    let authority_end = rest.find(['/', '?', '#']).unwrap_or(rest.len());
    let authority = &rest[..authority_end];
    if authority.contains(['@', '\\']) || url.chars().any(|c| c.is_whitespace() || c.is_control()) {
        return Err(untrusted(what, url, "user info, backslashes and whitespace are not allowed"));
    }
    let host = match authority.rsplit_once(':') {
        Some((host, "443")) => host,
        Some(_) => return Err(untrusted(what, url, "only the default HTTPS port is allowed")),
        None => authority,
    };
    if !is_sns_host(host) {
        return Err(untrusted(what, url, "the host is not sns.<region>.amazonaws.com(.cn)"));
    }
    let after = &rest[authority_end..];
    let path_end = after.find(['?', '#']).unwrap_or(after.len());
    Ok(&after[..path_end])
}

/// Verifies an SNS message's signature with the signing certificate (PEM).
///
/// In order: `SignatureVersion` must be `"1"` (SHA1withRSA) or `"2"`
/// (SHA256withRSA); `Timestamp` must be at most `max_age` before `now` and
/// at most [`crate::FUTURE_TOLERANCE_SECS`] after it; the certificate must
/// parse, be valid at `now` and hold an RSA key; the PKCS #1 v1.5 signature
/// must match [`SnsMessage::string_to_sign`]. The certificate's chain is not
/// checked here: its authenticity comes from where it was fetched (HTTPS
/// from an SNS host, see [`check_signing_cert_url`]) or from the operator
/// pinning it.
pub fn verify_sns_signature(
    message: &SnsMessage,
    cert_pem: &[u8],
    now: Timestamp,
    max_age: Duration,
) -> Result<(), SnsVerifyError> {
    let version = message.signature_version.as_str();
    if version != "1" && version != "2" {
        return Err(SnsVerifyError::UnknownSignatureVersion(version.to_owned()));
    }
    let age_secs = now.as_second().saturating_sub(message.sent_at.as_second());
    if age_secs < -FUTURE_TOLERANCE_SECS {
        return Err(SnsVerifyError::FromTheFuture { sent_at: message.sent_at, now });
    }
    let max_age_secs = max_age.as_secs();
    if u64::try_from(age_secs).is_ok_and(|age| age > max_age_secs) {
        return Err(SnsVerifyError::Stale { sent_at: message.sent_at, now, max_age_secs });
    }

    let (key, validity) = signing_key(cert_pem)?;
    let (not_before, not_after) = (validity.not_before, validity.not_after);
    if now < not_before || now > not_after {
        return Err(SnsVerifyError::CertificateNotValidNow { now, not_before, not_after });
    }

    let signature_bytes = base64::engine::general_purpose::STANDARD
        .decode(message.signature.trim())
        .map_err(|e| SnsVerifyError::InvalidSignatureEncoding(e.to_string()))?;
    let signature = Signature::try_from(signature_bytes.as_slice())
        .map_err(|e| SnsVerifyError::InvalidSignatureEncoding(e.to_string()))?;
    let text = message.string_to_sign();
    let verified = if version == "1" {
        VerifyingKey::<sha1::Sha1>::new(key).verify(text.as_bytes(), &signature)
    } else {
        VerifyingKey::<sha2::Sha256>::new(key).verify(text.as_bytes(), &signature)
    };
    verified.map_err(|_| SnsVerifyError::BadSignature { version: version.to_owned() })
}

/// When a signing certificate is valid.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CertificateValidity {
    pub not_before: Timestamp,
    pub not_after: Timestamp,
}

/// Checks that `cert_pem` is a PEM X.509 certificate with an RSA key, as a
/// signing certificate must be (for pinned certificates at start-up and
/// fetched ones before they are cached), and says when it is valid.
pub fn check_signing_certificate(cert_pem: &[u8]) -> Result<CertificateValidity, SnsVerifyError> {
    signing_key(cert_pem).map(|(_, validity)| validity)
}

fn signing_key(cert_pem: &[u8]) -> Result<(RsaPublicKey, CertificateValidity), SnsVerifyError> {
    let certificate = Certificate::from_pem(cert_pem)
        .map_err(|e| SnsVerifyError::InvalidCertificate(e.to_string()))?;
    let validity = &certificate.tbs_certificate.validity;
    let instant = |time: x509_cert::time::Time| {
        let since_epoch = time.to_unix_duration();
        i64::try_from(since_epoch.as_secs())
            .ok()
            .and_then(|secs| Timestamp::from_second(secs).ok())
            .unwrap_or(Timestamp::MAX)
    };
    let validity = CertificateValidity {
        not_before: instant(validity.not_before),
        not_after: instant(validity.not_after),
    };
    let spki = certificate
        .tbs_certificate
        .subject_public_key_info
        .to_der()
        .map_err(|e| SnsVerifyError::InvalidCertificate(e.to_string()))?;
    let key = RsaPublicKey::from_public_key_der(&spki)
        .map_err(|e| SnsVerifyError::UnsupportedKey(e.to_string()))?;
    Ok((key, validity))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sns_hosts_are_recognised() {
        for host in [
            "sns.us-east-1.amazonaws.com",
            "sns.us-west-2.amazonaws.com",
            "sns.eu-central-1.amazonaws.com",
            "sns.ap-southeast-4.amazonaws.com",
            "sns.us-gov-west-1.amazonaws.com",
            "sns.cn-north-1.amazonaws.com.cn",
            "SNS.US-EAST-1.AMAZONAWS.COM",
        ] {
            assert!(is_sns_host(host), "{host}");
        }
        for host in [
            "sns.us-east-1.amazonaws.com.evil.com",
            "evil-sns.us-east-1.amazonaws.com",
            "sns.us-east-1.amazonaws.com.",
            "xsns.us-east-1.amazonaws.com",
            "sns.evil.com",
            "sns..amazonaws.com",
            "sns.amazonaws.com",
            "sns.us-east-1.evil.amazonaws.com",
            "sns.us-east.amazonaws.com",
            "sns.us-east-1a.amazonaws.com",
            "sqs.us-east-1.amazonaws.com",
            "sns.us-east-1.amazonaws.com:443",
            "",
        ] {
            assert!(!is_sns_host(host), "{host}");
        }
    }

    #[test]
    fn urls_must_be_https_on_an_sns_host() {
        let good = "https://sns.us-west-2.amazonaws.com/SimpleNotificationService-f3ecfb7224c7233fe7bb5f59f96de52f.pem";
        assert_eq!(check_signing_cert_url(good), Ok(()));
        assert_eq!(
            check_signing_cert_url("https://sns.us-west-2.amazonaws.com:443/cert.pem"),
            Ok(())
        );
        assert_eq!(
            check_sns_url(
                "https://sns.us-west-2.amazonaws.com/?Action=ConfirmSubscription&Token=x"
            ),
            Ok(())
        );
        for bad in [
            "http://sns.us-west-2.amazonaws.com/cert.pem",
            "https://sns.us-west-2.amazonaws.com.evil.com/cert.pem",
            "https://evil.com@sns.us-west-2.amazonaws.com/cert.pem",
            "https://sns.us-west-2.amazonaws.com@evil.com/cert.pem",
            "https://sns.us-west-2.amazonaws.com:8443/cert.pem",
            "https://sns.us-west-2.amazonaws.com/cert.txt",
            "https://sns.us-west-2.amazonaws.com/cert.txt?x=.pem",
            "https://sns.us-west-2.amazonaws.com\\@evil.com/cert.pem",
            "sns.us-west-2.amazonaws.com/cert.pem",
        ] {
            assert!(check_signing_cert_url(bad).is_err(), "{bad}");
        }
    }
}
