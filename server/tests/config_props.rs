//! Property tests: no config parser panics (or aborts) on any input, and every range
//! it returns is in bounds, on character boundaries and consistent with `raw`.

use proptest::prelude::*;
use readiness::config::{classify, parse_config, profile_of, ConfigFile, ConfigKind};

const KINDS: [ConfigKind; 5] = [
    ConfigKind::Dotenv,
    ConfigKind::Compose,
    ConfigKind::Workflow,
    ConfigKind::Yaml,
    ConfigKind::Dockerfile,
];

fn check_range(text: &str, r: &std::ops::Range<usize>) {
    assert!(
        r.start <= r.end && r.end <= text.len(),
        "range {r:?} out of bounds ({})",
        text.len()
    );
    assert!(
        text.is_char_boundary(r.start) && text.is_char_boundary(r.end),
        "range {r:?} splits a char"
    );
}

fn check(text: &str, file: &ConfigFile) {
    for d in &file.defs {
        check_range(text, &d.name_range);
        check_range(text, &d.value_range);
        check_range(text, &d.range);
        assert_eq!(
            d.raw,
            text[d.value_range.clone()],
            "raw must be the text at value_range"
        );
        assert!(!d.name.is_empty());
    }
    for r in &file.env_files {
        check_range(text, &r.range);
    }
    for (body, r) in &file.comments {
        check_range(text, r);
        assert!(
            text[r.clone()].starts_with('#'),
            "comment range {r:?} must start at #"
        );
        assert!(text[r.clone()].contains(body.as_str()));
    }
}

fn parse_all(text: &str) {
    for kind in KINDS {
        let file = parse_config(kind, text);
        assert_eq!(file.kind, kind);
        check(text, &file);
    }
}

const TOKENS: &[&str] = &[
    "env:",
    "environment:",
    "extraEnv:",
    "data:",
    "kind: ConfigMap",
    "services:",
    "web:",
    "env_file:",
    "path:",
    "\n",
    "\n",
    "\n",
    "  ",
    "  ",
    "    ",
    "\t",
    " ",
    "- ",
    "-",
    "name: ",
    "value: ",
    "valueFrom:",
    "\"",
    "'",
    "KEY",
    "A_B",
    "=",
    "val",
    "#",
    " # ",
    "|",
    ">-",
    "|+",
    "[",
    "]",
    "{",
    "}",
    ",",
    ":",
    ": ",
    "---\n",
    "...",
    "\r\n",
    "\r",
    "\\",
    "\\\n",
    "é",
    "日本",
    "\u{feff}",
    "&a ",
    "*a",
    "!!str ",
    "? ",
    "%YAML 1.2\n",
    "ENV ",
    "ARG ",
    "FROM x",
    "RUN <<EOF",
    "EOF",
    "# escape=`",
    "`",
    "$",
    "${{ secrets.X }}",
    "export ",
    "\\\"",
    "\\n",
    "''",
    "\0",
];

fn yamlish() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(TOKENS), 0..120).prop_map(|parts| parts.concat())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    #[test]
    fn any_string_parses(text in any::<String>()) {
        parse_all(&text);
        let _ = classify(&text);
        let _ = profile_of(&text);
    }

    #[test]
    fn any_bytes_lossy_parse(bytes in prop::collection::vec(any::<u8>(), 0..400)) {
        let text = String::from_utf8_lossy(&bytes);
        parse_all(&text);
    }

    #[test]
    fn yamlish_text_parses(text in yamlish()) {
        parse_all(&text);
    }

    #[test]
    fn long_structural_lines_parse(parts in prop::collection::vec(prop::sample::select(&["- ", "? ", ": ", "a", "a:", " ", "  ", "[", "{", "\n", "\t", ",", "\"", "|"][..]), 0..1500)) {
        parse_all(&parts.concat());
    }

    #[test]
    fn paths_never_panic(parts in prop::collection::vec(prop::sample::select(&[".env", "prod", "x", ".yml", "/", ".example", "é", "-", "_", ".", "Dockerfile", "compose", ".github/workflows/", "lock"][..]), 0..8)) {
        let path = parts.concat();
        let _ = classify(&path);
        let _ = profile_of(&path);
    }
}

/// tree-sitter-yaml's scanner aborts the process when its indentation stack outgrows a
/// fixed buffer; deep nesting of every kind must be caught before it gets there.
#[test]
fn deep_yaml_nesting_does_not_abort() {
    for depth in [50, 120, 200, 260, 400, 1000] {
        let nested_maps: String = (0..depth)
            .map(|i| format!("{}k{i}:\n", " ".repeat(i)))
            .collect();
        parse_all(&nested_maps);
        let nested_seqs: String = (0..depth)
            .map(|i| format!("{}-\n", " ".repeat(i)))
            .collect();
        parse_all(&nested_seqs);
        let compact = "- ".repeat(depth) + "x\n";
        parse_all(&compact);
        let compact_maps = "- a: ".repeat(depth) + "x\n";
        parse_all(&compact_maps);
        let keys_on_line = "a: ".repeat(depth) + "x\n";
        parse_all(&keys_on_line);
        let flow = "[".repeat(depth) + &"]".repeat(depth);
        parse_all(&flow);
        let flow_maps = "{a: ".repeat(depth);
        parse_all(&flow_maps);
        let tabs: String = (0..depth)
            .map(|i| format!("{}k{i}:\n", "\t".repeat(i)))
            .collect();
        parse_all(&tabs);
        let questions = "? ".repeat(depth) + "x\n";
        parse_all(&questions);
    }
}
