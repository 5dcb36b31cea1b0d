//! Generic env var shapes found anywhere in any YAML document (Kubernetes manifests,
//! Helm values, Compose files, GitHub Actions workflows):
//!
//! - sequences of `{name, value}` / `{name, valueFrom}` mappings (Kubernetes `EnvVar`);
//! - `data:` of a `kind: ConfigMap` document, and `stringData:` of a `kind: Secret` (plain
//!   values, often loaded with `envFrom`; a `Secret`'s `data:` is base64, whose text is no
//!   value to compare, and is left out);
//! - mappings under `env:`, `environment:`, `extraEnv:`, `envVars:` (`KEY: scalar`);
//! - sequences of `KEY=value` strings under the same keys (Compose list form).
//!
//! Positions, chosen so that a quick fix can replace `value_range` with a new value
//! written in the same quoting style (`quote`):
//! - `KEY: value`: `value_range` is the whole scalar, quotes included.
//! - `KEY:` (null): empty `value_range` after the `:` and one following space.
//! - `- KEY=value` list items: `name_range` covers `KEY`, `value_range` the text after
//!   `=` up to the end of the scalar. For a quoted item (`- "KEY=value"`) both ranges
//!   are inside the quotes, `quote` is the item's quote style and `raw` is the value part
//!   as written (escapes still in it, no quotes): a fix must escape the new value for
//!   that quote style but must not add quotes.
//! - `- KEY` alone: empty `value_range` right after `KEY`.
//! - `{name: X, valueFrom: ...}` without `value`: empty value, empty `value_range` at the
//!   end of the entry.

use super::yaml::{double_quoted_value, fold_plain, single_quoted_value, Kind, Node, Pair};
use super::{EnvDef, Quote};

/// Keys whose mapping (or list of `KEY=value` strings) holds env vars.
const ENV_KEYS: [&str; 4] = ["env", "environment", "extraEnv", "envVars"];

pub(crate) fn extract(text: &str, roots: &[Node], defs: &mut Vec<EnvDef>) {
    for root in roots {
        visit(text, root, defs);
    }
}

fn visit(text: &str, node: &Node, defs: &mut Vec<EnvDef>) {
    match &node.kind {
        Kind::Map(pairs) => {
            let kind = node.get(text, "kind");
            let is_kind = |name: &str| kind.is_some_and(|k| k.is_scalar(text, name));
            let data_key = if is_kind("ConfigMap") {
                Some("data")
            } else if is_kind("Secret") {
                Some("stringData")
            } else {
                None
            };
            for pair in pairs {
                let Some(value) = &pair.value else { continue };
                let env_key = ENV_KEYS.iter().any(|k| pair.key_is(text, k));
                if !(env_key || data_key.is_some_and(|k| pair.key_is(text, k))) {
                    continue;
                }
                let from = defs.len();
                match &value.kind {
                    Kind::Map(entries) => entries.iter().for_each(|e| map_entry(text, e, defs)),
                    Kind::Seq(items) if env_key => {
                        items.iter().for_each(|i| list_entry(text, i, defs))
                    }
                    _ => {}
                }
                if !env_key && data_key == Some("stringData") {
                    defs[from..].iter_mut().for_each(|d| d.secret = true);
                }
            }
        }
        Kind::Seq(items) => items.iter().for_each(|i| name_value_entry(text, i, defs)),
        _ => {}
    }
    node.for_each_child(|child| visit(text, child, defs));
}

/// A scalar's name: its decoded value and the range inside its quotes.
fn scalar_name(text: &str, node: &Node) -> Option<(String, std::ops::Range<usize>)> {
    let sc = node.scalar()?;
    if sc.block {
        return None;
    }
    let name = sc.value(text, &node.range);
    (!name.is_empty()).then(|| (name, sc.inner.clone()))
}

fn def_with_value(
    name: String,
    name_range: std::ops::Range<usize>,
    value: Option<&Node>,
    empty_at: usize,
    range: std::ops::Range<usize>,
    text: &str,
) -> Option<EnvDef> {
    let (value_range, value, quote) = match value {
        Some(node) => match &node.kind {
            Kind::Scalar(sc) => (node.range.clone(), sc.value(text, &node.range), sc.quote),
            Kind::Null => (empty_at..empty_at, String::new(), Quote::None),
            _ => return None,
        },
        None => (empty_at..empty_at, String::new(), Quote::None),
    };
    Some(EnvDef {
        name,
        name_range,
        raw: text.get(value_range.clone())?.to_string(),
        value_range,
        value,
        quote,
        range,
        secret: false,
    })
}

