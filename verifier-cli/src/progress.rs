//! A minimal progress bar on stderr, drawn only when stderr is a terminal.

use std::io::{IsTerminal, Write};
use std::time::{Duration, Instant};

/// Least time between two redraws.
const REDRAW_EVERY: Duration = Duration::from_millis(100);
/// Width of the bar in characters.
const BAR_WIDTH: usize = 40;

/// Progress towards `total` units (bytes or records); invisible off a terminal.
pub(crate) struct Progress {
    total: u64,
    visible: bool,
    last_draw: Option<Instant>,
}

impl Progress {
    pub(crate) fn new(total: u64) -> Progress {
        Progress {
            total: total.max(1),
            visible: std::io::stderr().is_terminal(),
            last_draw: None,
        }
    }

    /// Redraws with `done` units finished and `records` verified (rate-limited).
    pub(crate) fn update(&mut self, done: u64, records: u64) {
        if !self.visible || self.last_draw.is_some_and(|t| t.elapsed() < REDRAW_EVERY) {
            return;
        }
        self.last_draw = Some(Instant::now());
        let fraction = (done.min(self.total) as f64) / (self.total as f64);
        let filled = (fraction * BAR_WIDTH as f64) as usize;
        let mut err = std::io::stderr().lock();
        // A failed write to the terminal only loses the bar.
        let _ = write!(
            err,
            "\r[{}{}] {:>3.0}%  {records} records",
            "#".repeat(filled),
            " ".repeat(BAR_WIDTH - filled),
            fraction * 100.0
        );
        let _ = err.flush();
    }

    /// Clears the bar.
    pub(crate) fn finish(&mut self) {
        if self.visible && self.last_draw.is_some() {
            let _ = write!(std::io::stderr(), "\r{}\r", " ".repeat(BAR_WIDTH + 40));
        }
    }
}
