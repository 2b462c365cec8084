//! The crate's layering, held by a test: the top-level modules of `src/`
//! in the one order they may depend on each other, and no import cycle
//! between any two files.
//!
//! The test reads the sources as text: every `crate::…` path outside a
//! comment (in `use` lines, grouped `use crate::{…}`, and paths written
//! inline), and every `super::…` path, resolved to the file that defines
//! the module it names. A failure names the file, the line and the edge.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// The top-level modules from the bottom up: each may use those before it
/// and none after it. Basics (time, random streams, number formatting,
/// limits, distributions, file errors) and the event engine come first;
/// then prices, the measurements a run takes, demand, the scenario model,
/// the architectures that run it, what the results decide (analysis), and
/// the edges that turn results into files and commands.
///
/// `kinds` is not a layer: it is cut vertically, one folder per kind, and
/// each of its files sits in the layer of its role ([`KIND_ROLES`]).
const LAYERS: &[&str] = &[
    "time",
    "rng",
    "numbers",
    "limits",
    "dist",
    "file_error",
    "engine",
    "pricing",
    "results",
    "demand",
    "scenario",
    "architectures",
    "shard",
    "analysis",
    "report",
    "sweep",
    "plan",
    "cli",
];

/// Where the files of a kind's folder (`kinds/<kind>/<role>…`) sit: the
/// role is the file's or folder's name, and its layer is that of the
/// module doing the same job for every kind. A kind's `mod.rs` only
/// declares its parts, so it sits at the bottom and cannot re-export one.
const KIND_ROLES: &[(&str, &str)] = &[
    ("results", "results"),
    ("keys", "scenario"),
    ("spec", "scenario"),
    ("estimate", "scenario"),
    ("describe", "scenario"),
    ("model", "architectures"),
    ("bill", "architectures"),
    ("plan", "plan"),
];

/// One `.rs` file of `src/` and the module path it defines.
struct Source {
    path: PathBuf,
    module: Vec<String>,
    text: String,
}

fn sources() -> Vec<Source> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    walk(&root, &mut files);
    files.sort();
    files
        .into_iter()
        .filter(|p| p.file_name().is_some_and(|n| n != "main.rs"))
        .map(|full| {
            let path = full
                .strip_prefix(env!("CARGO_MANIFEST_DIR"))
                .unwrap()
                .to_path_buf();
            let rel = full.strip_prefix(&root).unwrap().with_extension("");
            let mut module: Vec<String> = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect();
            if module.last().is_some_and(|m| m == "mod" || m == "lib") {
                module.pop();
            }
            let text = fs::read_to_string(&full).unwrap();
            Source { path, module, text }
        })
        .collect()
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            walk(&p, out);
        } else if p.extension().is_some_and(|e| e == "rs") {
            out.push(p);
        }
    }
}

/// The code of a line: its `//` comment (doc comments included) cut off
/// and the insides of its string literals blanked, so that neither can
/// pass for a path.
fn code(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut in_string = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' if in_string => {
                chars.next();
                out.push_str("  ");
                continue;
            }
            '"' => in_string = !in_string,
            '\'' if !in_string && chars.peek() == Some(&'"') => {
                // The character literal '"'.
                out.push_str("' '");
                chars.next();
                chars.next();
                continue;
            }
            '/' if !in_string && chars.peek() == Some(&'/') => break,
            _ if in_string => {
                out.push(' ');
                continue;
            }
            _ => {}
        }
        out.push(c);
    }
    out
}

/// Every module path a file names, with its 1-based line: `crate::a::b`
/// as `[a, b]`, `super::x` resolved against the file's own module (and
/// the inline module it sits in, for `mod tests { use super::* }`).
fn paths(src: &Source) -> Vec<(usize, Vec<String>)> {
    let mut found = Vec::new();
    // `use` statements span lines; join each into one string first.
    let mut statement: Option<(usize, String)> = None;
    let mut inline_depth = Vec::new();
    for (n, raw) in src.text.lines().enumerate() {
        let line = &code(raw);
        let trimmed = line.trim_start();
        if let Some(name) = trimmed
            .strip_prefix("mod ")
            .or_else(|| trimmed.strip_prefix("pub mod "))
            .and_then(|rest| rest.strip_suffix(" {"))
        {
            inline_depth.push((name.to_string(), line.len() - trimmed.len()));
        } else if trimmed == "}"
            && inline_depth
                .last()
                .is_some_and(|(_, indent)| *indent == line.len() - trimmed.len())
        {
            inline_depth.pop();
        }
        let mut module = src.module.clone();
        module.extend(inline_depth.iter().map(|(m, _)| m.clone()));
        let is_use = trimmed.starts_with("use ")
            || trimmed.starts_with("pub use ")
            || trimmed.starts_with("pub(crate) use ")
            || trimmed.starts_with("pub(super) use ");
        if statement.is_none() && is_use {
            statement = Some((n + 1, String::new()));
        }
        if let Some((start, text)) = &mut statement {
            text.push_str(line);
            text.push(' ');
            if line.contains(';') {
                let body = text
                    .split_once("use ")
                    .unwrap()
                    .1
                    .split(';')
                    .next()
                    .unwrap();
                for p in expand(body.trim()) {
                    if let Some(resolved) = resolve(&p, &module) {
                        found.push((*start, resolved));
                    }
                }
                statement = None;
            }
            continue;
        }
        // Paths written inline in code.
        for (i, _) in line.match_indices("crate::") {
            if line[..i].ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$') {
                continue;
            }
            let p: Vec<String> = line[i..]
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == ':'))
                .next()
                .unwrap()
                .split("::")
                .filter(|s| !s.is_empty())
                .map(String::from)
                .collect();
            if let Some(resolved) = resolve(&p, &module) {
                found.push((n + 1, resolved));
            }
        }
    }
    found
}

