//! Media for MMS, with no I/O: what a part's bytes really are, whether they are safe to
//! decode, their thumbnails, and how to make an outgoing message fit a carrier's limit.
