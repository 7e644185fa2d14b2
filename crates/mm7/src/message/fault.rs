//! RSErrorRsp and VASPErrorRsp: the error answers, which always travel inside a SOAP
//! Fault's `<detail>` (BRIEF §3). Sinch rejects every bad SubmitReq this way.

use crate::envelope::tree::Element;
use crate::envelope::write::XmlWriter;
use crate::error::DecodeError;
use crate::status::Status;

use super::{read_status, write_status};

/// The error response and the Fault around it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub struct ErrorRsp {
    pub status: Status,
    /// `<faultcode>` as sent (`Client`, `soap-env:Client`, …). When encoding, `None`
    /// writes `soap-env:Client` for 2xxx and `soap-env:Server` otherwise.
    pub fault_code: Option<String>,
    /// `<faultstring>`; `None` writes "Client error" / "Server error".
    pub fault_string: Option<String>,
}

impl ErrorRsp {
    pub(crate) fn read(m: &Element, kind: &'static str) -> Result<ErrorRsp, DecodeError> {
        Ok(ErrorRsp {
            status: read_status(m, kind)?,
            fault_code: None,
            fault_string: None,
        })
    }

    /// Fills the fault fields from the `<Fault>` element around the detail.
    pub(crate) fn read_fault(&mut self, fault: &Element) {
        self.fault_code = fault.child_text("faultcode");
        self.fault_string = fault.child_text("faultstring");
    }

    pub(crate) fn write(&self, w: &mut XmlWriter) {
        write_status(w, &self.status);
    }

    pub(crate) fn fault_code_or_default(&self) -> String {
        self.fault_code.clone().unwrap_or_else(|| {
            if self.status.code.is_client_error() {
                "soap-env:Client".to_owned()
            } else {
                "soap-env:Server".to_owned()
            }
        })
    }

    pub(crate) fn fault_string_or_default(&self) -> String {
        self.fault_string.clone().unwrap_or_else(|| {
            if self.status.code.is_client_error() {
                "Client error".to_owned()
            } else {
                "Server error".to_owned()
            }
        })
    }
}
