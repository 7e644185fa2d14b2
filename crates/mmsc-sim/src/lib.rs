//! A provider simulator (MMSC) that speaks real MM7 over real HTTP.
//!
//! It will accept SubmitReq the way Sinch does (same checks, same status codes), push
//! DeliverReq and DeliveryReportReq to a relay, play scripted participants and inject
//! faults on demand, so the demo and the tests run against a provider that behaves like the
//! real one.
//!
//! Nothing is implemented yet (issue 5).