/// `KEY: value` in an env mapping.
fn map_entry(text: &str, pair: &Pair, defs: &mut Vec<EnvDef>) {
    let Some(key) = &pair.key else { return };
    let Some((name, name_range)) = scalar_name(text, key) else {
        return;
    };
    defs.extend(def_with_value(
        name,
        name_range,
        pair.value.as_ref(),
        pair.value_slot,
        pair.range.clone(),
        text,
    ));
}

/// `- KEY=value` or `- KEY` in an env list.
fn list_entry(text: &str, item: &Node, defs: &mut Vec<EnvDef>) {
    let Some(sc) = item.scalar() else { return };
    if sc.block {
        return;
    }
    let Some(inner) = text.get(sc.inner.clone()) else {
        return;
    };
    let (name_len, value_range) = match inner.find('=') {
        Some(eq) => (eq, sc.inner.start + eq + 1..sc.inner.end),
        None => (inner.len(), sc.inner.end..sc.inner.end),
    };
    let name = inner[..name_len].trim_end();
    if name.is_empty() || name.contains(char::is_whitespace) && name.contains(':') {
        return;
    }
    let raw = &text[value_range.clone()];
    let value = match sc.quote {
        Quote::None => fold_plain(raw),
        Quote::Single => single_quoted_value(raw),
        Quote::Double => double_quoted_value(raw),
    };
    defs.push(EnvDef {
        name: name.to_string(),
        name_range: sc.inner.start..sc.inner.start + name.len(),
        raw: raw.to_string(),
        value_range,
        value,
        quote: sc.quote,
        range: item.range.clone(),
        secret: false,
    });
}

/// `- name: KEY` + `value: v` (or `valueFrom:`) in any sequence.
fn name_value_entry(text: &str, item: &Node, defs: &mut Vec<EnvDef>) {
    let Some(pairs) = item.as_map() else { return };
    let Some(name_node) = item.get(text, "name") else {
        return;
    };
    let value_pair = pairs.iter().find(|p| p.key_is(text, "value"));
    let has_value_from = pairs.iter().any(|p| p.key_is(text, "valueFrom"));
    if value_pair.is_none() && !has_value_from {
        return;
    }
    let Some((name, name_range)) = scalar_name(text, name_node) else {
        return;
    };
    let (value, empty_at) = match value_pair {
        Some(p) => (p.value.as_ref(), p.value_slot),
        None => (None, item.range.end),
    };
    defs.extend(def_with_value(
        name,
        name_range,
        value,
        empty_at,
        item.range.clone(),
        text,
    ));
}

#[cfg(test)]
mod tests {
    use crate::config::{parse_config, ConfigFile, ConfigKind, EnvDef, Quote};

    fn parse(text: &str) -> ConfigFile {
        parse_config(ConfigKind::Yaml, text)
    }

