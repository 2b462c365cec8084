//! How a long command stops on a signal: SIGINT (Ctrl-C), SIGTERM (what
//! a cluster scheduler or `kill` sends) and SIGHUP (a closed terminal)
//! leave either no outputs or complete ones, with one line on standard
//! error and the shell's exit code for the signal (130, 143 or 129).

use indicatif::ProgressBar;
use std::io::{IsTerminal as _, Write as _};
use std::sync::{Arc, Mutex};

/// The signals a run obeys.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Signal {
    /// SIGINT: Ctrl-C on a terminal.
    Interrupt,
    /// SIGTERM: `kill`, Kubernetes stopping a pod, Slurm's `scancel`.
    Terminate,
    /// SIGHUP: the terminal went away.
    Hangup,
}

impl Signal {
    /// 128 + the signal number, as a shell reports a process the signal
    /// killed, so scripts and schedulers read the cause the usual way.
    pub(super) fn exit_code(self) -> u8 {
        match self {
            Signal::Interrupt => 130,
            Signal::Terminate => 143,
            Signal::Hangup => 129,
        }
    }

    pub(super) fn word(self) -> &'static str {
        match self {
            Signal::Interrupt => "interrupted",
            Signal::Terminate => "terminated",
            Signal::Hangup => "hung up",
        }
    }
}

/// Where a run is, for the signal handler.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// Simulating or preparing the outputs: nothing is on disk yet.
    Working,
    /// Writing the output files: a signal is remembered, not obeyed.
    Publishing { signal: Option<Signal> },
    /// The files are in place; the table and their names are printed.
    Published,
}

/// A signal during a command. While nothing has been written, the
/// handler ends the process at once with a one-line message and the
/// signal's exit code (the simulation holds no file open). Once the files
/// are being published it only records the signal: `OutputSet::publish`
/// finishes (it takes milliseconds), then the command ends with the
/// signal's code. After that (printing the table) it ends the process.
pub(super) struct Interrupt {
    phase: Arc<Mutex<Phase>>,
}

impl Interrupt {
    pub(super) fn install(bar: ProgressBar) -> Interrupt {
        let phase = Arc::new(Mutex::new(Phase::Working));
        let handled = Arc::clone(&phase);
        let installed = listen(move |signal| {
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
                    let _ = writeln!(err, "scalesim: {}; no outputs written", signal.word());
                    let _ = err.flush();
                    std::process::exit(i32::from(signal.exit_code()));
                }
                Phase::Publishing { signal: None } => {
                    *phase = Phase::Publishing {
                        signal: Some(signal),
                    }
                }
                // A second signal while publishing: the first one decides.
                Phase::Publishing { .. } => {}
                Phase::Published => {
                    eprintln!("scalesim: {}", signal.word());
                    std::process::exit(i32::from(signal.exit_code()));
                }
            }
        });
        if let Err(e) = installed {
            // Without the handler a signal still stops the run, by the
            // default action, and publishing is still atomic as a set
            // (a kill leaves at most the staging folder beside it).
            eprintln!("warning: cannot handle interrupts: {e}");
        }
        Interrupt { phase }
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Phase> {
        self.phase.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub(super) fn begin_publishing(&self) {
        *self.lock() = Phase::Publishing { signal: None };
    }

    /// The signal that came while the files were being published, if any;
    /// from now on a signal ends the process at once.
    pub(super) fn end_publishing(&self) -> Option<Signal> {
        let mut phase = self.lock();
        let signal = match *phase {
            Phase::Publishing { signal } => signal,
            _ => None,
        };
        *phase = Phase::Published;
        signal
    }
}

/// Calls `on_signal` on a thread of its own for every SIGINT, SIGTERM and
/// SIGHUP.
/// (A thread, not a handler in signal context: it takes a lock and
/// prints, which a signal handler must not do.)
#[cfg(unix)]
fn listen(on_signal: impl Fn(Signal) + Send + 'static) -> std::io::Result<()> {
    use signal_hook::consts::{SIGHUP, SIGINT, SIGTERM};
    let mut signals = signal_hook::iterator::Signals::new([SIGINT, SIGTERM, SIGHUP])?;
    std::thread::Builder::new()
        .name("signals".into())
        .spawn(move || {
            for s in signals.forever() {
                on_signal(match s {
                    SIGTERM => Signal::Terminate,
                    SIGHUP => Signal::Hangup,
                    _ => Signal::Interrupt,
                });
            }
        })?;
    Ok(())
}

/// Elsewhere only Ctrl-C (and the console's close events) can be caught.
#[cfg(not(unix))]
fn listen(on_signal: impl Fn(Signal) + Send + 'static) -> std::io::Result<()> {
    ctrlc::set_handler(move || on_signal(Signal::Interrupt)).map_err(std::io::Error::other)
}
