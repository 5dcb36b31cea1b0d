//! The fast path against the tree-sitter path: equal whenever the fast path accepts.

use std::ops::Range;

use proptest::prelude::*;

use super::super::yaml::{parse_roots, parse_roots_tree_sitter};

type Comments = Vec<(String, Range<usize>)>;

fn base(text: &str) -> usize {
    if text.starts_with('\u{feff}') {
        3
    } else {
        0
    }
}

/// The fast path's output, `None` when it declines (and then `comments` is untouched).
fn fast(text: &str) -> Option<String> {
    let mut comments: Comments = vec![("sentinel".into(), 0..0)];
    match super::parse(text, base(text), &mut comments) {
        Some(roots) => Some(format!("{:?}", (roots, &comments[1..]))),
        None => {
            assert_eq!(comments.len(), 1, "declined but wrote comments: {text:?}");
            None
        }
    }
}

fn reference(text: &str) -> String {
    let mut comments = Vec::new();
    let roots = parse_roots_tree_sitter(text, &mut comments);
    format!("{:?}", (roots, comments))
}

/// Asserts the fast path equals tree-sitter whenever it accepts; tells whether it did.
fn check(text: &str) -> bool {
    let Some(got) = fast(text) else {
        return false;
    };
    assert_eq!(got, reference(text), "fast path differs on {text:?}");
    // And through the public entry point.
    let mut comments = Vec::new();
    let roots = parse_roots(text, &mut comments);
    assert_eq!(format!("{:?}", (roots, comments)), got);
    true
}

const DEPLOYMENT: &str = "\
# A typical manifest
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
  labels:
    app: api