    fn def<'a>(f: &'a ConfigFile, name: &str) -> &'a EnvDef {
        f.defs
            .iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("no {name} in {:#?}", f.defs))
    }

    const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          image: app:1\n          env:\n            - name: DEBUG\n              value: \"false\"\n            - name: PORT\n              value: 3000\n            - name: 'QUOTED'\n              value: 'x'\n            - name: SECRET\n              valueFrom:\n                secretKeyRef: {name: s, key: k}\n          ports:\n            - name: http\n              containerPort: 80\n";

    #[test]
    fn kubernetes_env_var_shape() {
        let t = DEPLOYMENT;
        let f = parse(t);
        assert_eq!(f.defs.len(), 4, "{:#?}", f.defs);
        let d = def(&f, "DEBUG");
        assert_eq!(&t[d.value_range.clone()], "\"false\"");
        assert_eq!(&t[d.name_range.clone()], "DEBUG");
        assert_eq!((d.value.as_str(), d.quote), ("false", Quote::Double));
        assert_eq!(d.raw, "\"false\"");
        assert!(
            t[d.range.clone()].starts_with("name: DEBUG")
                && t[d.range.clone()].ends_with("\"false\"")
        );
        let p = def(&f, "PORT");
        assert_eq!((&t[p.value_range.clone()], p.quote), ("3000", Quote::None));
        let q = def(&f, "QUOTED");
        assert_eq!(&t[q.name_range.clone()], "QUOTED");
        assert_eq!(
            (&t[q.value_range.clone()], q.value.as_str(), q.quote),
            ("'x'", "x", Quote::Single)
        );
        let s = def(&f, "SECRET");
        assert_eq!((s.value.as_str(), s.value_range.len()), ("", 0));
        assert_eq!(
            s.value_range.start,
            t.find("{name: s, key: k}").unwrap() + "{name: s, key: k}".len()
        );
    }

    #[test]
    fn config_map_data_and_multi_document() {
        let t = "kind: Service\ndata:\n  NOT_ENV: x\n---\napiVersion: v1\nkind: ConfigMap\ndata:\n  LOG_LEVEL: debug\n  EMPTY:\n  FEATURE: \"on\"\n";
        let f = parse(t);
        let names: Vec<&str> = f.defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["LOG_LEVEL", "EMPTY", "FEATURE"]);
        let l = def(&f, "LOG_LEVEL");
        assert_eq!(&t[l.value_range.clone()], "debug");
        assert_eq!(&t[l.range.clone()], "LOG_LEVEL: debug");
        let e = def(&f, "EMPTY");
        let at = t.find("EMPTY:").unwrap() + "EMPTY:".len();
        assert_eq!(e.value_range, at..at);
    }

    #[test]
    fn secret_string_data_but_not_its_base64_data() {
        let t = "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData:\n  DB_PASSWORD: hunter2-example\ndata:\n  API_TOKEN: aHVudGVyMg==\n";
        let f = parse(t);
        let names: Vec<&str> = f.defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["DB_PASSWORD"]);
        assert_eq!(def(&f, "DB_PASSWORD").value, "hunter2-example");
        assert!(
            def(&f, "DB_PASSWORD").secret,
            "a Secret's values are secrets"
        );
        let config_map = "kind: ConfigMap\nstringData:\n  NOT_ENV: x\n";
        assert!(parse(config_map).defs.is_empty());
    }

    #[test]
    fn helm_values_env_maps() {
        let t = "image: x\nenv:\n  NODE_ENV: production\n  DEBUG: true\nextraEnv:\n  A: |\n    multi\n    line\nenvVars:\n  B: >\n    folded\n    text\nenvironment: prod\n";
        let f = parse(t);
        assert_eq!(def(&f, "NODE_ENV").raw, "production");
        assert_eq!(def(&f, "DEBUG").raw, "true");
        let a = def(&f, "A");
        assert_eq!((a.value.as_str(), a.quote), ("multi\nline\n", Quote::None));
        assert_eq!(&t[a.value_range.clone()], "|\n    multi\n    line");
        assert_eq!(def(&f, "B").value, "folded text\n");
        assert_eq!(f.defs.len(), 4);
    }

    #[test]
    fn comments_recorded() {
        let t = "env:\n  # readiness-disable-next-line RD001\n  DEBUG: \"true\" # trailing\n";
        let f = parse(t);
        assert_eq!(f.comments.len(), 2);
        assert_eq!(f.comments[0].0, "readiness-disable-next-line RD001");
        assert_eq!(
            &t[f.comments[0].1.clone()],
            "# readiness-disable-next-line RD001"
        );
        assert_eq!(f.comments[1].0, "trailing");
        assert_eq!(def(&f, "DEBUG").value, "true");
    }

    #[test]
    fn syntax_errors_keep_well_formed_parts() {
        let t = "env:\n  GOOD: yes\n  BAD: [unclosed\n\tTAB: x\nother:\n  env:\n    LATER: ok\n";
        let f = parse(t);
        let good = def(&f, "GOOD");
        assert_eq!(&t[good.value_range.clone()], "yes");
        let later = def(&f, "LATER");
        assert_eq!(&t[later.value_range.clone()], "ok");
        assert_eq!(later.name_range.start, t.find("LATER").unwrap());

        let t = "a:\n\tb: 1\nenv:\n  X: 1\n";
        let f = parse(t);
        assert_eq!(def(&f, "X").value_range, t.len() - 2..t.len() - 1);

        let t = "env:\n  A: \"unterminated\n  B: fine\n";
        let f = parse(t);
        assert_eq!(def(&f, "B").raw, "fine");

        let t = "- name: X\n  value: 1\n- name: [\n- name: Y\n  value: 2\n";
        let f = parse(t);
        assert_eq!(def(&f, "X").raw, "1");
        assert_eq!(def(&f, "Y").raw, "2");
    }

    #[test]
    fn config_map_survives_error_recovery() {
        let t = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n\tname: x\ndata:\n  K: v\n";
        let f = parse(t);
        assert_eq!(def(&f, "K").raw, "v");
    }
}
