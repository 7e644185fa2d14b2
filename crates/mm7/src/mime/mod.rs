//! MIME as MM7 uses it (SOAP with attachments): header blocks, Content-Type parameters,
//! multipart splitting, transfer decodings, and writing parts back out.

pub(crate) mod header;
pub(crate) mod multipart;
pub(crate) mod transfer;
