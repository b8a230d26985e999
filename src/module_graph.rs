//! The modules' `crate::` graph has no cycle: proved from the sources themselves.
//!
//! Every file under `src/` is read; each module's references to `crate::<module>` are
//! collected (in `use` items, grouped ones like `use crate::{a, b::{c, d}}` included,
//! and in paths inside the code), comments and string and character literals left
//! out. A module is a file `src/<name>.rs` together with its child modules under
//! `src/<name>/`; a directory whose `mod.rs` only declares its children (`generated`)
//! is a namespace, and each of its files is a module of its own (`generated::shapes`,
//! the model's tables, and `generated::builders`, the senders, sit at opposite ends of
//! the graph). `lib.rs`, the crate root, only declares and registers.
//!
//! A `#[cfg(test)]` module (never in the extension): its `expect`s are on this crate's own
//! source files, not on anything from a user or the network.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::{Path, PathBuf};

/// Each module and the modules it refers to (itself left out).
type Graph = BTreeMap<String, BTreeSet<String>>;

/// `src` with comments, string literals and character literals blanked out (a
/// lifetime stays), so only code is left to read paths from.
fn code_only(src: &str) -> String {
    let c: Vec<char> = src.chars().collect();
    let ident = |i: usize| c[i].is_alphanumeric() || c[i] == '_';
    let mut out = String::with_capacity(src.len());
    let mut i = 0;
    while i < c.len() {
        if c[i] == '/' && c.get(i + 1) == Some(&'/') {
            while i < c.len() && c[i] != '\n' {
                i += 1;
            }
        } else if c[i] == '/' && c.get(i + 1) == Some(&'*') {
            let mut depth = 0;
            while i < c.len() {
                if c[i] == '/' && c.get(i + 1) == Some(&'*') {
                    depth += 1;
                    i += 2;
                } else if c[i] == '*' && c.get(i + 1) == Some(&'/') {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else if c[i] == '"' {
            i += 1;
            while i < c.len() && c[i] != '"' {
                i += if c[i] == '\\' { 2 } else { 1 };
            }
            i += 1;
            out.push_str("\"\"");
        } else if c[i] == 'r'
            && (i == 0 || !ident(i - 1) || (c[i - 1] == 'b' && (i == 1 || !ident(i - 2))))
            && {
                let hashes = c[i + 1..].iter().take_while(|&&h| h == '#').count();
                c.get(i + 1 + hashes) == Some(&'"')
            }
        {
            // A raw string: r"...", r#"..."#, br"...".
            let hashes = c[i + 1..].iter().take_while(|&&h| h == '#').count();
            i += hashes + 2;
            loop {
                if i >= c.len() {
                    break;
                }
                if c[i] == '"'
                    && c[i + 1..]
                        .iter()
                        .take(hashes)
                        .filter(|&&h| h == '#')
                        .count()
                        == hashes
                {
                    i += 1 + hashes;
                    break;
                }
                i += 1;
            }
            out.push_str("\"\"");
        } else if c[i] == '\'' && c.get(i + 1) == Some(&'\\') {
            // '\n', '\'', '\\', '\u{7f}'
            i += 3;
            while i < c.len() && c[i] != '\'' {
                i += 1;
            }
            i += 1;
            out.push_str("' '");
        } else if c[i] == '\'' && c.get(i + 2) == Some(&'\'') {
            i += 3;
            out.push_str("' '");
        } else {
            out.push(c[i]);
            i += 1;
        }
    }
    out
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Ident(String),
    /// `::`
    Sep,
    Punct(char),
}

fn tokens(code: &str) -> Vec<Tok> {
    let c: Vec<char> = code.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < c.len() {
        if c[i].is_alphanumeric() || c[i] == '_' {
            let start = i;
            while i < c.len() && (c[i].is_alphanumeric() || c[i] == '_') {
                i += 1;
            }
            out.push(Tok::Ident(c[start..i].iter().collect()));
        } else if c[i] == ':' && c.get(i + 1) == Some(&':') {
            out.push(Tok::Sep);
            i += 2;
        } else {
            if !c[i].is_whitespace() {
                out.push(Tok::Punct(c[i]));
            }
            i += 1;
        }
    }
    out
}

/// The paths named by the use tree (or plain path) at `t[*i]`, each after `prefix`.
fn tree(t: &[Tok], i: &mut usize, prefix: Vec<String>, out: &mut Vec<Vec<String>>) {
    match t.get(*i) {
        Some(Tok::Punct('{')) => {
            *i += 1;
            loop {
                match t.get(*i) {
                    None => break,
                    Some(Tok::Punct('}')) => {
                        *i += 1;
                        break;
                    }
                    Some(Tok::Punct(',')) => *i += 1,
                    Some(_) => tree(t, i, prefix.clone(), out),
                }
            }
        }
        Some(Tok::Ident(name)) => {
            let mut path = prefix;
            path.push(name.clone());
            *i += 1;
            if t.get(*i) == Some(&Tok::Sep) {
                *i += 1;
                tree(t, i, path, out);
            } else {
                if t.get(*i) == Some(&Tok::Ident("as".into())) {
                    *i += 2;
                }
                out.push(path);
            }
        }
        // `*`, a generic argument list, the end of the path: the path so far.
        _ => {
            *i += 1;
            out.push(prefix);
        }
    }
}

/// Every path that starts with `crate::` in `src` (the segments after `crate`).
fn crate_paths(src: &str) -> Vec<Vec<String>> {
    let t = tokens(&code_only(src));
    let mut out = Vec::new();
    for (i, tok) in t.iter().enumerate() {
        if *tok == Tok::Ident("crate".into()) && t.get(i + 1) == Some(&Tok::Sep) {
            let mut at = i + 2;
            tree(&t, &mut at, Vec::new(), &mut out);
        }
    }
    out
}

/// `dir` and everything under it that ends in `.rs`.
fn rust_files(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("a directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            out.extend(rust_files(&path));
        } else if path.extension().is_some_and(|x| x == "rs") {
            out.push(path);
        }
    }
    out
}

fn stem(path: &Path) -> String {
    path.file_stem()
        .and_then(|s| s.to_str())
        .expect("a file name")
        .to_string()
}

/// Whether a `mod.rs` does nothing but declare its children (`pub mod x;`).
fn only_declares(src: &str) -> bool {
    let t = tokens(&code_only(src));
    let mut rest = &t[..];
    while !rest.is_empty() {
        rest = match rest {
            [Tok::Ident(p), Tok::Ident(m), Tok::Ident(_), Tok::Punct(';'), more @ ..]
                if p == "pub" && m == "mod" =>
            {
                more
            }
            [Tok::Ident(m), Tok::Ident(_), Tok::Punct(';'), more @ ..] if m == "mod" => more,
            _ => return false,
        };
    }
    true
}

/// The modules under `src` and the files of each.
fn modules(src: &Path) -> BTreeMap<String, Vec<PathBuf>> {
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for entry in std::fs::read_dir(src).expect("src/ is readable") {
        let path = entry.expect("a directory entry").path();
        if path.is_dir() {
            let decl = path.join("mod.rs");
            let sibling = path.with_extension("rs");
            if decl.exists() {
                let text = std::fs::read_to_string(&decl).expect("mod.rs is readable");
                if only_declares(&text) {
                    for file in rust_files(&path) {
                        if file != decl {
                            out.insert(format!("{}::{}", stem(&path), stem(&file)), vec![file]);
                        }
                    }
                } else {
                    out.entry(stem(&path))
                        .or_default()
                        .extend(rust_files(&path));
                }
            } else {
                assert!(sibling.exists(), "{} belongs to no module", path.display());
                out.entry(stem(&path))
                    .or_default()
                    .extend(rust_files(&path));
            }
        } else if path.extension().is_some_and(|x| x == "rs") && stem(&path) != "lib" {
            out.entry(stem(&path)).or_default().push(path);
        }
    }
    out
}

/// The module a `crate::` path names: its first segment, or, in a namespace, its
/// first two (every module of the namespace when the path stops at it).
fn targets(path: &[String], known: &BTreeMap<String, Vec<PathBuf>>) -> Vec<String> {
    let Some(first) = path.first() else {
        return vec![String::new()];
    };
    if known.contains_key(first) {
        return vec![first.clone()];
    }
    let inside = format!("{first}::");
    match path.get(1) {
        Some(second) => vec![format!("{inside}{second}")],
        None => known
            .keys()
            .filter(|k| k.starts_with(&inside))
            .cloned()
            .collect(),
    }
}

/// The graph of the sources under `src`.
fn graph(src: &Path) -> Graph {
    let known = modules(src);
    let mut graph = Graph::new();
    let mut unknown = Vec::new();
    for (name, files) in &known {
        let edges = graph.entry(name.clone()).or_default();
        for file in files {
            let text = std::fs::read_to_string(file).expect("a readable source file");
            for path in crate_paths(&text) {
                let to = targets(&path, &known);
                if to.is_empty() {
                    unknown.push(format!("{}: crate::{}", file.display(), path.join("::")));
                }
                for target in to {
                    if !known.contains_key(&target) {
                        unknown.push(format!("{}: crate::{}", file.display(), path.join("::")));
                    } else if &target != name {
                        edges.insert(target);
                    }
                }
            }
        }
    }
    assert!(
        unknown.is_empty(),
        "paths to no known module:\n{}",
        unknown.join("\n")
    );
    graph
}

/// A shortest path from `from` to `to` along the edges (both ends included).
fn path_between(graph: &Graph, from: &str, to: &str) -> Option<Vec<String>> {
    let mut came_from: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = VecDeque::from([from]);
    while let Some(at) = queue.pop_front() {
        for next in graph.get(at).into_iter().flatten() {
            if next == to {
                let mut path = vec![to.to_string(), at.to_string()];
                let mut back = at;
                while back != from {
                    back = came_from[back];
                    path.push(back.to_string());
                }
                path.reverse();
                return Some(path);
            }
            if next != from && !came_from.contains_key(next.as_str()) {
                came_from.insert(next, at);
                queue.push_back(next);
            }
        }
    }
    None
}

/// Every cycle, as the shortest one through each module that is on one
/// (`a -> b -> a`), each cycle named once.
fn cycles(graph: &Graph) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for name in graph.keys() {
        if let Some(cycle) = path_between(graph, name, name) {
            // The same cycle through another of its modules is the same cycle.
            let mut members = cycle[1..].to_vec();
            let start = (0..members.len()).min_by_key(|&k| &members[k]).unwrap_or(0);
            members.rotate_left(start);
            if seen.insert(members) {
                out.push(cycle.join(" -> "));
            }
        }
    }
    out
}

fn show(graph: &Graph) -> String {
    graph
        .iter()
        .map(|(name, to)| {
            let to: Vec<&str> = to.iter().map(String::as_str).collect();
            format!("{name} -> {}", to.join(", "))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn the_module_graph_has_no_cycle() {
    let graph = graph(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"));
    assert!(graph.contains_key("operation") && graph.contains_key("generated::shapes"));
    let found = cycles(&graph);
    assert!(
        found.is_empty(),
        "the crate:: graph has cycles:\n{}\n\nthe graph:\n{}",
        found.join("\n"),
        show(&graph)
    );
}

#[test]
fn paths_are_read_from_code_in_every_form() {
    let src = r##"
        use crate::a;
        use crate::{b, c::{d, e as f}, g::*};
        use crate :: h :: {self, I};
        pub(crate) fn x() { crate::j::k(crate::l::M::<u8>::new()); }
        // crate::not_a_comment
        /* crate::nor /* nested */ crate::this */
        const S: &str = "crate::not_a_string \" crate::still_not";
        const R: &str = r#"crate::not_raw "# crate::m;
        fn lt<'a>(c: char) -> bool { c == '"' || c == '\'' } fn n() { crate::n2::x(); }
    "##;
    let firsts: BTreeSet<String> = crate_paths(src).into_iter().map(|p| p[0].clone()).collect();
    let expected = ["a", "b", "c", "g", "h", "j", "l", "m", "n2"];
    assert_eq!(firsts, expected.iter().map(|s| s.to_string()).collect());
    assert!(crate_paths("use crate::{c::{d, e as f}};")
        .contains(&vec!["c".to_string(), "e".to_string()]));
}

#[test]
fn a_cycle_is_found_and_named() {
    let graph: Graph = [
        ("a", "b"),
        ("b", "c"),
        ("c", "a"),
        ("c", "d"),
        ("d", "e"),
        ("e", "d"),
    ]
    .into_iter()
    .fold(Graph::new(), |mut g, (from, to)| {
        g.entry(from.to_string())
            .or_default()
            .insert(to.to_string());
        g.entry(to.to_string()).or_default();
        g
    });
    assert_eq!(cycles(&graph), ["a -> b -> c -> a", "d -> e -> d"]);
    let mut acyclic = graph.clone();
    for (from, to) in [("c", "a"), ("e", "d")] {
        if let Some(edges) = acyclic.get_mut(from) {
            edges.remove(to);
        }
    }
    assert!(cycles(&acyclic).is_empty());
}

#[test]
fn a_namespace_declares_only() {
    assert!(only_declares(
        "// @generated\npub mod builders;\npub mod shapes;\n"
    ));
    assert!(!only_declares("pub mod shapes;\npub fn f() {}\n"));
}
