//! Shared YAML layer: parses with tree-sitter-yaml and converts the concrete syntax tree
//! into a small owned tree of maps, sequences and scalars with byte ranges, which the
//! shape extractors ([`super::kubernetes`], [`super::compose`]) walk.
//!
//! Syntax errors: tree-sitter wraps what it cannot parse in ERROR nodes; their children
//! become [`Kind::Other`] nodes so that well-formed mappings inside are still visited.

use std::cell::RefCell;
use std::ops::Range;

use tree_sitter::{Node as TsNode, Parser, Tree};

use super::{compose, kubernetes, yaml_fast, ConfigFile, ConfigKind, Quote};

/// Nesting deeper than this is not converted (guards the recursive conversion and the
/// walkers against stack overflow on pathological input such as `[[[[[[...`).
const MAX_DEPTH: usize = 256;

thread_local! {
    static PARSER: RefCell<Option<Parser>> = const { RefCell::new(None) };
}

fn parse_tree(src: &str) -> Option<Tree> {
    PARSER.with(|cell| {
        let mut slot = cell.borrow_mut();
        if slot.is_none() {
            let mut parser = Parser::new();
            parser
                .set_language(&tree_sitter_yaml::LANGUAGE.into())
                .ok()?;
            *slot = Some(parser);
        }
        slot.as_mut()?.parse(src, None)
    })
}

/// A YAML value with its byte range in the original text.
#[derive(Debug, Clone)]
pub(crate) struct Node {
    pub range: Range<usize>,
    pub kind: Kind,
}

#[derive(Debug, Clone)]
pub(crate) enum Kind {
    Map(Vec<Pair>),
    Seq(Vec<Node>),
    Scalar(Scalar),
    /// An empty node (`-` with nothing after it, a lone tag or anchor).
    Null,
    /// Documents, ERROR nodes, aliases: containers of whatever could be converted inside.
    Other(Vec<Node>),
}

#[derive(Debug, Clone)]
pub(crate) struct Pair {
    pub key: Option<Node>,
    pub value: Option<Node>,
    /// The whole `key: value` entry.
    pub range: Range<usize>,
    /// Where an absent value would go: after the `:` and one following space on the line.
    pub value_slot: usize,
}

#[derive(Debug, Clone)]
pub(crate) struct Scalar {
    pub quote: Quote,
    /// `|` or `>` block scalar.
    pub block: bool,
    /// The range inside the quotes (equal to the node range for plain and block scalars).
    pub inner: Range<usize>,
}

