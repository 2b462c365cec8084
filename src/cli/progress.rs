//! What `run` and `sweep` show while they work and how they stop: the
//! progress bar (only on a terminal, only after a second) and the Ctrl-C
//! handler that leaves either no outputs or complete ones.

use super::EXIT_INTERRUPTED;
use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::{IsTerminal as _, Write as _};
use std::sync::{Arc, Mutex, mpsc};
use std::time::Duration;

/// The progress bar of a run, counting (replication × architecture) units
/// with an ETA on standard error. It stays hidden for the first second, so
/// short runs print exactly what they always did, and always when standard
/// error is not a terminal or with `--quiet`.
pub(super) struct Progress {
    pub(super) bar: ProgressBar,
    /// Dropped when the run is over, which ends `shower`.
    done: Option<mpsc::Sender<()>>,
    shower: Option<std::thread::JoinHandle<()>>,
    /// Whether the ETA is shown: from the first finished unit on.
    eta: std::sync::Once,
}

impl Progress {
    /// How long a run goes on before its bar appears.
    const DELAY: Duration = Duration::from_secs(1);

    pub(super) fn start(units: u64, visible: bool) -> Progress {
        let bar = ProgressBar::with_draw_target(Some(units), ProgressDrawTarget::hidden());
        if !visible {
            return Progress {
                bar,
                done: None,
                shower: None,
                eta: std::sync::Once::new(),
            };
        }
        bar.set_style(Self::style(false));
        let (tx, rx) = mpsc::channel::<()>();
        let shown = bar.clone();
        // A thread rather than a check in the unit callback: one unit can
        // take longer than the delay.
        let shower = std::thread::spawn(move || {
            if let Err(mpsc::RecvTimeoutError::Timeout) = rx.recv_timeout(Self::DELAY) {
                shown.set_draw_target(ProgressDrawTarget::stderr());
                // Redraws the elapsed time and ETA while a long unit runs.
                shown.enable_steady_tick(Duration::from_millis(200));
                let _ = rx.recv();
            }
        });
        Progress {
            bar,
            done: Some(tx),
            shower: Some(shower),
            eta: std::sync::Once::new(),
        }
    }

    /// The bar's look; the ETA only once there is a rate to base it on.
    fn style(eta: bool) -> ProgressStyle {
        let template = if eta {
            "  {bar:40} {pos}/{len} runs  {elapsed} elapsed, ETA {eta}"
        } else {
            "  {bar:40} {pos}/{len} runs  {elapsed} elapsed"
        };
        ProgressStyle::with_template(template)
            .expect("a valid template")
            .progress_chars("█▉▊▋▌▍▎▏ ")
    }

    /// Called by the run after each (replication × architecture) unit.
    pub(super) fn unit_done(&self) {
        self.bar.inc(1);
        if self.shower.is_some() {
            self.eta.call_once(|| self.bar.set_style(Self::style(true)));
        }
    }

    /// Removes the bar, so that what follows is printed as without it.
    pub(super) fn finish(mut self) {
        drop(self.done.take());
        if let Some(shower) = self.shower.take() {
            let _ = shower.join();
        }
        self.bar.finish_and_clear();
    }
}

/// Where a run is, for the Ctrl-C handler.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Simulating or preparing the outputs: nothing is on disk yet.
    Working,
    /// Writing the output files: Ctrl-C is remembered, not obeyed.
    Publishing { interrupted: bool },
    /// The files are in place; the table and their names are printed.
    Published,
}

/// Ctrl-C during `run`. While nothing has been written, the handler ends
/// the process at once with a one-line message and exit code 130 (the
/// simulation holds no file open). Once the files are being published it
/// only records the signal: `OutputSet::publish` finishes (it takes
/// milliseconds), then the run ends with code 130. After that (printing
/// the table) it ends the process with code 130.
pub(super) struct Interrupt {
    phase: Arc<Mutex<Phase>>,
}

impl Interrupt {
    pub(super) fn install(bar: ProgressBar) -> Interrupt {
        let phase = Arc::new(Mutex::new(Phase::Working));
        let handled = Arc::clone(&phase);
        let installed = ctrlc::set_handler(move || {
            let mut phase = handled.lock().unwrap_or_else(|e| e.into_inner());
            match *phase {
                Phase::Working => {
                    // The lock is held until the process ends, so the run
                    // cannot start publishing meanwhile.
                    bar.finish_and_clear();
                    let mut err = std::io::stderr().lock();
                    if err.is_terminal() {
                        // Over the `^C` the terminal echoed. (After a bar,
                        // which indicatif pads to the terminal's width,
                        // the echo wraps: the bar stays, frozen, above.)
                        let _ = write!(err, "\r\x1b[2K");
                    }
                    let _ = writeln!(err, "scalesim: interrupted; no outputs written");
                    let _ = err.flush();
                    std::process::exit(i32::from(EXIT_INTERRUPTED));
                }
                Phase::Publishing { .. } => *phase = Phase::Publishing { interrupted: true },
                Phase::Published => {
                    eprintln!("scalesim: interrupted");
                    std::process::exit(i32::from(EXIT_INTERRUPTED));
                }
            }
        });
        if let Err(e) = installed {
            // Without the handler Ctrl-C still stops the run, by the
            // default action, and publishing is still atomic as a set
            // (a kill leaves at most the staging folder beside it).
            eprintln!("warning: cannot handle Ctrl-C: {e}");
        }
        Interrupt { phase }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn begin_publishing(&self) {
        *self.lock() = Phase::Publishing { interrupted: false };
    }

    /// Whether Ctrl-C came while the files were being published.
    pub(super) fn end_publishing(&self) -> bool {
        let mut phase = self.lock();
        let interrupted = *phase == Phase::Publishing { interrupted: true };
        *phase = Phase::Published;
        interrupted
    }
}
