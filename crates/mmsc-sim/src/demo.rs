//! The built-in `demo` script: what a new user sees on first launch (DESIGN.md, "The demo
//! is the embedded default"). An insurance agent's auto claim with the driver, the
//! adjuster, the tow service and the driver's spouse, then a listing update with two
//! buyers, one of whom texts "Stop.". Every kind of media the pipeline must handle appears
//! once. It is also the reference example of the script format.

use crate::script::Script;

pub const DEMO_TOML: &str = r#"
name = "demo"
our_number = "12025550100"

[[cast]]
name = "Dana Reyes"
number = "12025550111"
carrier = "att"

[[cast]]
name = "Sam Okafor (adjuster)"
number = "12025550122"
carrier = "verizon"

[[cast]]
name = "Rick's Towing"
number = "12025550133"
carrier = "tmobile"

[[cast]]
name = "Chris Reyes"
number = "12025550144"
carrier = "verizon"

[[cast]]
name = "Priya Natarajan"
number = "12025550155"
carrier = "googlevoice"

[[cast]]
name = "Tom Becker"
number = "12025550166"
carrier = "uscellular"

[[messages]]
at_ms = 0
from = "Dana Reyes"
group = ["Sam Okafor (adjuster)", "Rick's Towing", "Chris Reyes"]
text = "Hi all, I was rear-ended on Route 9 by exit 12. Everyone is OK. Photos of the damage attached."
media = [{ kind = "jpeg", name = "rear-bumper.jpg" }]

[[messages]]
at_ms = 4000
from = "Rick's Towing"
group = ["Dana Reyes", "Sam Okafor (adjuster)", "Chris Reyes"]
text = "Rick's Towing here. Our truck is 20 minutes out. Is the car drivable?"

[[messages]]
at_ms = 8000
from = "Sam Okafor (adjuster)"
group = ["Dana Reyes", "Rick's Towing", "Chris Reyes"]
text = "Thanks Dana. Claim 7-41182 is open. Please send a photo of the other driver's insurance card."

[[messages]]
at_ms = 12000
from = "Dana Reyes"
group = ["Sam Okafor (adjuster)", "Rick's Towing", "Chris Reyes"]
text = "Here it is."
media = [{ kind = "png", name = "insurance-card.png" }]

[[messages]]
at_ms = 16000
from = "Chris Reyes"
group = ["Dana Reyes", "Sam Okafor (adjuster)", "Rick's Towing"]
text = "On my way to pick you up. Which gas station?"

[[messages]]
at_ms = 20000
from = "Rick's Towing"
group = ["Dana Reyes", "Sam Okafor (adjuster)", "Chris Reyes"]
text = "Car is on the truck. Save our card for the yard address."
media = [{ kind = "vcard", name = "Ricks Towing.vcf" }]

[[messages]]
at_ms = 26000
from = "Sam Okafor (adjuster)"
group = ["Dana Reyes", "Rick's Towing", "Chris Reyes"]
text = "Estimate appointment confirmed for Thursday 10am. Details attached."
media = [{ kind = "pdf", name = "claim-7-41182.pdf" }]

[[messages]]
at_ms = 30000
from = "Priya Natarajan"
group = ["Tom Becker"]
text = "Is the open house at 14 Elm St still on for Saturday?"

[[messages]]
at_ms = 34000
from = "Tom Becker"
group = ["Priya Natarajan"]
text = "Love the new kitchen photos!"
media = [{ kind = "gif", name = "kitchen.gif" }]

[[messages]]
at_ms = 38000
from = "Priya Natarajan"
group = ["Tom Becker"]
text = "Voice note about parking."
media = [{ kind = "wav", name = "parking.wav" }]

[[messages]]
at_ms = 44000
from = "Tom Becker"
group = ["Priya Natarajan"]
text = "Stop."
"#;

/// The demo script, parsed.
pub fn demo_script() -> Script {
    Script::parse(DEMO_TOML).expect("the built-in demo script is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_demo_tells_both_stories() {
        let s = demo_script();
        assert_eq!(s.cast.len(), 6);
        assert!(
            s.messages
                .iter()
                .any(|m| m.text.as_deref() == Some("Stop."))
        );
        assert!(s.messages.iter().all(|m| !m.group.is_empty()));
        assert_eq!(s.messages.iter().filter(|m| !m.media.is_empty()).count(), 6);
    }
}