impl Node {
    pub fn scalar(&self) -> Option<&Scalar> {
        match &self.kind {
            Kind::Scalar(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_map(&self) -> Option<&[Pair]> {
        match &self.kind {
            Kind::Map(pairs) => Some(pairs),
            _ => None,
        }
    }

    /// The value of `key` in this mapping (first match).
    pub fn get(&self, text: &str, key: &str) -> Option<&Node> {
        self.as_map()?
            .iter()
            .find(|p| p.key_is(text, key))?
            .value
            .as_ref()
    }

    /// Whether this is a scalar whose value equals `s`.
    pub fn is_scalar(&self, text: &str, s: &str) -> bool {
        self.scalar().is_some_and(|sc| sc.eq(text, &self.range, s))
    }

    /// Direct children, for generic walks.
    pub fn for_each_child(&self, mut f: impl FnMut(&Node)) {
        match &self.kind {
            Kind::Map(pairs) => {
                for p in pairs {
                    if let Some(k) = &p.key {
                        f(k);
                    }
                    if let Some(v) = &p.value {
                        f(v);
                    }
                }
            }
            Kind::Seq(items) | Kind::Other(items) => items.iter().for_each(f),
            Kind::Scalar(_) | Kind::Null => {}
        }
    }
}

impl Pair {
    pub fn key_is(&self, text: &str, key: &str) -> bool {
        self.key.as_ref().is_some_and(|k| k.is_scalar(text, key))
    }
}

impl Scalar {
    /// The scalar's value: unquoted, unescaped, folded.
    pub fn value(&self, text: &str, range: &Range<usize>) -> String {
        let raw = text.get(range.clone()).unwrap_or("");
        let inner = text.get(self.inner.clone()).unwrap_or("");
        if self.block {
            return block_scalar_value(raw);
        }
        match self.quote {
            Quote::None => fold_plain(inner),
            Quote::Single => single_quoted_value(inner),
            Quote::Double => double_quoted_value(inner),
        }
    }

    /// Cheap equality check that avoids allocating for the common plain case.
    pub fn eq(&self, text: &str, range: &Range<usize>, s: &str) -> bool {
        let inner = text.get(self.inner.clone()).unwrap_or("");
        if !self.block && self.quote != Quote::Double && !inner.contains(['\n', '\'']) {
            return inner == s;
        }
        self.value(text, range) == s
    }
}

/// Parses YAML and runs every shape extractor relevant to `kind`.
pub(crate) fn parse(kind: ConfigKind, text: &str) -> ConfigFile {
    let mut file = ConfigFile {
        kind,
        defs: Vec::new(),
        env_files: Vec::new(),
        comments: Vec::new(),
    };
    if !may_define_anything(text) {
        return file;
    }
    let roots = parse_roots(text, &mut file.comments);
    kubernetes::extract(text, &roots, &mut file.defs);
    if kind == ConfigKind::Compose {
        compose::extract(text, &roots, &mut file.env_files);
    }
    file.defs
        .sort_by_key(|d| (d.name_range.start, d.value_range.start));
    file.defs.dedup_by_key(|d| d.name_range.clone());
    file
}

/// Whether parsing `text` can find a definition, an `env_file` or a comment: every env
/// shape needs a key spelled `env`/`environment`/`envVars`/`extraEnv`/`env_file`, `value`
/// /`valueFrom`, `data` with `kind: ConfigMap`, or `stringData` with `kind: Secret`; a
/// comment needs `#`. Without a backslash
/// (escapes in double-quoted keys) no key can spell these words without them being in the
/// text, so a file with none of them is not parsed at all (about one YAML file in nine of
/// a monorepo: workflows, charts, plain settings).
fn may_define_anything(text: &str) -> bool {
    let has = |s: &str| memchr::memmem::find(text.as_bytes(), s.as_bytes()).is_some();
    memchr::memchr2(b'\\', b'#', text.as_bytes()).is_some()
        || has("env")
        || has("Env")
        || has("value")
        || (has("data") && has("ConfigMap"))
        || (has("stringData") && has("Secret"))
}

/// Parses `text` into root nodes (one per document, or more when recovering from
/// errors), collecting comments on the way.
///
/// Error recovery: tree-sitter-yaml gives up on the rest of the file at some errors (a
/// tab in indentation, for one). When the tree has errors, the file is re-parsed one
/// top-level section at a time (a section starts at each line that begins in column 0),
/// and the sections' mappings are merged back, so an error only costs its own section.
///
/// Most config files are plain block YAML, which [`yaml_fast`] parses to the same tree
/// about ten times faster; it declines anything else, and tree-sitter parses that.
pub(crate) fn parse_roots(text: &str, comments: &mut Vec<(String, Range<usize>)>) -> Vec<Node> {
    parse_roots_with(text, comments, true)
}

/// [`parse_roots`] without the fast path: the reference it is tested against.
#[cfg(test)]
pub(crate) fn parse_roots_tree_sitter(
    text: &str,
    comments: &mut Vec<(String, Range<usize>)>,
) -> Vec<Node> {
    parse_roots_with(text, comments, false)
}

fn parse_roots_with(
    text: &str,
    comments: &mut Vec<(String, Range<usize>)>,
    fast: bool,
) -> Vec<Node> {
    // tree-sitter-yaml would read a BOM as part of the first key: parse after it and
    // shift every range back by its length.
    let base = if text.starts_with('\u{feff}') { 3 } else { 0 };
    if too_deep(&text[base..]) {
        return Vec::new();
    }
    if fast {
        if let Some(roots) = yaml_fast::parse(text, base, comments) {
            return roots;
        }
    }
    tree_sitter_roots(text, base, comments)
}

fn tree_sitter_roots(
    text: &str,
    base: usize,
    comments: &mut Vec<(String, Range<usize>)>,
) -> Vec<Node> {
    let Some(tree) = parse_tree(&text[base..]) else {
        return Vec::new();
    };
    let conv = Converter { text, base };
    if !tree.root_node().has_error() {
        conv.collect_comments(tree.root_node(), comments);
        return conv.convert_children(tree.root_node(), 0);
    }
    let mut roots: Vec<Node> = Vec::new();
    let mut new_document = true;
    for (range, starts_document) in sections(text, base) {
        new_document |= starts_document;
        let Some(tree) = parse_tree(&text[range.clone()]) else {
            continue;
        };
        let conv = Converter {
            text,
            base: range.start,
        };
        conv.collect_comments(tree.root_node(), comments);
        for node in conv.convert_children(tree.root_node(), 0) {
            let node = unwrap_document(node);
            let merged = match (roots.last_mut(), &node.kind) {
                (Some(prev), Kind::Map(_) | Kind::Seq(_)) if !new_document => merge(prev, node),
                _ => Some(node),
            };
            roots.extend(merged);
            new_document = false;
        }
    }
    roots
}

/// A document node whose only content is one mapping or sequence: that content.
fn unwrap_document(node: Node) -> Node {
    match node.kind {
        Kind::Other(mut children)
            if children.len() == 1 && matches!(children[0].kind, Kind::Map(_) | Kind::Seq(_)) =>
        {
            children.pop().unwrap_or(Node {
                range: node.range,
                kind: Kind::Null,
            })
        }
        kind => Node {
            range: node.range,
            kind,
        },
    }
}

/// Appends `node` to `prev` when both are mappings or both sequences; else returns it.
fn merge(prev: &mut Node, node: Node) -> Option<Node> {
    match (&mut prev.kind, node.kind) {
        (Kind::Map(a), Kind::Map(b)) => {
            a.extend(b);
            prev.range.end = prev.range.end.max(node.range.end);
            None
        }
        (Kind::Seq(a), Kind::Seq(b)) => {
            a.extend(b);
            prev.range.end = prev.range.end.max(node.range.end);
            None
        }
        (_, kind) => Some(Node {
            range: node.range,
            kind,
        }),
    }
}

/// Top-level sections of `text` from `base`: each starts at a line beginning in column 0
/// with content other than a comment. The flag marks sections starting a new document.
fn sections(text: &str, base: usize) -> Vec<(Range<usize>, bool)> {
    let bytes = text.as_bytes();
    let mut out: Vec<(Range<usize>, bool)> = Vec::new();
    let mut start = base;
    let mut starts_document = true;
    let mut pos = base;
    while pos < bytes.len() {
        let line_start = pos;
        let eol = memchr::memchr(b'\n', &bytes[pos..]).map_or(bytes.len(), |i| pos + i + 1);
        let first = bytes[line_start];
        let top_level = !matches!(first, b' ' | b'\t' | b'\r' | b'\n' | b'#');
        if top_level && line_start > start {
            out.push((start..line_start, starts_document));
            starts_document = false;
            start = line_start;
        }
        if bytes[line_start..].starts_with(b"---") || bytes[line_start..].starts_with(b"...") {
            // The marker line belongs to the new document's first section.
            starts_document = true;
        }
        pos = eol;
    }
    if start < bytes.len() {
        out.push((start..bytes.len(), starts_document));
    }
    out
}

/// Whether the tree-sitter-yaml scanner could overflow its fixed 1 KiB state buffer
/// (about 250 nested indentation levels: it asserts, i.e. aborts the process). Counts
/// the distinct columns at which block structure can open: each line's indentation and
/// the columns after leading `- `, `? ` and `: ` indicators.
fn too_deep(text: &str) -> bool {
    const LIMIT: usize = 100;
    let mut seen = [false; 1024];
    let mut distinct = 0usize;
    let mut mark = |col: usize, distinct: &mut usize| {
        if col >= seen.len() || !seen[col] {
            if col < seen.len() {
                seen[col] = true;
            }
            *distinct += 1;
        }
    };
    for line in text.as_bytes().split(|&b| b == b'\n') {
        let mut col = line
            .iter()
            .take_while(|&&b| b == b' ' || b == b'\t')
            .count();
        if col >= line.len() {
            continue;
        }
        mark(col, &mut distinct);
        while col < line.len() && matches!(line[col], b'-' | b'?' | b':' | b'[' | b'{') {
            let mut next = col + 1;
            let opens_flow = matches!(line[col], b'[' | b'{');
            if !opens_flow && next < line.len() && !matches!(line[next], b' ' | b'\t') {
                break;
            }
            while next < line.len() && matches!(line[next], b' ' | b'\t') {
                next += 1;
            }
            col = next;
            mark(col, &mut distinct);
        }
        if distinct > LIMIT {
            return true;
        }
    }
    false
}

struct Converter<'t> {
    text: &'t str,
    base: usize,
}

impl Converter<'_> {
    fn range(&self, node: TsNode) -> Range<usize> {
        let start = (node.start_byte() + self.base).min(self.text.len());
        let end = (node.end_byte() + self.base).clamp(start, self.text.len());
        start..end
    }

    fn collect_comments(&self, root: TsNode, out: &mut Vec<(String, Range<usize>)>) {
        // Walking every token is a noticeable share of the time: skip it when the text
        // cannot contain a comment.
        let src = self.text.get(self.base..).unwrap_or("");
        if memchr::memchr(b'#', src.as_bytes()).is_none() {
            return;
        }
        let mut cursor = root.walk();
        loop {
            let node = cursor.node();
            if node.kind() == "comment" {
                let range = self.range(node);
                if let Some(body) = self.text.get(range.clone()) {
                    let body = body.strip_prefix('#').unwrap_or(body).trim();
                    out.push((body.to_string(), range));
                }
            }
            if cursor.goto_first_child() {
                continue;
            }
            loop {
                if cursor.goto_next_sibling() {
                    break;
                }
                if !cursor.goto_parent() {
                    return;
                }
            }
        }
    }

    fn convert_children(&self, node: TsNode, depth: usize) -> Vec<Node> {
        let mut cursor = node.walk();
        let children: Vec<TsNode> = node.children(&mut cursor).collect();
        let mut out = Vec::new();
        let mut i = 0;
        while i < children.len() {
            let child = children[i];
            // Inside ERROR nodes, tree-sitter leaves `key`, `:`, value as siblings:
            // pair them up again. A run of `k: v` pairs after the colon is the value.
            let is_key = matches!(child.kind(), "flow_node" | "block_node");
            if is_key && children.get(i + 1).is_some_and(|c| c.kind() == ":") {
                let key = self.convert(child, depth + 1);
                let colon_end = self.range(children[i + 1]).end;
                let mut j = i + 2;
                let mut value = None;
                let mut pairs = Vec::new();
                while let Some(next) = children.get(j).filter(|c| c.kind() == "block_mapping_pair")
                {
                    pairs.push(self.pair(*next, depth + 1));
                    j += 1;
                }
                if let (Some(first), Some(last)) = (pairs.first(), pairs.last()) {
                    let range = first.range.start..last.range.end;
                    value = Some(Node {
                        range,
                        kind: Kind::Map(pairs),
                    });
                } else if let Some(next) = children.get(j).filter(|c| {
                    c.is_named()
                        && c.kind() != "ERROR"
                        && children.get(j + 1).is_none_or(|c2| c2.kind() != ":")
                }) {
                    value = self.convert(*next, depth + 1);
                    j += 1;
                }
                let start = key.as_ref().map_or(colon_end, |k| k.range.start);
                let end = value.as_ref().map_or(colon_end, |v| v.range.end);
                let value_slot = if self.text.as_bytes().get(colon_end) == Some(&b' ') {
                    colon_end + 1
                } else {
                    colon_end
                };
                let pair = Pair {
                    key,
                    value,
                    range: start..end,
                    value_slot,
                };
                out.push(Node {
                    range: start..end,
                    kind: Kind::Map(vec![pair]),
                });
                i = j;
                continue;
            }
            if child.is_named() {
                out.extend(self.convert(child, depth + 1));
            }
            i += 1;
        }
        out
    }

    fn convert(&self, node: TsNode, depth: usize) -> Option<Node> {
        if depth > MAX_DEPTH {
            return None;
        }
        let range = self.range(node);
        let kind = match node.kind() {
            "comment" | "anchor" | "tag" | "yaml_directive" | "tag_directive"
            | "reserved_directive" => return None,
            "block_node" | "flow_node" => {
                let mut cursor = node.walk();
                let content = node
                    .named_children(&mut cursor)
                    .find(|c| !matches!(c.kind(), "anchor" | "tag" | "comment"));
                return match content {
                    Some(c) => self.convert(c, depth + 1),
                    None => Some(Node {
                        range,
                        kind: Kind::Null,
                    }),
                };
            }
            "block_mapping" | "flow_mapping" => {
                let mut pairs = Vec::new();
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    match child.kind() {
                        "block_mapping_pair" | "flow_pair" => {
                            pairs.push(self.pair(child, depth + 1))
                        }
                        "comment" => {}
                        // `{a, b}`: keys without values.
                        "flow_node" => {
                            let r = self.range(child);
                            pairs.push(Pair {
                                key: self.convert(child, depth + 1),
                                value: None,
                                value_slot: r.end,
                                range: r,
                            });
                        }
                        // ERROR inside a mapping: keep what is inside, keyless.
                        _ => {
                            if let Some(v) = self.convert(child, depth + 1) {
                                pairs.push(Pair {
                                    key: None,
                                    value_slot: v.range.end,
                                    range: v.range.clone(),
                                    value: Some(v),
                                });
                            }
                        }
                    }
                }
                Kind::Map(pairs)
            }
            "block_mapping_pair" | "flow_pair" => Kind::Map(vec![self.pair(node, depth + 1)]),
            "block_sequence" => {
                let mut items = Vec::new();
                let mut cursor = node.walk();
                for item in node.named_children(&mut cursor) {
                    if item.kind() == "comment" {
                        continue;
                    }
                    if item.kind() != "block_sequence_item" {
                        items.extend(self.convert(item, depth + 1));
                        continue;
                    }
                    let mut c2 = item.walk();
                    let content = item.named_children(&mut c2).find(|c| c.kind() != "comment");
                    let converted = content.and_then(|c| self.convert(c, depth + 1));
                    let ir = self.range(item);
                    items.push(converted.unwrap_or(Node {
                        range: ir.end..ir.end,
                        kind: Kind::Null,
                    }));
                }
                Kind::Seq(items)
            }
            "flow_sequence" => {
                let mut items = Vec::new();
                let mut cursor = node.walk();
                for child in node.named_children(&mut cursor) {
                    items.extend(self.convert(child, depth + 1));
                }
                Kind::Seq(items)
            }
            "plain_scalar" => Kind::Scalar(Scalar {
                quote: Quote::None,
                block: false,
                inner: range.clone(),
            }),
            "double_quote_scalar" | "single_quote_scalar" => {
                let (quote, q) = if node.kind() == "double_quote_scalar" {
                    (Quote::Double, b'"')
                } else {
                    (Quote::Single, b'\'')
                };
                let bytes = self.text.as_bytes();
                let closed = range.len() >= 2 && bytes[range.end - 1] == q;
                let inner = (range.start + 1).min(range.end)..if closed {
                    range.end - 1
                } else {
                    range.end
                };
                Kind::Scalar(Scalar {
                    quote,
                    block: false,
                    inner,
                })
            }
            "block_scalar" => Kind::Scalar(Scalar {
                quote: Quote::None,
                block: true,
                inner: range.clone(),
            }),
            _ => Kind::Other(self.convert_children(node, depth + 1)),
        };
        Some(Node { range, kind })
    }

