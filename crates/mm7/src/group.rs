//! Sinch 10DLC group chat (BRIEF §0.1–0.3, §5).
//!
//! A group message to N participants is N SubmitReqs. Each lists every participant, and
//! exactly one of them carries `displayOnly="false"`: the one that request delivers to.
//! Sinch answers 2571 when none is deliverable and 2572 when more than one is, and an
//! *absent* attribute counts as false, so the builder always writes it explicitly.
//! Validation runs before anything is sent, so those codes never cost a round trip.

use std::collections::HashSet;

use crate::address::{Address, Recipient, RecipientField};
use crate::encode::IdSource;
use crate::error::GroupError;
use crate::message::{Body, Envelope, SubmitReq};
use crate::version::Version;

/// Sinch's cap on group participants.
pub const MAX_PARTICIPANTS: usize = 20;

/// One SubmitReq of a fan-out and the participant it delivers to (store the MessageID its
/// SubmitRsp returns against this participant to match the DLR).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GroupSubmit {
    pub deliver_to: Address,
    pub envelope: Envelope,
}

/// Builds one SubmitReq per participant from `template` (sender identification, subject,
/// content reference …; its recipients are replaced). TransactionIDs come from `ids`, and
/// a missing TimeStamp is filled from its clock.
pub fn fan_out(
    template: &SubmitReq,
    participants: &[Address],
    version: &Version,
    ids: &mut dyn IdSource,
) -> Result<Vec<GroupSubmit>, GroupError> {
    check_participants(participants)?;
    let time_stamp = template.time_stamp.clone().unwrap_or_else(|| ids.now());
    let mut out = Vec::with_capacity(participants.len());
    for (target, deliver_to) in participants.iter().enumerate() {
        let recipients = participants
            .iter()
            .enumerate()
            .map(|(i, p)| Recipient {
                field: RecipientField::To,
                address: Address {
                    display_only: Some(i != target),
                    ..p.clone()
                },
            })
            .collect();
        let request = SubmitReq {
            recipients,
            time_stamp: Some(time_stamp.clone()),
            ..template.clone()
        };
        validate_submit(&request)?;
        out.push(GroupSubmit {
            deliver_to: Address {
                display_only: None,
                ..deliver_to.clone()
            },
            envelope: Envelope::new(version, ids.transaction_id(), Body::SubmitReq(request)),
        });
    }
    Ok(out)
}

fn check_participants(participants: &[Address]) -> Result<(), GroupError> {
    if participants.len() < 2 {
        return Err(GroupError::TooFewParticipants(participants.len()));
    }
    if participants.len() > MAX_PARTICIPANTS {
        return Err(GroupError::TooManyParticipants(participants.len()));
    }
    let mut seen = HashSet::new();
    for p in participants {
        if !seen.insert((p.kind, p.value.as_str())) {
            return Err(GroupError::DuplicateParticipant(p.value.clone()));
        }
    }
    Ok(())
}

/// Rejects what Sinch would reject in a (group) SubmitReq: more than 20 recipients, all
/// display-only (2571), or more than one deliverable (2572, absent attribute = false).
/// A single-recipient SubmitReq is not a group and passes.
pub fn validate_submit(request: &SubmitReq) -> Result<(), GroupError> {
    let all = &request.recipients;
    if all.len() > MAX_PARTICIPANTS {
        return Err(GroupError::TooManyParticipants(all.len()));
    }
    if all.len() < 2 {
        return Ok(());
    }
    let deliverable = all.iter().filter(|r| r.address.is_deliverable()).count();
    match deliverable {
        0 => Err(GroupError::AllDisplayOnly),
        1 => Ok(()),
        n => Err(GroupError::MoreThanOneDeliverable(n)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::encode::SequentialIds;
    use crate::status::StatusCode;

    fn people(n: usize) -> Vec<Address> {
        (0..n)
            .map(|i| Address::number(format!("1202555{i:04}")))
            .collect()
    }

    #[test]
    fn each_request_delivers_to_exactly_one_and_lists_everyone() {
        let mut ids = SequentialIds::new("g", "2026-01-01T00:00:00Z");
        let group = fan_out(
            &SubmitReq::default(),
            &people(3),
            &Version::default(),
            &mut ids,
        )
        .unwrap();
        assert_eq!(group.len(), 3);
        let mut transaction_ids = HashSet::new();
        for (i, g) in group.iter().enumerate() {
            let Body::SubmitReq(req) = &g.envelope.body else {
                panic!()
            };
            assert_eq!(req.recipients.len(), 3);
            assert!(
                req.recipients
                    .iter()
                    .all(|r| r.address.display_only.is_some())
            );
            let live: Vec<_> = req
                .recipients
                .iter()
                .filter(|r| r.address.display_only == Some(false))
                .collect();
            assert_eq!(live.len(), 1);
            assert_eq!(live[0].address.value, people(3)[i].value);
            assert_eq!(g.deliver_to.value, people(3)[i].value);
            assert_eq!(req.time_stamp.as_deref(), Some("2026-01-01T00:00:00Z"));
            assert!(transaction_ids.insert(g.envelope.transaction_id.clone()));
        }
    }

    #[test]
    fn sinch_limits_are_enforced_before_sending() {
        let mut ids = SequentialIds::new("g", "t");
        let v = Version::default();
        assert_eq!(
            fan_out(&SubmitReq::default(), &people(1), &v, &mut ids),
            Err(GroupError::TooFewParticipants(1))
        );
        assert_eq!(
            fan_out(&SubmitReq::default(), &people(21), &v, &mut ids),
            Err(GroupError::TooManyParticipants(21))
        );
        assert!(fan_out(&SubmitReq::default(), &people(20), &v, &mut ids).is_ok());
        let mut twice = people(2);
        twice.push(twice[0].clone());
        assert!(matches!(
            fan_out(&SubmitReq::default(), &twice, &v, &mut ids),
            Err(GroupError::DuplicateParticipant(_))
        ));

        let with = |flags: &[Option<bool>]| SubmitReq {
            recipients: flags
                .iter()
                .zip(people(flags.len()))
                .map(|(f, a)| {
                    Recipient::to(Address {
                        display_only: *f,
                        ..a
                    })
                })
                .collect(),
            ..SubmitReq::default()
        };
        let all_display = validate_submit(&with(&[Some(true), Some(true)])).unwrap_err();
        assert_eq!(all_display, GroupError::AllDisplayOnly);
        assert_eq!(all_display.sinch_status(), Some(StatusCode(2571)));
        // Absent attributes default to false: two of them is two deliverable recipients.
        let defaulted = validate_submit(&with(&[None, None, Some(true)])).unwrap_err();
        assert_eq!(defaulted, GroupError::MoreThanOneDeliverable(2));
        assert_eq!(defaulted.sinch_status(), Some(StatusCode(2572)));
        assert_eq!(validate_submit(&with(&[None])), Ok(()));
        assert_eq!(validate_submit(&with(&[Some(true), None])), Ok(()));
    }
}
