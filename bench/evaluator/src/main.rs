//! `evaluator-bench`: poker-core's 7-card evaluator against crates.io peers, side by side.
//!
//! Run with `cargo run --release -p fairdeal-bench-evaluator -- [--runs N] [--random-hands N]`.
//! Each measurement is repeated `--runs` times (contenders interleaved, so a noisy
//! neighbour hurts all of them alike) and the median is reported as markdown tables:
//! first rates from the thread's CPU time (time the scheduler gives to other processes
//! on a shared machine is not counted), then the same runs by the wall clock.
//!
//! `--profile-random NAME` (`poker-core`, `seven-cards`, `pokers` or `rs_poker`) times
//! nothing: it evaluates the random hands once with that contender alone, inside
//! `profile_random`, for an instruction count under callgrind (see the README).

mod contenders;
mod random_hands;

use std::hint::black_box;
use std::time::Instant;

use contenders::{Contender, PokerCore, PokerCorePerCard, PokerCoreSevenCards, Pokers, RsPoker};
use random_hands::{random_hands, HAND_SIZE};

/// C(52, 7): every 7-card hand.
const ALL_SEVEN_CARD_HANDS: f64 = 133_784_560.0;
/// Default repetitions per measurement.
const DEFAULT_RUNS: usize = 5;
/// Default number of random hands; each run evaluates them `RANDOM_PASSES` times.
const DEFAULT_RANDOM_HANDS: usize = 2_000_000;
/// Passes over the random array per run (the array stays the same).
const RANDOM_PASSES: usize = 10;
/// Upper bounds on the arguments, so a typo cannot ask for hours or gigabytes.
const MAX_RUNS: usize = 101;
const MAX_RANDOM_HANDS: usize = 50_000_000;
/// Seed of the random hands: fixed, so every run times the same hands.
const RANDOM_SEED: u64 = 0x5EED_F00D;

struct Options {
    runs: usize,
    random_hands: usize,
    /// The contender to run once for a profiler, if any.
    profile: Option<String>,
}

/// Names accepted by `--profile-random`.
const PROFILE_NAMES: [&str; 4] = ["poker-core", "seven-cards", "pokers", "rs_poker"];

fn parse_options() -> Result<Options, String> {
    let mut options = Options {
        runs: DEFAULT_RUNS,
        random_hands: DEFAULT_RANDOM_HANDS,
        profile: None,
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = |max: usize| -> Result<usize, String> {
            let text = args.next().ok_or(format!("{flag} needs a value"))?;
            let n: usize = text
                .parse()
                .map_err(|_| format!("{flag}: bad number {text:?}"))?;
            if n == 0 || n > max {
                return Err(format!("{flag} must be between 1 and {max}"));
            }
            Ok(n)
        };
        match flag.as_str() {
            "--runs" => options.runs = value(MAX_RUNS)?,
            "--random-hands" => options.random_hands = value(MAX_RANDOM_HANDS)?,
            "--profile-random" => {
                let name = args.next().unwrap_or_default();
                if !PROFILE_NAMES.contains(&name.as_str()) {
                    return Err(format!("--profile-random takes one of {PROFILE_NAMES:?}"));
                }
                options.profile = Some(name);
            }
            _ => {
                return Err(format!(
                "unknown argument {flag:?} (use --runs N, --random-hands N, --profile-random NAME)"
            ))
            }
        }
    }
    Ok(options)
}

/// Median of the measured rates.
fn median(mut rates: Vec<f64>) -> f64 {
    rates.sort_by(f64::total_cmp);
    rates[rates.len() / 2]
}

/// CPU time used so far by the calling thread, in seconds.
fn thread_cpu_seconds() -> f64 {
    let now = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
    now.tv_sec as f64 + now.tv_nsec as f64 * 1e-9
}

/// Millions of evaluations per second of one call of `work`, by the thread's CPU time
/// and by the wall clock.
fn measure(evaluations: f64, work: impl FnOnce() -> u64) -> Rates {
    let cpu_start = thread_cpu_seconds();
    let start = Instant::now();
    black_box(work());
    let wall = start.elapsed().as_secs_f64();
    let cpu = thread_cpu_seconds() - cpu_start;
    Rates {
        cpu: evaluations / cpu / 1e6,
        wall: evaluations / wall / 1e6,
    }
}

/// Which of a measurement's two rates to report.
type Clock = fn(&Rates) -> f64;

/// One measurement's rates (millions of evaluations per second).
#[derive(Clone, Copy)]
struct Rates {
    cpu: f64,
    wall: f64,
}

/// One contender's prepared hands and its collected rates.
struct Results<C: Contender> {
    hands: Vec<C::Prepared>,
    enumeration: Vec<Rates>,
    random: Vec<Rates>,
}

impl<C: Contender> Results<C> {
    fn new(hands: &[[u8; HAND_SIZE]]) -> Results<C> {
        Results {
            hands: C::prepare(hands),
            enumeration: Vec::new(),
            random: Vec::new(),
        }
    }

    fn run_once(&mut self) {
        if C::ENUMERATES {
            self.enumeration
                .push(measure(ALL_SEVEN_CARD_HANDS, C::enumerate_all));
        }
        let hands = &self.hands;
        let evaluations = (hands.len() * RANDOM_PASSES) as f64;
        self.random.push(measure(evaluations, || {
            (0..RANDOM_PASSES).fold(0u64, |sum, _| {
                sum.wrapping_add(C::evaluate_random(black_box(hands)))
            })
        }));
    }