    fn pair(&self, node: TsNode, depth: usize) -> Pair {
        let range = self.range(node);
        let key = node
            .child_by_field_name("key")
            .and_then(|k| self.convert(k, depth + 1));
        let value = node
            .child_by_field_name("value")
            .and_then(|v| self.convert(v, depth + 1));
        let mut cursor = node.walk();
        let colon_end = node
            .children(&mut cursor)
            .find(|c| c.kind() == ":")
            .map(|c| self.range(c).end)
            .or_else(|| key.as_ref().map(|k| k.range.end))
            .unwrap_or(range.end);
        let value_slot = match self.text.as_bytes().get(colon_end) {
            Some(b' ') => colon_end + 1,
            _ => colon_end,
        };
        Pair {
            key,
            value,
            range,
            value_slot,
        }
    }
}

/// Folds a multi-line flow scalar: line breaks between non-empty lines become one space,
/// each empty line a `\n`; whitespace around breaks is dropped.
fn fold_lines(s: &str) -> String {
    if !s.contains('\n') {
        return s.to_string();
    }
    let mut out = String::with_capacity(s.len());
    let mut empty_run = 0usize;
    for (i, line) in s.split('\n').enumerate() {
        let line = line.trim_end_matches('\r');
        let line = if i == 0 { line.trim_end() } else { line.trim() };
        if i > 0 && line.is_empty() {
            empty_run += 1;
            continue;
        }
        if i > 0 {
            if empty_run == 0 {
                out.push(' ');
            } else {
                out.extend(std::iter::repeat_n('\n', empty_run));
            }
        }
        empty_run = 0;
        out.push_str(line);
    }
    out
}