spec:
  replicas: 3
  template:
    spec:
      containers:
        - name: app
          image: registry.example.com/api:1.2.3
          args: [\"--port\", \"8080\"]
          ports:
            - containerPort: 8080
          env:
            - name: LOG_LEVEL
              value: \"info\"
            - name: PORT
              value: '8080'
            - name: EMPTY
              value:
            - name: SECRET
              valueFrom:
                secretKeyRef: {name: s, key: k}
          resources: {}
---
apiVersion: v1
kind: Service
metadata:
  name: api # the service
spec:
  ports:
    - port: 80
      targetPort: 8080
";

const CONFIG_MAP: &str = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: api-config
data:
  DATABASE_URL: postgres://db:5432/app?sslmode=require
  FEATURE_X: \"true\"
  EMPTY:
  # readiness-disable-next-line RD001
  LEGACY: 'it''s'
";

const HELM_VALUES: &str = "\
# Helm values
replicaCount: 1

image:
  repository: registry.example.com/api
  tag: \"1.0.7\"
  pullPolicy: IfNotPresent

env:
  NODE_ENV: production
  SENTRY_DSN: https://abc@sentry.example.com/1 # not a secret
extraEnv:
  - name: LOG_LEVEL
    value: \"debug\"

ingress:
  enabled: false
  hosts:
    - host: api.example.com
      paths: [\"/\"]
  annotations: {}
  tls: []
";

const COMPOSE: &str = "\
services:
  web:
    image: app:latest
    ports:
      - \"8080:8080\"
    environment:
      - DEBUG=true
      - DATABASE_URL=postgres://u:${DB_PASSWORD}@db:5432/app
      - NAME_ONLY
    env_file:
      - .env
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: ${DB_PASSWORD}
      POSTGRES_DB: app
    volumes:
      - db-data:/var/lib/postgresql/data
volumes:
  db-data: {}
";

const WORKFLOW: &str = "\
name: ci
on:
  push:
    branches: [main]
  pull_request:

env:
  LOG_LEVEL: info
  DEV_AUTH_ENABLED: \"false\"

jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - name: Test
        run: |
          make test
          echo \"done\" # part of the script

        env:
          DATABASE_URL: postgres://ci:ci@localhost:5432/ci
      - name: Folded
        run: >-
          ./scripts/backup.sh
          --dry-run
";

#[test]
fn typical_files_take_the_fast_path() {
    for (name, text) in [
        ("deployment", DEPLOYMENT),
        ("configmap", CONFIG_MAP),
        ("helm values", HELM_VALUES),
        ("compose", COMPOSE),
        ("workflow", WORKFLOW),
    ] {
        assert!(check(text), "{name} declined");
        let bom = format!("\u{feff}{text}");
        assert!(check(&bom), "{name} with a BOM declined");
    }
}

#[test]
fn edge_cases_equal_tree_sitter() {
    let accepted = [
        "",
        "\n\n",
        "# only\n",
        "a: 1",
        "a: 1\n\n# end\n",
        "---\na: 1\n",
        "# c\n---\na: 1\n# c\n---\nb: 2\n\n",
        "--- # c\na: 1\n",
        "a:\n  b: 1\n# x\n  c: 3\n",
        "a:\n  b: 1\n\n\n# x\nc: 2\n",
        "-\n- \n-  # c\n- a\n",
        "a:\nb:   \nc:  # z\nd: 1\n",
        "a:\n- x\n- y\nb: 1\n",
        "-\n  a: 1\n- - x\n  - y\n-\n  - z\n",
        "a : 1\n\"a b\": 1\n'k': x\n\"x\":\n",
        "a: x#y\nb: -1\nd: :x\ne: ?x\ng: a,b]c{\nk:x: 1\n",
        "a: |\n  x\n  y\n\n\nb: 1\n",
        "a: |-\n  x\n\n  # notc\n# c\nb: >\n  f\n",
        "a: | # hd\n  x\n",
        "a: |\n  x\n\n",
        "a: |\n  x   \nb: 1\n",
        "a:\n  b: |\n    x\n  # c\n\nc: 1\n",
        "a: [ ]\nb: [\"/\", x]\nc: {}\ne: {k: v, j: \"w\"}\n",
        "k: v # é ✓ 日本\nü: \"ß\"\n",
        "a: \"\\u00e9\\x41\\\"\\\\\"\n",
    ];
    for text in accepted {
        assert!(check(text), "declined: {text:?}");
    }
    let declined = [
        "a: x : y\n",
        "a: b: c\n",
        "c: - x\n",
        "a: \"x\"#c\n",
        "a: \"\\%\"\n",
        "a: \"\\u00g9\"\n",
        "a: \"x\" y\n",
        "a: one\n  two\n",
        "a: &x 1\nb: *x\n",
        "a: !tag 1\n",
        "? a\n: b\n",
        "%YAML 1.2\n---\na: 1\n",
        "a: 1\n...\n",
        "a: 1\n---\n",
        "a:\r\n  b: 1\r\n",
        "a:\n\tb: 1\n",
        "a: |2\n    x\n",
        "a: |\n  x\n   y\n z\n",
        "a: |\n    \n  x\n",
        "a: [b, [c]]\n",
        "a: \"x\n  y\"\n",
        "  a: 1\n",
        "hello\n",
        // tree-sitter-yaml's scanner closes a sequence only at a line not starting with `-`.
        "a:\n- x\n-y: 1\n",
        "a:\n- x\n-#x: 1\n",
        "- a:\n  - x\n  -y: 1\n",
    ];
    for text in declined {
        assert!(!check(text), "accepted: {text:?}");
    }
    // After a BOM, columns count from the BOM's end: accepted or not, never different.
    for text in [
        "\u{feff}- a: 1\n  b: 2\n",
        "\u{feff}- a: 1\n     b: 2\n",
        "\u{feff}- - x\n  - y\n",
        "\u{feff}- - x\n     - y\n",
    ] {
        check(text);
    }
    assert!(check("\u{feff}- a: 1\n  b: 2\n"));
}

#[test]
fn fixture_yaml_files_equal_tree_sitter() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let (mut files, mut accepted) = (0, 0);
    let mut stack = vec![root];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("fixtures").flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                let text = std::fs::read_to_string(&path).expect("utf-8 fixture");
                files += 1;
                accepted += usize::from(check(&text));
            }
        }
    }
    assert!(files >= 10, "found {files} fixture files");
    // Most of them are in the subset; the rest must at least not differ.
    assert!(accepted * 2 > files, "{accepted} of {files} accepted");
}

