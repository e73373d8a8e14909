//! Typed identities. A person id, a record id and a request reference are never interchangeable
//! strings: each is parsed once at the edge and carried as its own type from import to bundle.

use std::fmt;

use serde::{Deserialize, Serialize};

macro_rules! string_id {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(String);

        impl $name {
            pub fn new(id: impl Into<String>) -> Self {
                Self(id.into())
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

        impl From<&str> for $name {
            fn from(s: &str) -> Self {
                Self(s.to_string())
            }
        }
    };
}

string_id!(
    /// A person's stable id in the source system (`P-10442`, `W-0031`).
    PersonId
);
string_id!(
    /// A record's stable id in the source system (`CN-884120`).
    RecordId
);
string_id!(
    /// A subject access request's reference, assigned by `sar` (`SAR-2026-0001`).
    RequestRef
);

impl RequestRef {
    /// The reference for the `seq`-th request registered in `year`.
    pub fn for_year(year: i16, seq: u32) -> Self {
        Self(format!("SAR-{year}-{seq:04}"))
    }
}
