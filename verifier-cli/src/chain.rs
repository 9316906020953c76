//! `poker-verify chain`: a table's whole exported history, streamed through
//! `fairness::verify_chain` in batches; the first break is reported precisely.

use std::fs::{self, File};
use std::io::{BufRead, BufReader, Read};
use std::path::Path;
use std::time::Instant;

use fairness::{
    verify_chain, HandStatus, Header, KeyRing, Predecessor, SignatureMode, SignedHandRecord,
    VerifyError, MAX_BATCH_RECORDS,
};
use serde_json::json;

use crate::cli::ChainArgs;
use crate::input::{key_ring, load_record, parse_record, read_text, MAX_RECORD_FILE_BYTES};
use crate::outcome::{InputError, Verdict};
use crate::progress::Progress;

/// Most records one run verifies.
pub(crate) const MAX_CHAIN_RECORDS: u64 = 100_000_000;
/// Longest line of a JSON-lines history (one record).
pub(crate) const MAX_LINE_BYTES: usize = MAX_RECORD_FILE_BYTES;
/// Most record files read from one folder (they are all held in memory to be sorted).
pub(crate) const MAX_FOLDER_RECORDS: usize = 200_000;

/// Where the chain breaks.
struct Break {
    /// 1-based position of the failing record in the chain.
    position: u64,
    /// Where it came from: `line 12` or a file name.
    location: String,
    /// Its table and hand, when it could be decoded.
    header: Option<Header>,
    check: &'static str,
    message: String,
    diagnosis: Option<String>,
}

/// Verifies records in order, a batch at a time.
struct ChainVerifier {
    keys: KeyRing,
    mode: SignatureMode,
    predecessor: Predecessor,
    pending: Vec<(SignedHandRecord, String)>,
    last_header: Option<Header>,
    verified: u64,
    first: Option<(Header, String)>,
    last_hash: String,
    completed: u64,
    voids: u64,
    with_server_seeds: u64,
}

impl ChainVerifier {
    fn push(&mut self, record: SignedHandRecord, location: String) -> Result<(), Box<Break>> {
        self.pending.push((record, location));
        if self.pending.len() >= MAX_BATCH_RECORDS {
            self.flush()?;
        }
        Ok(())
    }

    fn flush(&mut self) -> Result<(), Box<Break>> {
        if self.pending.is_empty() {
            return Ok(());
        }
        let batch: Vec<(SignedHandRecord, String)> = std::mem::take(&mut self.pending);
        let records: Vec<SignedHandRecord> = batch.iter().map(|(r, _)| r.clone()).collect();
        match verify_chain(&records, &self.keys, self.predecessor, self.mode) {
            Ok(hands) => {
                for hand in &hands {
                    if self.first.is_none() {
                        self.first = Some((
                            Header {
                                key_id: hand.key_id,
                                table_id: hand.table_id,
                                hand_no: hand.hand_no,
                            },
                            hand.record_hash.to_hex(),
                        ));
                    }
                    match hand.status {
                        HandStatus::Completed => self.completed += 1,
                        _ => self.voids += 1,
                    }
                    if !hand.server_generated_seats.is_empty() {
                        self.with_server_seeds += 1;
                    }
                }
                if let Some(hand) = hands.last() {
                    self.predecessor = Predecessor::Record {
                        hash: hand.record_hash,
                        table_id: hand.table_id,
                        hand_no: hand.hand_no,
                        key_generation: hand.key_generation,
                    };
                    self.last_hash = hand.record_hash.to_hex();
                }
                self.verified += hands.len() as u64;
                self.last_header = records.last().map(|r| *r.header());
                Ok(())
            }
            Err(e) => {
                let previous = match e.index {
                    0 => self.last_header,
                    i => Some(*records[i - 1].header()),
                };
                let header = *records[e.index].header();
                Err(Box::new(Break {
                    position: self.verified + e.index as u64 + 1,
                    location: batch[e.index].1.clone(),
                    header: Some(header),
                    check: e.error.check(),
                    message: e.error.to_string(),
                    diagnosis: diagnose(&e.error, previous, header, self.predecessor),
                }))
            }
        }
    }

    fn malformed(&mut self, location: String, message: String) -> Box<Break> {
        Box::new(Break {
            position: self.verified + self.pending.len() as u64 + 1,
            location,
            header: None,
            check: "malformed",
            message,
            diagnosis: None,
        })
    }
}

/// A plain-words reading of a chain-link failure from the two records' headers.
fn diagnose(
    error: &VerifyError,
    previous: Option<Header>,
    this: Header,
    start: Predecessor,
) -> Option<String> {
    if error.check() != "chain-link" {
        return None;
    }
    let Some(prev) = previous else {
        return Some(match start {
            Predecessor::Genesis => "the first record is not the table's first record (it does not link to the zero hash); give the record before it with --previous".into(),
            _ => "the first record does not follow the record given with --previous".into(),
        });
    };
    Some(if prev.table_id != this.table_id {
        format!(
            "the record is from table {}, the one before it from table {}",
            this.table_id, prev.table_id
        )
    } else if this.hand_no == prev.hand_no {
        format!("duplicate: hand {} appears twice", this.hand_no)
    } else if this.hand_no > prev.hand_no.saturating_add(1) {
        format!(
            "gap: hands {} to {} are missing",
            prev.hand_no + 1,
            this.hand_no - 1
        )
    } else if this.hand_no < prev.hand_no {
        format!(
            "out of order: hand {} comes after hand {}",
            this.hand_no, prev.hand_no
        )
    } else {
        format!(
            "hand {} does not link to the hash of hand {}: one of them was altered or replaced",
            this.hand_no, prev.hand_no
        )
    })
}