/// `a::{b, c::{d, e}}` as `[a::b, a::c::d, a::c::e]`, each split on `::`.
fn expand(tree: &str) -> Vec<Vec<String>> {
    // `x as y` keeps `x`: mark the rename before dropping the spaces.
    let tree: String = tree
        .replace(" as ", "@")
        .chars()
        .filter(|c| !c.is_whitespace())
        .collect();
    let mut out = Vec::new();
    expand_into(&tree, &mut Vec::new(), &mut out);
    out
}

fn expand_into(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    if let Some(open) = tree.find('{') {
        let head: Vec<String> = tree[..open]
            .split("::")
            .filter(|s| !s.is_empty())
            .map(String::from)
            .collect();
        let inner = &tree[open + 1..tree.rfind('}').unwrap()];
        let len = prefix.len();
        prefix.extend(head);
        for part in split_top(inner) {
            expand_into(part, prefix, out);
        }
        prefix.truncate(len);
    } else {
        let mut p = prefix.clone();
        let leaf = tree.split('@').next().unwrap();
        p.extend(leaf.split("::").filter(|s| !s.is_empty()).map(String::from));
        out.push(p);
    }
}

/// Splits at the commas that are not inside braces.
fn split_top(s: &str) -> Vec<&str> {
    let (mut depth, mut start, mut parts) = (0, 0, Vec::new());
    for (i, c) in s.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                parts.push(&s[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&s[start..]);
    parts.into_iter().filter(|p| !p.is_empty()).collect()
}

/// A path as a module path from the crate root, or `None` for another
/// crate's (`std::…`, `serde::…`).
fn resolve(path: &[String], module: &[String]) -> Option<Vec<String>> {
    let first = path.first()?;
    match first.as_str() {
        "crate" => Some(path[1..].to_vec()),
        "super" | "self" => {
            let mut base = module.to_vec();
            let mut rest = path;
            while let Some(head) = rest.first() {
                match head.as_str() {
                    "super" => {
                        base.pop();
                    }
                    "self" => {}
                    _ => break,
                }
                rest = &rest[1..];
            }
            base.extend(rest.iter().cloned());
            Some(base)
        }
        _ => None,
    }
}

fn rank(module: &str) -> Option<usize> {
    LAYERS.iter().position(|m| *m == module)
}

/// The layer of a module path from the crate root: its top-level module,
/// or for a kind's file the layer of its role; `None` outside the crate's
/// modules, and an error for a kind's file of no known role.
fn layer_of(path: &[String]) -> Result<Option<(usize, String)>, String> {
    let Some(top) = path.first() else {
        return Ok(None);
    };
    if top != "kinds" {
        return Ok(rank(top).map(|r| (r, top.clone())));
    }
    let Some(role) = path.get(2) else {
        // `kinds` itself, or a kind's `mod.rs`: declarations only.
        return Ok(Some((rank("results").unwrap(), path.join("::"))));
    };
    match KIND_ROLES.iter().find(|(r, _)| r == role) {
        Some((_, layer)) => Ok(Some((rank(layer).unwrap(), path[..3].join("::")))),
        None => Err(format!(
            "`{}` has no role the layering knows (KIND_ROLES in tests/it/layering.rs)",
            path[..3].join("::")
        )),
    }
}

#[test]
fn every_top_level_module_is_in_the_layer_order() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut unknown = Vec::new();
    for entry in fs::read_dir(&root).unwrap() {
        let p = entry.unwrap().path();
        let name = p.file_stem().unwrap().to_string_lossy().into_owned();
        if ["lib", "main"].contains(&name.as_str()) {
            continue;
        }
        if rank(&name).is_none() && name != "kinds" {
            unknown.push(name);
        }
    }
    assert!(
        unknown.is_empty(),
        "src/ has top-level modules the layer order in tests/it/layering.rs does not place: {unknown:?}"
    );
}

