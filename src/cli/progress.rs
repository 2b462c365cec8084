//! What `run`, `sweep` and `plan` show while they work: the progress bar,
//! only on a terminal and only after a second.

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::sync::mpsc;
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