/// Counts and checks every YAML file under `$READINESS_YAML_CORPUS` (a monorepo, say);
/// does nothing when it is unset.
#[test]
fn corpus_equal_tree_sitter() {
    let Some(root) = std::env::var_os("READINESS_YAML_CORPUS") else {
        return;
    };
    let (mut files, mut accepted) = (0, 0);
    let mut stack = vec![std::path::PathBuf::from(root)];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        for path in entries.flatten().map(|e| e.path()) {
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "yml" || e == "yaml") {
                let Ok(text) = std::fs::read_to_string(&path) else {
                    continue;
                };
                files += 1;
                if check(&text) {
                    accepted += 1;
                } else {
                    eprintln!("declined: {}", path.display());
                }
            }
        }
    }
    eprintln!("fast path accepted {accepted} of {files} YAML files");
}

// ---- generated documents ----

/// Scalars in and around the subset: tricky characters for plain, quoted and flow
/// forms. `wild` adds many that are outside it.
fn scalar(wild: bool) -> BoxedStrategy<String> {
    let tame = prop_oneof![
        4 => "[a-zA-Z0-9_][a-zA-Z0-9_./@${}-]{0,8}",
        2 => "[a-zé✓日/][a-z0-9é()'\"!&*?|>,%@`\\[\\]{}/ -]{0,6}[a-z0-9]",
        1 => "[a-z]{1,3}(:[a-z0-9/]{1,4}|#[a-z]{0,2}|:[\\[{]|-|\\?)*",
        1 => "-[0-9a-z]{1,3}|\\?[a-z]|:[a-z]|---|\\.\\.\\.[a-z]?",
        2 => "\"([a-z :#'-]|\\\\[\"\\\\nt ]|\\\\x[0-9a-f]{2}|\\\\u[0-9a-f]{4}){0,6}\"",
        2 => "'([a-z :#\"\\\\-]|''){0,6}'",
        1 => "\\[( ?([a-z0-9/._-]{1,3}|\"[a-z ]{0,2}\"|'[a-z]{0,2}') ?,){0,2} ?[a-z0-9\"]{1,3} ?\\]|\\[ ?\\]",
        1 => "\\{( ?[a-z]{1,2}: [a-z0-9]{1,2},){0,2} ?[a-z]: [a-z0-9\"']{1,3} ?\\}|\\{ ?\\}",
        1 => Just(String::new()),
    ];
    if !wild {
        return tame.boxed();
    }
    prop_oneof![
        6 => tame,
        2 => "[a-z][a-z0-9 :#./,!&*?|>'\"\\[\\]{}%@`-]{0,8}",
        1 => "[-?:#&*!|>%@`,\\[\\]{}][a-z0-9 :#-]{0,4}",
        2 => "\"([a-z :#'-]|\\\\[\"\\\\nt%]|\\\\x[0-9a-fg]{2}|\\\\u[0-9a-f]{3,4}){0,6}\"?",
        1 => "\\[( ?[a-z0-9\"/'-]{0,3} ?,?){0,3}\\]",
        1 => "\\{( ?[a-z]{1,2}: ?[a-z0-9\"]{0,2},?){0,3} ?\\}",
        1 => "[|>][-+2]?( #[a-z ]{0,3})?",
        1 => "---|\\.\\.\\.|-|- x|[a-z]+: [a-z]+",
    ]
    .boxed()
}

fn key(wild: bool) -> BoxedStrategy<String> {
    let tame = prop_oneof![
        6 => "[a-zA-Z_][a-zA-Z0-9_.-]{0,6}",
        1 => "[a-z][a-z :#'\"/-]{0,5}[a-z]",
        1 => "\"[a-z :#'-]{0,4}\"",
        1 => "'[a-z :#\"-]{0,4}'",
        1 => "[a-z]{1,3} {1,2}",
    ];
    if !wild {
        return tame.boxed();
    }
    prop_oneof![4 => tame, 1 => "[-?:&*!\\[{][a-z]{0,2}"].boxed()
}

fn comment() -> impl Strategy<Value = String> {
    prop_oneof![
        6 => Just(String::new()),
        3 => "  ?# ?[a-z #:é]{0,6} {0,2}",
        1 => "#[a-z]{0,3}",
    ]
}

/// A block value, rendered later at some indentation.
#[derive(Debug, Clone)]
enum Doc {
    Scalar(String, String),
    Map(Vec<(String, String, Doc)>),
    Seq(Vec<(String, Doc)>),
    Block(String, Vec<String>),
}