    /// Median rates in enumeration order (if measured) and random order, by CPU time
    /// or wall clock.
    fn medians(&self, clock: Clock) -> (Option<f64>, f64) {
        let enumeration =
            C::ENUMERATES.then(|| median(self.enumeration.iter().map(clock).collect()));
        (enumeration, median(self.random.iter().map(clock).collect()))
    }
}

/// One pass of `C` over the prepared random hands, and nothing else: the function a
/// profiler is pointed at (`callgrind --toggle-collect='*profile_random*'`).
#[inline(never)]
fn profile_random<C: Contender>(hands: &[C::Prepared]) -> u64 {
    C::evaluate_random(black_box(hands))
}

/// Whether two evaluators order every adjacent pair of hands the same way.
fn same_order(a: &[u32], b: &[u32]) -> bool {
    a.len() == b.len()
        && a.windows(2)
            .zip(b.windows(2))
            .all(|(x, y)| x[0].cmp(&x[1]) == y[0].cmp(&y[1]))
}

fn main() {
    let options = match parse_options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("evaluator-bench: {message}");
            std::process::exit(2);
        }
    };
    let hands = random_hands(options.random_hands, RANDOM_SEED);
    if let Some(name) = &options.profile {
        let result = match name.as_str() {
            "poker-core" => profile_random::<PokerCore>(&PokerCore::prepare(&hands)),
            "seven-cards" => {
                profile_random::<PokerCoreSevenCards>(&PokerCoreSevenCards::prepare(&hands))
            }
            "pokers" => profile_random::<Pokers>(&Pokers::prepare(&hands)),
            _ => profile_random::<RsPoker>(&RsPoker::prepare(&hands)),
        };
        println!("{name}: best of {} random hands {result:#x}", hands.len());
        return;
    }
    let mut ours = Results::<PokerCore>::new(&hands);
    let mut ours_per_card = Results::<PokerCorePerCard>::new(&hands);
    let mut ours_seven = Results::<PokerCoreSevenCards>::new(&hands);
    let mut pokers = Results::<Pokers>::new(&hands);
    let mut rs_poker = Results::<RsPoker>::new(&hands);

    // The adapters are only fair if they evaluate the same hands: check that all three
    // libraries rank the random hands in the same order before timing anything.
    let reference = PokerCore::ordered_values(&ours.hands);
    let agree_pokers = same_order(&reference, &Pokers::ordered_values(&pokers.hands));
    let agree_rs_poker = same_order(&reference, &RsPoker::ordered_values(&rs_poker.hands));
    let agree_seven = PokerCoreSevenCards::ordered_values(&ours_seven.hands) == reference;
    if !(agree_pokers && agree_rs_poker && agree_seven) {
        eprintln!("evaluator-bench: the contenders disagree on the order of the random hands");
        std::process::exit(1);
    }

    for run in 0..options.runs {
        eprintln!("run {}/{}", run + 1, options.runs);
        ours.run_once();
        ours_per_card.run_once();
        ours_seven.run_once();
        pokers.run_once();
        rs_poker.run_once();
    }

    println!(
        "Median of {} runs; random order: {} pre-generated hands × {} passes.",
        options.runs, options.random_hands, RANDOM_PASSES
    );
    let clocks: [(&str, Clock); 2] = [
        ("thread CPU time", |rates| rates.cpu),
        ("wall clock", |rates| rates.wall),
    ];
    for (clock_name, clock) in clocks {
        let rows = [
            (PokerCore::NAME, ours.medians(clock)),
            (PokerCorePerCard::NAME, ours_per_card.medians(clock)),
            (PokerCoreSevenCards::NAME, ours_seven.medians(clock)),
            (Pokers::NAME, pokers.medians(clock)),
            (RsPoker::NAME, rs_poker.medians(clock)),
        ];
        println!("\nBy {clock_name}:\n");
        print_tables(&rows);
    }
}

/// Rows of the report: poker-core's three, then the two peers.
const OUR_ROWS: usize = 3;
type Row<'a> = (&'a str, (Option<f64>, f64));

/// A rate, or a dash where none was measured.
fn rate_cell(rate: Option<f64>) -> String {
    rate.map_or("–".to_string(), |rate| format!("{rate:.0}"))
}

/// The rates table and the ratio table (each of our rows against each peer row).
fn print_tables(rows: &[Row<'_>]) {
    println!("| evaluator | all 133,784,560 hands, enumeration order (M evals/s) | random hands (M evals/s) |");
    println!("|---|---:|---:|");
    for (name, (enumeration, random)) in rows {
        println!("| {name} | {} | {random:.0} |", rate_cell(*enumeration));
    }
    println!("\n| ratio | enumeration order | random order |");
    println!("|---|---:|---:|");
    for (ours_name, (ours_enum, ours_random)) in &rows[..OUR_ROWS] {
        for (peer_name, (peer_enum, peer_random)) in &rows[OUR_ROWS..] {
            let enumeration = ours_enum
                .zip(*peer_enum)
                .map_or("–".to_string(), |(ours, peer)| {
                    format!("{:.2}", ours / peer)
                });
            println!(
                "| {ours_name} / {peer_name} | {enumeration} | {:.2} |",
                ours_random / peer_random
            );
        }
    }
}