pub(crate) fn fold_plain(inner: &str) -> String {
    fold_lines(inner)
}

pub(crate) fn single_quoted_value(inner: &str) -> String {
    fold_lines(inner).replace("''", "'")
}

/// Unescapes a YAML double-quoted scalar (without its quotes), folding line breaks.
pub(crate) fn double_quoted_value(inner: &str) -> String {
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.char_indices().peekable();
    while let Some((_, c)) = chars.next() {
        match c {
            '\\' => {
                let Some((_, e)) = chars.next() else {
                    out.push('\\');
                    break;
                };
                match e {
                    '0' => out.push('\0'),
                    'a' => out.push('\u{7}'),
                    'b' => out.push('\u{8}'),
                    't' | '\t' => out.push('\t'),
                    'n' => out.push('\n'),
                    'v' => out.push('\u{b}'),
                    'f' => out.push('\u{c}'),
                    'r' => out.push('\r'),
                    'e' => out.push('\u{1b}'),
                    ' ' => out.push(' '),
                    '"' => out.push('"'),
                    '/' => out.push('/'),
                    '\\' => out.push('\\'),
                    'N' => out.push('\u{85}'),
                    '_' => out.push('\u{a0}'),
                    'L' => out.push('\u{2028}'),
                    'P' => out.push('\u{2029}'),
                    'x' | 'u' | 'U' => {
                        let n = match e {
                            'x' => 2,
                            'u' => 4,
                            _ => 8,
                        };
                        let mut code = 0u32;
                        let mut ok = true;
                        for _ in 0..n {
                            match chars.peek().and_then(|(_, h)| h.to_digit(16)) {
                                Some(d) => {
                                    code = code.wrapping_mul(16).wrapping_add(d);
                                    chars.next();
                                }
                                None => {
                                    ok = false;
                                    break;
                                }
                            }
                        }
                        match char::from_u32(code).filter(|_| ok) {
                            Some(ch) => out.push(ch),
                            None => out.push('\u{fffd}'),
                        }
                    }
                    '\r' | '\n' => {
                        // Escaped line break: joins lines without a space.
                        if e == '\r' && chars.peek().is_some_and(|(_, c)| *c == '\n') {
                            chars.next();
                        }
                        while chars.peek().is_some_and(|(_, c)| *c == ' ' || *c == '\t') {
                            chars.next();
                        }
                    }
                    other => {
                        out.push('\\');
                        out.push(other);
                    }
                }
            }
            '\r' | '\n' => {
                if c == '\r' && chars.peek().is_some_and(|(_, c)| *c == '\n') {
                    chars.next();
                }
                while out.ends_with([' ', '\t']) {
                    out.pop();
                }
                let mut empty = 0;
                loop {
                    while chars.peek().is_some_and(|(_, c)| *c == ' ' || *c == '\t') {
                        chars.next();
                    }
                    match chars.peek().map(|(_, c)| *c) {
                        Some('\n') => {
                            chars.next();
                            empty += 1;
                        }
                        Some('\r') => {
                            chars.next();
                        }
                        _ => break,
                    }
                }
                if empty == 0 {
                    out.push(' ');
                } else {
                    out.extend(std::iter::repeat_n('\n', empty));
                }
            }
            c => out.push(c),
        }
    }
    out
}