fn doc(wild: bool) -> impl Strategy<Value = Doc> {
    let leaf = prop_oneof![
        6 => (scalar(wild), comment()).prop_map(|(s, c)| Doc::Scalar(s, c)),
        1 => (
            "[|>][-+]?",
            prop::collection::vec("( {0,3}[a-z#:\"-][a-z #:]{0,6})?", 1..4)
        )
            .prop_map(|(h, lines)| Doc::Block(h, lines)),
    ];
    leaf.prop_recursive(5, 40, 5, move |inner| {
        prop_oneof![
            (prop::collection::vec((key(wild), comment(), inner.clone()), 1..5)).prop_map(Doc::Map),
            (prop::collection::vec((comment(), inner), 1..5)).prop_map(Doc::Seq),
        ]
    })
}

/// Layout choices, consumed as the document is rendered.
struct Layout<'a> {
    bits: &'a [u8],
    at: usize,
}

impl Layout<'_> {
    fn next(&mut self) -> u8 {
        let b = self.bits.get(self.at % self.bits.len().max(1)).copied();
        self.at += 1;
        b.unwrap_or(0)
    }

    /// Occasional blank or comment lines between entries.
    fn trivia(&mut self, indent: usize, out: &mut String) {
        match self.next() % 8 {
            0 => out.push('\n'),
            1 => {
                out.push_str(&" ".repeat(indent));
                out.push_str("# note\n");
            }
            2 => out.push_str("# left\n\n"),
            3 => out.push_str("   \n"),
            _ => {}
        }
    }

    /// Extra indentation for a nested node: usually 2, sometimes other widths or none.
    fn step(&mut self) -> usize {
        match self.next() % 20 {
            0 => 0,
            1 => 1,
            2 => 4,
            3 => 3,
            _ => 2,
        }
    }
}

fn render(d: &Doc, indent: usize, l: &mut Layout, out: &mut String) {
    let pad = " ".repeat(indent);
    match d {
        Doc::Scalar(..) | Doc::Block(..) => {
            // A bare scalar where a block node is expected (out of the subset).
            out.push_str(&pad);
            inline(d, indent, l, out);
        }
        Doc::Map(entries) => {
            for (k, c, v) in entries {
                l.trivia(indent, out);
                out.push_str(&pad);
                out.push_str(k);
                out.push(':');
                match v {
                    Doc::Scalar(..) | Doc::Block(..) => {
                        out.push_str(if l.next() % 6 == 0 { "   " } else { " " });
                        inline(v, indent, l, out);
                    }
                    _ => {
                        out.push_str(c);
                        out.push('\n');
                        let step = l.step();
                        render(v, indent + step, l, out);
                    }
                }
            }
        }
        Doc::Seq(items) => {
            for (c, v) in items {
                l.trivia(indent, out);
                out.push_str(&pad);
                out.push('-');
                match v {
                    Doc::Scalar(..) | Doc::Block(..) => {
                        out.push(' ');
                        inline(v, indent, l, out);
                    }
                    Doc::Map(_) | Doc::Seq(_) if l.next() % 3 != 0 => {
                        // Compact: the nested node starts on the dash's line.
                        let gap = 1 + usize::from(l.next() % 5 == 0);
                        out.push_str(&" ".repeat(gap));
                        let mut nested = String::new();
                        render(v, indent + 1 + gap, l, &mut nested);
                        let trimmed = nested.trim_start_matches([' ', '\n']);
                        out.push_str(trimmed);
                    }
                    _ => {
                        out.push_str(c);
                        out.push('\n');
                        let step = l.step().max(1);
                        render(v, indent + step, l, out);
                    }
                }
            }
        }
    }
}

fn inline(d: &Doc, indent: usize, l: &mut Layout, out: &mut String) {
    match d {
        Doc::Scalar(s, c) => {
            out.push_str(s);
            out.push_str(c);
            out.push('\n');
        }
        Doc::Block(header, lines) => {
            out.push_str(header);
            out.push('\n');
            let content = indent + 1 + usize::from(l.next() % 2);
            for line in lines {
                if !line.is_empty() {
                    out.push_str(&" ".repeat(content));
                }
                out.push_str(line);
                out.push('\n');
            }
        }
        _ => render(d, indent + 2, l, out),
    }
}

