//! Identifiers: validated once at the edge, then trusted everywhere.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdError {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters, got {len}")]
    TooLong { max: usize, len: usize },
    #[error("may contain only lowercase letters, digits, '-', '_' and '.', found {found:?}")]
    BadCharacter { found: char },
}

fn validate_slug(value: &str, max: usize) -> Result<(), IdError> {
    if value.is_empty() {
        return Err(IdError::Empty);
    }
    if value.len() > max {
        return Err(IdError::TooLong { max, len: value.len() });
    }
    if let Some(found) = value
        .chars()
        .find(|c| !(c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, '-' | '_' | '.')))
    {
        return Err(IdError::BadCharacter { found });
    }
    Ok(())
}

macro_rules! slug_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        /// Shared, not copied: every alert of a tenant holds the same string.
        #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(std::sync::Arc<str>);

        impl $name {
            pub const MAX_LEN: usize = 64;

            pub fn parse(value: &str) -> Result<Self, IdError> {
                validate_slug(value, Self::MAX_LEN)?;
                Ok(Self(value.into()))
            }

            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.serialize_str(&self.0)
            }
        }

        /// Deserializing validates, like [`Self::parse`].
        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                Self::parse(&text).map_err(serde::de::Error::custom)
            }
        }
    };
}

slug_id!(
    /// A customer: the unit of segregation and partitioning.
    TenantId
);
slug_id!(
    /// A customer's service: what alerts are routed to and incidents are opened for.
    ServiceId
);
slug_id!(
    /// A notification channel from the `notify:` section of the config.
    ChannelId
);
slug_id!(
    /// A person who can be put on call.
    UserId
);
slug_id!(
    /// A rotation schedule.
    ScheduleId
);
slug_id!(
    /// An escalation policy.
    EscalationPolicyId
);

/// An ingest-only secret naming one integration. Never printed: `Debug` and
/// `Display` show only a short, non-reversible hint.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IntegrationKey(String);

impl IntegrationKey {
    pub const MIN_LEN: usize = 8;
    pub const MAX_LEN: usize = 128;

    pub fn parse(value: &str) -> Result<Self, IdError> {
        if value.is_empty() {
            return Err(IdError::Empty);
        }
        if value.len() > Self::MAX_LEN {
            return Err(IdError::TooLong { max: Self::MAX_LEN, len: value.len() });
        }
        if let Some(found) =
            value.chars().find(|c| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
        {
            return Err(IdError::BadCharacter { found });
        }
        Ok(Self(value.to_owned()))
    }

    /// The secret itself, for comparing with what a request presented.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for IntegrationKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "IntegrationKey(…{} chars)", self.0.len())
    }
}

macro_rules! number_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub struct $name(pub i64);

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }
    };
}

number_id!(
    /// An incident; allocated by the engine in order, so replays are reproducible.
    IncidentId
);
number_id!(
    /// One alert (a deduplicated stream of events with the same dedup key).
    AlertId
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_validated() {
        assert!(TenantId::parse("acme-corp_1.eu").is_ok());
        assert_eq!(TenantId::parse(""), Err(IdError::Empty));
        assert_eq!(TenantId::parse("Acme"), Err(IdError::BadCharacter { found: 'A' }));
        assert!(matches!(TenantId::parse(&"a".repeat(65)), Err(IdError::TooLong { .. })));
    }

    #[test]
    fn integration_keys_never_print_themselves() {
        let key = IntegrationKey::parse("super-secret-key").expect("valid key");
        assert!(!format!("{key:?}").contains("secret"));
    }
}
number_id!(
    /// A silence; allocated by the engine in order.
    SilenceId
);
