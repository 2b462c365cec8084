//! The `scalesim` command; everything lives in [`scalesim::cli`].

fn main() -> std::process::ExitCode {
    scalesim::cli::main()
}