#[test]
fn no_module_uses_a_module_above_it() {
    let mut wrong = Vec::new();
    for src in sources() {
        let own = match layer_of(&src.module) {
            Ok(Some(own)) => own,
            Ok(None) => continue, // lib.rs declares every module
            Err(e) => {
                wrong.push(format!("{}: {e}", src.path.display()));
                continue;
            }
        };
        for (line, target) in paths(&src) {
            let Ok(Some((r, name))) = layer_of(&target) else {
                continue;
            };
            if r > own.0 {
                wrong.push(format!(
                    "{}:{line}: `{}` uses `{}` ({name}), which is above it",
                    src.path.display(),
                    own.1,
                    target.join("::")
                ));
            }
        }
    }
    assert!(
        wrong.is_empty(),
        "imports against the layer order (tests/it/layering.rs, LAYERS and KIND_ROLES):\n{}",
        wrong.join("\n")
    );
}

#[test]
fn no_two_files_import_each_other_even_through_others() {
    let sources = sources();
    let index: BTreeMap<Vec<String>, usize> = sources
        .iter()
        .enumerate()
        .map(|(i, s)| (s.module.clone(), i))
        .collect();
    // The file that defines the longest module prefix of a path.
    let file_of = |path: &[String]| {
        (0..=path.len())
            .rev()
            .find_map(|k| index.get(&path[..k]).copied())
    };
    let mut edges: Vec<Vec<(usize, usize)>> = vec![Vec::new(); sources.len()];
    for (i, src) in sources.iter().enumerate() {
        for (line, target) in paths(src) {
            let Some(j) = file_of(&target) else { continue };
            // A folder is made of its parts: a `mod.rs` declaring,
            // re-exporting or calling its own sub-modules is composition,
            // not a dependency that can close a circle.
            let descendant = sources[j].module.len() > src.module.len()
                && sources[j].module.starts_with(&src.module);
            if j != i && !descendant {
                edges[i].push((j, line));
            }
        }
    }
    let circles = strongly_connected(&edges);
    let described: Vec<String> = circles
        .iter()
        .map(|c| {
            let mut s = String::from("a circle of files:");
            for &i in c {
                let mut shown = std::collections::BTreeSet::new();
                for &(j, line) in &edges[i] {
                    if c.contains(&j) && shown.insert(j) {
                        s += &format!(
                            "\n  {}:{line} -> {}",
                            sources[i].path.display(),
                            sources[j].path.display()
                        );
                    }
                }
            }
            s
        })
        .collect();
    assert!(circles.is_empty(), "{}", described.join("\n"));
}

/// The strongly connected components of more than one node (Tarjan's
/// algorithm, iterative so that deep graphs cannot overflow the stack).
fn strongly_connected(edges: &[Vec<(usize, usize)>]) -> Vec<Vec<usize>> {
    let n = edges.len();
    let (mut index, mut low, mut on_stack) = (vec![usize::MAX; n], vec![0; n], vec![false; n]);
    let (mut stack, mut out, mut next) = (Vec::new(), Vec::new(), 0);
    for start in 0..n {
        if index[start] != usize::MAX {
            continue;
        }
        let mut work = vec![(start, 0usize)];
        while let Some(&mut (v, ref mut k)) = work.last_mut() {
            if *k == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on_stack[v] = true;
            }
            if let Some(&(w, _)) = edges[v].get(*k) {
                *k += 1;
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on_stack[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            work.pop();
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
            if low[v] == index[v] {
                let mut component = Vec::new();
                while let Some(w) = stack.pop() {
                    on_stack[w] = false;
                    component.push(w);
                    if w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    out.push(component);
                }
            }
        }
    }
    out
}

#[test]
fn the_reader_finds_grouped_relative_and_inline_paths() {
    let src = Source {
        path: PathBuf::from("src/a/b.rs"),
        module: vec!["a".into(), "b".into()],
        text: "use crate::{x, y::{z, w as v}};\nuse super::c::D;\n// use crate::comment;\nfn f() { crate::q::r(); let s = \"crate::not\"; }\nmod tests {\n    use super::*;\n}\n".into(),
    };
    let got: Vec<(usize, String)> = paths(&src)
        .into_iter()
        .map(|(l, p)| (l, p.join("::")))
        .collect();
    let want = [
        (1, "x"),
        (1, "y::z"),
        (1, "y::w"),
        (2, "a::c::D"),
        (4, "q::r"),
        (6, "a::b::*"),
    ];
    assert_eq!(
        got,
        want.iter()
            .map(|(l, p)| (*l, p.to_string()))
            .collect::<Vec<_>>()
    );
}

#[test]
fn a_circle_of_three_is_found_and_a_chain_is_not() {
    let circle = vec![vec![(1, 1)], vec![(2, 1)], vec![(0, 1)], vec![(0, 1)]];
    assert_eq!(strongly_connected(&circle), vec![vec![0, 1, 2]]);
    let chain = vec![vec![(1, 1)], vec![(2, 1)], vec![]];
    assert!(strongly_connected(&chain).is_empty());
}
