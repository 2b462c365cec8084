//! Lists the bundled price files (`assets/prices/*.toml`) for the binary
//! to compile in, so that adding a region's or a platform's prices is
//! adding a file, with no code to change.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("assets/prices");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut names: Vec<String> = std::fs::read_dir(&dir)
        .expect("assets/prices is part of the repository")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".toml"))
        .collect();
    // Sorted: the list, and so the catalog's order, must not depend on the
    // file system.
    names.sort();
    let mut code = String::from("&[\n");
    for n in &names {
        let path = dir.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            code,
            "    ({:?}, include_str!({:?})),",
            format!("assets/prices/{n}"),
            path.display().to_string()
        );
    }
    code.push(']');
    let out =
        Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("bundled_prices.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