pub(crate) fn run(args: &ChainArgs) -> Result<Verdict, InputError> {
    let keys = key_ring(args.key.key.as_deref(), args.key.key_file.as_deref())?;
    let predecessor = match &args.previous {
        Some(path) => {
            let previous = load_record(path)?;
            let hand = match fairness::verify(&previous, &keys, Predecessor::Unknown) {
                Ok(hand) => hand,
                Err(e) => {
                    let message = format!("the --previous record is invalid [{}]: {e}", e.check());
                    if args.json {
                        println!("{}", json!({ "verdict": "invalid", "error": message }));
                    } else {
                        println!("INVALID: {message}");
                    }
                    return Ok(Verdict::Invalid);
                }
            };
            Predecessor::Record {
                hash: hand.record_hash,
                table_id: hand.table_id,
                hand_no: hand.hand_no,
                key_generation: hand.key_generation,
            }
        }
        None => Predecessor::Genesis,
    };
    let mut verifier = ChainVerifier {
        keys,
        mode: if args.strict {
            SignatureMode::Strict
        } else {
            SignatureMode::Batched
        },
        predecessor,
        pending: Vec::with_capacity(MAX_BATCH_RECORDS),
        last_header: None,
        verified: 0,
        first: None,
        last_hash: String::new(),
        completed: 0,
        voids: 0,
        with_server_seeds: 0,
    };
    let started = Instant::now();
    let meta = fs::metadata(&args.input)
        .map_err(|e| InputError::new(format!("cannot read {}: {e}", args.input.display())))?;
    let outcome = if meta.is_dir() {
        feed_folder(&args.input, &mut verifier)?
    } else {
        feed_lines(&args.input, meta.len(), &mut verifier)?
    };
    let seconds = started.elapsed().as_secs_f64();
    let outcome = outcome.and_then(|()| verifier.flush());
    Ok(report(&verifier, outcome, seconds, args))
}

/// Reads a JSON-lines history, feeding records as they come. `Err` is unusable
/// input; `Ok(Err)` is the first break.
fn feed_lines(
    path: &Path,
    size: u64,
    verifier: &mut ChainVerifier,
) -> Result<Result<(), Box<Break>>, InputError> {
    let file = File::open(path)
        .map_err(|e| InputError::new(format!("cannot read {}: {e}", path.display())))?;
    let mut reader = BufReader::new(file);
    let mut progress = Progress::new(size);
    let mut line = Vec::new();
    let mut line_no = 0u64;
    let mut read = 0u64;
    let mut records = 0u64;
    loop {
        line.clear();
        let n = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut line)
            .map_err(|e| InputError::new(format!("cannot read {}: {e}", path.display())))?;
        if n == 0 {
            break;
        }
        line_no += 1;
        read += n as u64;
        if line.len() > MAX_LINE_BYTES {
            return Err(InputError::new(format!(
                "{} line {line_no}: longer than {MAX_LINE_BYTES} bytes",
                path.display()
            )));
        }
        let Ok(text) = std::str::from_utf8(&line) else {
            return Err(InputError::new(format!(
                "{} line {line_no}: not UTF-8 text",
                path.display()
            )));
        };
        if text.trim().is_empty() {
            continue;
        }
        records += 1;
        if records > MAX_CHAIN_RECORDS {
            return Err(InputError::new(format!(
                "more than {MAX_CHAIN_RECORDS} records"
            )));
        }
        let location = format!("line {line_no}");
        let parsed = match parse_record(text, &format!("{} {location}", path.display())) {
            Ok(parsed) => parsed,
            Err(e) => {
                // Breaks before the unreadable line are reported first.
                return match verifier.flush() {
                    Ok(()) => Err(e),
                    Err(brk) => Ok(Err(brk)),
                };
            }
        };
        match parsed {
            Ok(record) => {
                if let Err(brk) = verifier.push(record, location) {
                    progress.finish();
                    return Ok(Err(brk));
                }
            }
            Err(decode) => {
                progress.finish();
                return Ok(verifier
                    .flush()
                    .and(Err(verifier.malformed(location, decode.to_string()))));
            }
        }
        progress.update(read, verifier.verified);
    }
    progress.finish();
    if records == 0 {
        return Err(InputError::new(format!(
            "{}: no records (empty history)",
            path.display()
        )));
    }
    Ok(Ok(()))
}

