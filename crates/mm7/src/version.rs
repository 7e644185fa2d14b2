//! MM7 schema versions: the namespace URI names a schema release (REL-5-MM7-1-0 …
//! REL-6-MM7-1-4) and `MM7Version` names a TS 23.140 edition (5.3.0, 6.8.0 …). The pairing
//! is loose in the wild (BRIEF §2), so the decoder keeps both as sent and never enforces
//! a pairing; the encoder writes whatever the provider profile asks for.

/// Prefix shared by every MM7 namespace URI.
pub const NAMESPACE_PREFIX: &str = "http://www.3gpp.org/ftp/Specs/archive/23_series/23.140/schema/";

/// The SOAP 1.1 envelope namespace.
pub const SOAP_ENV_NAMESPACE: &str = "http://schemas.xmlsoap.org/soap/envelope/";

/// A known MM7 schema release.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Release {
    Rel5Mm7_1_0,
    Rel5Mm7_1_1,
    Rel5Mm7_1_2,
    Rel5Mm7_1_3,
    Rel5Mm7_1_4,
    Rel5Mm7_1_5,
    Rel6Mm7_1_0,
    Rel6Mm7_1_1,
    Rel6Mm7_1_2,
    Rel6Mm7_1_3,
    Rel6Mm7_1_4,
}

impl Release {
    pub const ALL: [Release; 11] = [
        Release::Rel5Mm7_1_0,
        Release::Rel5Mm7_1_1,
        Release::Rel5Mm7_1_2,
        Release::Rel5Mm7_1_3,
        Release::Rel5Mm7_1_4,
        Release::Rel5Mm7_1_5,
        Release::Rel6Mm7_1_0,
        Release::Rel6Mm7_1_1,
        Release::Rel6Mm7_1_2,
        Release::Rel6Mm7_1_3,
        Release::Rel6Mm7_1_4,
    ];

    /// The schema name, e.g. `REL-6-MM7-1-4`.
    pub fn name(self) -> &'static str {
        match self {
            Release::Rel5Mm7_1_0 => "REL-5-MM7-1-0",
            Release::Rel5Mm7_1_1 => "REL-5-MM7-1-1",
            Release::Rel5Mm7_1_2 => "REL-5-MM7-1-2",
            Release::Rel5Mm7_1_3 => "REL-5-MM7-1-3",
            Release::Rel5Mm7_1_4 => "REL-5-MM7-1-4",
            Release::Rel5Mm7_1_5 => "REL-5-MM7-1-5",
            Release::Rel6Mm7_1_0 => "REL-6-MM7-1-0",
            Release::Rel6Mm7_1_1 => "REL-6-MM7-1-1",
            Release::Rel6Mm7_1_2 => "REL-6-MM7-1-2",
            Release::Rel6Mm7_1_3 => "REL-6-MM7-1-3",
            Release::Rel6Mm7_1_4 => "REL-6-MM7-1-4",
        }
    }

    /// The full namespace URI.
    pub fn namespace(self) -> String {
        format!("{NAMESPACE_PREFIX}{}", self.name())
    }

    /// The release a namespace URI names, if it is one we know.
    pub fn from_namespace(uri: &str) -> Option<Release> {
        let name = uri.trim().strip_prefix(NAMESPACE_PREFIX)?;
        Release::ALL.into_iter().find(|r| r.name() == name)
    }

    /// The MM7Version Sinch/Skycore pair with this release (BRIEF §2): 6.8.0 for
    /// REL-6-MM7-1-4, 5.3.0 for everything else.
    pub fn sinch_mm7_version(self) -> &'static str {
        match self {
            Release::Rel6Mm7_1_4 => "6.8.0",
            _ => "5.3.0",
        }
    }
}

/// The namespace and MM7Version a message is written with. One per provider profile.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Version {
    pub namespace: String,
    pub mm7_version: String,
}

impl Version {
    pub fn new(release: Release, mm7_version: impl Into<String>) -> Self {
        Version {
            namespace: release.namespace(),
            mm7_version: mm7_version.into(),
        }
    }
}

impl Default for Version {
    /// REL-6-MM7-1-4 with 6.8.0: what Sinch's examples use.
    fn default() -> Self {
        Version::new(Release::Rel6Mm7_1_4, "6.8.0")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_release_round_trips_through_its_namespace() {
        for release in Release::ALL {
            assert_eq!(Release::from_namespace(&release.namespace()), Some(release));
        }
        assert_eq!(
            Release::from_namespace(&format!("{NAMESPACE_PREFIX}REL-6-MM7-6-7")),
            None
        );
        assert_eq!(Version::default().mm7_version, "6.8.0");
        assert!(Version::default().namespace.ends_with("REL-6-MM7-1-4"));
    }
}
