//! Compose files: `services.*.env_file` references. (`services.*.environment`, in map
//! and list form, is covered by the generic shapes in [`super::kubernetes`].)

use super::yaml::{Kind, Node};
use super::EnvFileRef;

pub(crate) fn extract(text: &str, roots: &[Node], env_files: &mut Vec<EnvFileRef>) {
    for root in roots {
        for_each_top_map(root, &mut |map| {
            let Some(services) = map.get(text, "services").and_then(Node::as_map) else {
                return;
            };
            for service in services {
                let Some(env_file) = service.value.as_ref().and_then(|s| s.get(text, "env_file"))
                else {
                    continue;
                };
                match &env_file.kind {
                    Kind::Seq(items) => {
                        for item in items {
                            let path_node = if item.as_map().is_some() {
                                item.get(text, "path")
                            } else {
                                Some(item)
                            };
                            push_ref(text, path_node, env_files);
                        }
                    }
                    _ => push_ref(text, Some(env_file), env_files),
                }
            }
        });
    }
}

/// Calls `f` with the document-level mappings (looking through document/ERROR wrappers).
fn for_each_top_map(node: &Node, f: &mut impl FnMut(&Node)) {
    match &node.kind {
        Kind::Map(_) => f(node),
        Kind::Other(children) => children.iter().for_each(|c| for_each_top_map(c, f)),
        _ => {}
    }
}

fn push_ref(text: &str, node: Option<&Node>, env_files: &mut Vec<EnvFileRef>) {
    let Some(node) = node else { return };
    let Some(sc) = node.scalar() else { return };
    if sc.block {
        return;
    }
    let path = sc.value(text, &node.range);
    if !path.is_empty() {
        env_files.push(EnvFileRef {
            path,
            range: sc.inner.clone(),
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::config::{parse_config, ConfigFile, ConfigKind, EnvDef, Quote};

    fn parse(text: &str) -> ConfigFile {
        parse_config(ConfigKind::Compose, text)
    }

    fn def<'a>(f: &'a ConfigFile, name: &str) -> &'a EnvDef {
        f.defs
            .iter()
            .find(|d| d.name == name)
            .unwrap_or_else(|| panic!("no {name} in {:#?}", f.defs))
    }

    #[test]
    fn environment_map_form() {
        let t = "services:\n  web:\n    image: x\n    environment:\n      DEBUG: \"false\"\n      PORT: 3000\n      EMPTY:\n      SINGLE: 'a b'\n";
        let f = parse(t);
        assert_eq!(f.defs.len(), 4);
        let d = def(&f, "DEBUG");
        assert_eq!(&t[d.value_range.clone()], "\"false\"");
        assert_eq!(&t[d.name_range.clone()], "DEBUG");
        assert_eq!(&t[d.range.clone()], "DEBUG: \"false\"");
        assert_eq!((d.value.as_str(), d.quote), ("false", Quote::Double));
        assert_eq!(def(&f, "PORT").raw, "3000");
        let e = def(&f, "EMPTY");
        let at = t.find("EMPTY:").unwrap() + "EMPTY:".len();
        assert_eq!((e.value_range.clone(), e.value.as_str()), (at..at, ""));
        assert_eq!(def(&f, "SINGLE").value, "a b");
    }

    #[test]
    fn environment_list_form() {
        let t = "services:\n  web:\n    environment:\n      - DEBUG=true\n      - \"QUOTED=a \\\"b\\\"\"\n      - 'SQ=it''s'\n      - NAME_ONLY\n      - EMPTY=\n";
        let f = parse(t);
        assert_eq!(f.defs.len(), 5, "{:#?}", f.defs);
        let d = def(&f, "DEBUG");
        assert_eq!(&t[d.name_range.clone()], "DEBUG");
        assert_eq!(&t[d.value_range.clone()], "true");
        assert_eq!(&t[d.range.clone()], "DEBUG=true");
        let q = def(&f, "QUOTED");
        assert_eq!(&t[q.name_range.clone()], "QUOTED");
        assert_eq!(&t[q.value_range.clone()], "a \\\"b\\\"");
        assert_eq!((q.value.as_str(), q.quote), ("a \"b\"", Quote::Double));
        assert_eq!(&t[q.range.clone()], "\"QUOTED=a \\\"b\\\"\"");
        let s = def(&f, "SQ");
        assert_eq!(
            (&t[s.value_range.clone()], s.value.as_str(), s.quote),
            ("it''s", "it's", Quote::Single)
        );
        let n = def(&f, "NAME_ONLY");
        let at = t.find("NAME_ONLY").unwrap() + "NAME_ONLY".len();
        assert_eq!((n.value_range.clone(), n.value.as_str()), (at..at, ""));
        let e = def(&f, "EMPTY");
        let at = t.find("EMPTY=").unwrap() + "EMPTY=".len();
        assert_eq!(e.value_range, at..at);
    }

    #[test]
    fn env_file_forms() {
        let t = "services:\n  a:\n    env_file: .env\n  b:\n    env_file:\n      - ./common.env\n      - \"prod.env\"\n  c:\n    env_file:\n      - path: ./c.env\n        required: false\n";
        let f = parse(t);
        let paths: Vec<(&str, &str)> = f
            .env_files
            .iter()
            .map(|r| (r.path.as_str(), &t[r.range.clone()]))
            .collect();
        assert_eq!(
            paths,
            [
                (".env", ".env"),
                ("./common.env", "./common.env"),
                ("prod.env", "prod.env"),
                ("./c.env", "./c.env")
            ]
        );
        let first = &f.env_files[0];
        assert_eq!(
            first.range,
            t.find(".env\n").unwrap()..t.find(".env\n").unwrap() + 4
        );
    }

    #[test]
    fn crlf_and_bom() {
        let t = "\u{feff}services:\r\n  web:\r\n    environment:\r\n      - A=1\r\n";
        let f = parse(t);
        let a = def(&f, "A");
        assert_eq!(&t[a.value_range.clone()], "1");
        assert_eq!(a.range.start, t.find("A=1").unwrap());
        let t = "\u{feff}services:\r\n  web:\r\n    environment:\r\n      B: \"2\"\r\n    env_file: x.env\r\n";
        let f = parse(t);
        let b = def(&f, "B");
        assert_eq!(&t[b.value_range.clone()], "\"2\"");
        assert_eq!(f.env_files[0].path, "x.env");
    }
}