/// Reads every `.json`/`.hex` record file of a folder, orders them by table and
/// hand number, and feeds them.
fn feed_folder(
    dir: &Path,
    verifier: &mut ChainVerifier,
) -> Result<Result<(), Box<Break>>, InputError> {
    let entries = fs::read_dir(dir)
        .map_err(|e| InputError::new(format!("cannot read {}: {e}", dir.display())))?;
    let mut paths = Vec::new();
    for entry in entries {
        let path = entry
            .map_err(|e| InputError::new(format!("cannot read {}: {e}", dir.display())))?
            .path();
        if path.is_file()
            && matches!(
                path.extension().and_then(|e| e.to_str()),
                Some("json" | "hex")
            )
        {
            if paths.len() >= MAX_FOLDER_RECORDS {
                return Err(InputError::new(format!(
                    "{}: more than {MAX_FOLDER_RECORDS} record files",
                    dir.display()
                )));
            }
            paths.push(path);
        }
    }
    if paths.is_empty() {
        return Err(InputError::new(format!(
            "{}: no record files (*.json, *.hex)",
            dir.display()
        )));
    }
    paths.sort();
    let mut progress = Progress::new(paths.len() as u64);
    let mut records = Vec::with_capacity(paths.len());
    for path in &paths {
        let name = path
            .file_name()
            .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
        let text = read_text(path, MAX_RECORD_FILE_BYTES)?;
        match parse_record(&text, &path.display().to_string())? {
            Ok(record) => records.push((record, name)),
            Err(decode) => return Ok(Err(verifier.malformed(name, decode.to_string()))),
        }
    }
    records.sort_by_key(|(r, _)| (r.header().table_id, r.header().hand_no));
    for (done, (record, name)) in records.into_iter().enumerate() {
        if let Err(brk) = verifier.push(record, name) {
            progress.finish();
            return Ok(Err(brk));
        }
        progress.update(done as u64 + 1, verifier.verified);
    }
    progress.finish();
    Ok(Ok(()))
}

fn report(
    verifier: &ChainVerifier,
    outcome: Result<(), Box<Break>>,
    seconds: f64,
    args: &ChainArgs,
) -> Verdict {
    let rate = if seconds > 0.0 {
        verifier.verified as f64 / seconds
    } else {
        0.0
    };
    let mode = if args.strict { "strict" } else { "batched" };
    let first_hand = verifier.first.as_ref().map(|(h, _)| h.hand_no);
    let last_hand = verifier.last_header.map(|h| h.hand_no);
    let table = verifier.first.as_ref().map(|(h, _)| h.table_id);
    match outcome {
        Ok(()) => {
            if args.json {
                println!(
                    "{}",
                    json!({
                        "verdict": "valid",
                        "records": verifier.verified,
                        "table_id": table,
                        "first_hand": first_hand,
                        "last_hand": last_hand,
                        "first_record_hash": verifier.first.as_ref().map(|(_, h)| h),
                        "last_record_hash": verifier.last_hash,
                        "completed": verifier.completed,
                        "void": verifier.voids,
                        "hands_with_server_generated_seeds": verifier.with_server_seeds,
                        "signatures": mode,
                        "seconds": seconds,
                        "records_per_second": rate,
                    })
                );
            } else {
                println!(
                    "✓ chain valid: {} records, table {}, hands {} to {}",
                    verifier.verified,
                    table.unwrap_or_default(),
                    first_hand.unwrap_or_default(),
                    last_hand.unwrap_or_default()
                );
                println!(
                    "  every record verified, every link checked: no gaps, no duplicates, no reordering"
                );
                println!(
                    "  last record hash {} (compare it with a published checkpoint: dropping the newest records is only detectable that way)",
                    verifier.last_hash
                );
                println!(
                    "  {} completed, {} void; {} hands had seats with server-generated seeds",
                    verifier.completed, verifier.voids, verifier.with_server_seeds
                );
                println!("  signatures checked {mode}; {seconds:.2} s, {rate:.0} records/s");
            }
            Verdict::Valid
        }
        Err(brk) => {
            let hand = brk
                .header
                .map(|h| format!("table {} hand {}", h.table_id, h.hand_no));
            if args.json {
                println!(
                    "{}",
                    json!({
                        "verdict": "invalid",
                        "break": {
                            "record": brk.position,
                            "location": brk.location,
                            "table_id": brk.header.map(|h| h.table_id),
                            "hand_no": brk.header.map(|h| h.hand_no),
                            "check": brk.check,
                            "error": brk.message,
                            "diagnosis": brk.diagnosis,
                        },
                        "verified_before_break": verifier.verified,
                    })
                );
            } else {
                println!(
                    "✗ chain broken at record {} ({}{})",
                    brk.position,
                    brk.location,
                    hand.map_or_else(String::new, |h| format!(", {h}"))
                );
                println!("  FAILED [{}]: {}", brk.check, brk.message);
                if let Some(d) = &brk.diagnosis {
                    println!("  diagnosis: {d}");
                }
                println!(
                    "  the {} records before it verified",
                    brk.position.saturating_sub(1)
                );
            }
            Verdict::Invalid
        }
    }
}