/// The content of a `|` or `>` block scalar (header included in `raw`).
fn block_scalar_value(raw: &str) -> String {
    let (header, body) = raw.split_once('\n').unwrap_or((raw, ""));
    let header = header.split('#').next().unwrap_or("").trim();
    let folded = header.starts_with('>');
    let chomp = if header.contains('-') {
        '-'
    } else if header.contains('+') {
        '+'
    } else {
        ' '
    };
    let lines: Vec<&str> = body.split('\n').map(|l| l.trim_end_matches('\r')).collect();
    let indent = lines
        .iter()
        .find(|l| !l.trim().is_empty())
        .map_or(0, |l| l.len() - l.trim_start_matches(' ').len());
    let strip = |l: &str| -> String {
        let cut = l
            .char_indices()
            .take_while(|(i, c)| *i < indent && *c == ' ')
            .count();
        l[cut..].to_string()
    };
    let mut out = String::with_capacity(body.len());
    if folded {
        let mut empty_run = 0usize;
        let mut prev_more_indented = false;
        let mut started = false;
        for l in &lines {
            if l.trim().is_empty() {
                empty_run += 1;
                continue;
            }
            let line = strip(l);
            let more_indented = line.starts_with([' ', '\t']);
            if started {
                if more_indented || prev_more_indented {
                    out.extend(std::iter::repeat_n('\n', empty_run + 1));
                } else if empty_run > 0 {
                    out.extend(std::iter::repeat_n('\n', empty_run));
                } else {
                    out.push(' ');
                }
            }
            out.push_str(&line);
            started = true;
            empty_run = 0;
            prev_more_indented = more_indented;
        }
    } else {
        let last = lines.iter().rposition(|l| !l.trim().is_empty());
        if let Some(last) = last {
            for (i, l) in lines[..=last].iter().enumerate() {
                if i > 0 {
                    out.push('\n');
                }
                out.push_str(&strip(l));
            }
        }
    }
    if !out.is_empty() && chomp != '-' {
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefilter_skips_only_files_without_env_shapes() {
        for (text, defs) in [
            ("name: ci\non: push\njobs: {}\n", 0),
            ("replicaCount: 2\nimage: {repository: app}\n", 0),
            ("env:\n  A: 1\n", 1),
            ("extraEnv: {B: x}\n", 1),
            ("- name: C\n  value: y\n", 1),
            ("kind: ConfigMap\ndata:\n  D: z\n", 1),
            ("kind: Secret\nstringData:\n  S: v\n", 1),
            ("\"\\x65nv\": {E: w}\n", 1),
        ] {
            let f = parse(ConfigKind::Yaml, text);
            assert_eq!(f.defs.len(), defs, "{text:?}: {:?}", f.defs);
            assert_eq!(may_define_anything(text), defs > 0, "{text:?}");
        }
        let f = parse(ConfigKind::Yaml, "a: 1 # readiness-disable-next-line\n");
        assert_eq!(f.comments.len(), 1);
    }

    fn roots(text: &str) -> Vec<Node> {
        parse_roots(text, &mut Vec::new())
    }

    fn doc_map(text: &str) -> Node {
        let r = roots(text);
        let mut found = None;
        fn find(n: &Node, out: &mut Option<Node>) {
            if out.is_some() {
                return;
            }
            if n.as_map().is_some() {
                *out = Some(n.clone());
                return;
            }
            n.for_each_child(|c| find(c, out));
        }
        for n in &r {
            find(n, &mut found);
        }
        found.expect("a mapping")
    }

    fn value_of(text: &str, key: &str) -> (String, Range<usize>, Quote) {
        let map = doc_map(text);
        let node = map.get(text, key).expect("key");
        let sc = node.scalar().expect("scalar");
        (sc.value(text, &node.range), node.range.clone(), sc.quote)
    }

    #[test]
    fn scalar_styles() {
        let text = "a: plain words\nb: 'it''s'\nc: \"x\\ty\\u00e9\\\"\"\nd: 3000\ne: true\n";
        assert_eq!(
            value_of(text, "a"),
            ("plain words".into(), 3..14, Quote::None)
        );
        let (v, r, q) = value_of(text, "b");
        assert_eq!(
            (v.as_str(), &text[r], q),
            ("it's", "'it''s'", Quote::Single)
        );
        let (v, r, q) = value_of(text, "c");
        assert_eq!(
            (v.as_str(), &text[r], q),
            ("x\tyé\"", "\"x\\ty\\u00e9\\\"\"", Quote::Double)
        );
        assert_eq!(value_of(text, "d").0, "3000");
        assert_eq!(value_of(text, "e").0, "true");
    }

    #[test]
    fn block_scalars() {
        let text = "a: |\n  line1\n  line2\nb: >-\n  f1\n  f2\n\n  f3\nc: x\n";
        let (v, r, q) = value_of(text, "a");
        assert_eq!(
            (v.as_str(), &text[r], q),
            ("line1\nline2\n", "|\n  line1\n  line2", Quote::None)
        );
        assert_eq!(value_of(text, "b").0, "f1 f2\nf3");
    }

    #[test]
    fn multiline_flow_scalars() {
        let text = "a: one\n  two\nb: \"x\n  y\\\n  z\"\nc: 'p\n\n  q'\n";
        assert_eq!(value_of(text, "a").0, "one two");
        assert_eq!(value_of(text, "b").0, "x yz");
        assert_eq!(value_of(text, "c").0, "p\nq");
    }

    #[test]
    fn bom_and_crlf_keep_offsets() {
        let text = "\u{feff}key: v\r\nother: w # c\r\n";
        let mut comments = Vec::new();
        let r = parse_roots(text, &mut comments);
        assert!(!r.is_empty());
        assert_eq!(value_of(text, "key"), ("v".into(), 8..9, Quote::None));
        assert_eq!(value_of(text, "other").0, "w");
        assert_eq!(comments, vec![("c".to_string(), 20..23)]);
    }

    #[test]
    fn deep_nesting_does_not_overflow() {
        let text = "[".repeat(100_000);
        let _ = roots(&text);
        let text = "a:\n".to_string() + &"  - ".repeat(5_000);
        let _ = roots(&text);
    }
}