fn document(wild: bool) -> impl Strategy<Value = String> {
    (
        prop::collection::vec(doc(wild), 1..3),
        prop::collection::vec(any::<u8>(), 1..64),
        0u8..8,
    )
        .prop_map(|(docs, bits, framing)| {
            let mut l = Layout { bits: &bits, at: 0 };
            let mut out = String::new();
            if framing % 4 == 0 {
                out.push_str("# header\n");
            }
            for (i, d) in docs.iter().enumerate() {
                // A bare scalar as a document is outside the subset: usually wrap it.
                let wrapped;
                let d = match d {
                    Doc::Scalar(..) | Doc::Block(..) if framing != 1 => {
                        wrapped = Doc::Map(vec![("k".into(), String::new(), d.clone())]);
                        &wrapped
                    }
                    _ => d,
                };
                if i > 0 || framing % 3 == 0 {
                    out.push_str(if framing == 5 { "--- # doc\n" } else { "---\n" });
                }
                render(d, 0, &mut l, &mut out);
            }
            if framing == 7 {
                out.pop();
            }
            out
        })
}

/// Small edits that push a document out of (or back into) the subset.
fn mutate(text: &str, at: usize, what: u8) -> String {
    let mut s = text.to_string();
    let mut at = at % (s.len() + 1);
    while !s.is_char_boundary(at) {
        at -= 1;
    }
    let insert = [
        "\t", "\r", " ", "\n", "#", ": ", "- ", "\"", "'", "[", "{", "&a ", "*a", "!t ", "? ", "|",
        "---\n", "...\n", "\u{a0}", "\u{85}", "\u{feff}", "%", "\\",
    ];
    match what as usize % (insert.len() + 2) {
        n if n < insert.len() => s.insert_str(at, insert[n]),
        n if n == insert.len() => {
            let end = s[at..].find('\n').map_or(s.len(), |i| at + i);
            s.replace_range(at..end, "");
        }
        _ => {
            if let Some(c) = s[at..].chars().next() {
                s.replace_range(at..at + c.len_utf8(), "");
            }
        }
    }
    s
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4000))]

    #[test]
    fn generated_documents_equal_tree_sitter(text in document(false)) {
        check(&text);
    }

    #[test]
    fn mutated_documents_equal_tree_sitter(
        text in document(true),
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 1..3),
    ) {
        let mut text = text;
        for (at, what) in edits {
            text = mutate(&text, at, what);
        }
        check(&text);
    }

    #[test]
    fn yaml_like_soup_equals_tree_sitter(
        text in "([ a-z:#'\"|>\\[\\]{},&*!?%.\n-]|\n  |: |- ){0,40}"
    ) {
        check(&text);
    }

    #[test]
    fn never_panics(text in any::<String>()) {
        let mut comments = Vec::new();
        let _ = super::parse(&text, 0, &mut comments);
        let _ = super::parse(&text, text.len().min(3), &mut comments);
    }

    /// Arbitrary strings rarely get past the first check; these stay close to the subset,
    /// and start anywhere (a base past a BOM, or inside a character).
    #[test]
    fn never_panics_near_the_subset(
        text in document(true),
        edits in prop::collection::vec((any::<usize>(), any::<u8>()), 0..4),
        base in any::<usize>(),
    ) {
        let mut text = text;
        for (at, what) in edits {
            text = mutate(&text, at, what);
        }
        let mut comments = Vec::new();
        let _ = super::parse(&text, base % (text.len() + 1), &mut comments);
    }
}

/// The differential tests only prove something for inputs the fast path accepts: make
/// sure the generator lands in the subset often, nested structure and comments included.
#[test]
fn generated_documents_are_often_accepted() {
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;
    let mut runner = TestRunner::deterministic();
    let strategy = document(false);
    let (mut accepted, mut nested, mut commented) = (0, 0, 0);
    let total = 1000;
    for _ in 0..total {
        let text = strategy
            .new_tree(&mut runner)
            .expect("a document")
            .current();
        if check(&text) {
            accepted += 1;
            nested += usize::from(text.contains("\n  "));
            commented += usize::from(text.contains('#'));
        }
    }
    eprintln!("accepted {accepted}/{total}, nested {nested}, with comments {commented}");
    assert!(accepted * 3 > total, "accepted {accepted} of {total}");
    assert!(nested * 2 > accepted && commented * 4 > accepted);
}
