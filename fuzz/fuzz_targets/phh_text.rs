//! Fuzz target: arbitrary bytes as PHH text must never panic, every hand that reads
//! must write back to text that reads as the same hand, and replaying it must not panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use poker_core::phh::{parse_hands_bytes, replay, HandHistory};
use poker_core::OddChipRule;

fuzz_target!(|data: &[u8]| {
    let Ok(hands) = parse_hands_bytes(data) else {
        return;
    };
    for named in hands {
        let written = named.hand.to_phh();
        let reread = HandHistory::parse(&written).expect("canonical text must read back");
        assert_eq!(
            reread, named.hand,
            "canonical text must read as the same hand"
        );
        for rule in [
            OddChipRule::ChipByChipLeftOfButton,
            OddChipRule::WholeRemainderToFirstLeftOfButton,
        ] {
            let _ = replay(&named.hand, rule);
        }
    }
});
