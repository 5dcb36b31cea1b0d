//! `env-mismatch`: production config sets a variable to a value the checklist forbids.

use super::secret_in_repo::{display_def_value, display_value};
use super::{ChecklistCx, Rule, RuleInfo};
use foldhash::{HashMap, HashMapExt};

use crate::config::{EnvDef, Profile, Quote, Resolved};
use crate::model::{FileEdit, Finding, Fix, Related, Severity};
use crate::workspace::DefSite;

pub struct EnvMismatch;

static INFO: RuleInfo = RuleInfo {
    code: "env-mismatch",
    severity: Severity::Error,
    summary: "a production config sets a variable to another value than the checklist requires",
    explain: include_str!("docs/env-mismatch.md"),
};

/// Booleans compare by meaning (`True`, `"yes"`, `1`); everything else exactly.
fn normalize_bool(v: &str) -> Option<bool> {
    let v = v.trim().trim_matches(|c| c == '"' || c == '\'');
    // Compared without a lower-cased copy: this runs for every required value and every
    // production definition of its variable.
    let is = |words: [&str; 4]| words.iter().any(|w| v.eq_ignore_ascii_case(w));
    if is(["true", "yes", "on", "1"]) {
        Some(true)
    } else if is(["false", "no", "off", "0"]) {
        Some(false)
    } else {
        None
    }
}

pub(crate) fn values_agree(required: &str, actual: &str) -> bool {
    match (normalize_bool(required), normalize_bool(actual)) {
        (Some(a), Some(b)) => a == b,
        _ => required == actual,
    }
}

/// The value a production definition compares by: its `${NAME:-default}` default (and
/// whether it is one), or none when only the environment running the file knows it.
pub(crate) fn compared_value(def: &EnvDef) -> Option<(&str, bool)> {
    match def.resolved() {
        Resolved::Literal(v) => Some((v, false)),
        Resolved::Default(v) => Some((v, true)),
        Resolved::Unknown => None,
    }
}

/// The edit that sets a definition's value, keeping its quoting, and for a
/// `${NAME:-default}` setting the default, so the environment can still override it.
pub(crate) fn set_value_edit(path: &str, def: &EnvDef, value: &str) -> FileEdit {
    let mut range = def.value_range.clone();
    if def.quotes_in_range() {
        range = range.start + 1..range.end - 1;
    }
    if let Resolved::Default(default) = def.resolved() {
        // Only where the file spells the value as read (no escapes to shift offsets).
        let offset = range.start - def.value_range.start;
        if def.raw.get(offset..offset + range.len()) == Some(def.value.as_str()) {
            // The default ends right before the closing `}`.
            range = range.end - 1 - default.len()..range.end - 1;
        }
    }
    let text = match def.quote {
        Quote::Double => value.replace('\\', "\\\\").replace('"', "\\\""),
        _ => value.to_string(),
    };
    FileEdit::Replace {
        path: path.to_string(),
        range,
        text,
    }
}

impl Rule for EnvMismatch {
    fn info(&self) -> &'static RuleInfo {
        &INFO
    }

    fn locality(&self) -> super::Locality {
        super::Locality::ItemAndLine
    }

    fn check_checklist(&self, cx: &ChecklistCx, out: &mut Vec<Finding>) {
        let scope = cx.ws.scope_of(cx.path);
        // The production definitions disagreeing with each (name, value) a checklist
        // requires, looked up once: long checklists repeat requirements, and each lookup
        // walks the variable's definitions through the file map.
        let mut disagreeing: HashMap<(&str, &str), Vec<(&DefSite, &EnvDef)>> = HashMap::new();
        for req in &cx.doc.env_requirements {
            let Some(required) = &req.value else { continue };
            if !cx.in_view(req.range.start) {
                continue;
            }
            let sites = disagreeing
                .entry((&*req.name, &**required))
                .or_insert_with(|| {
                    cx.ws
                        .env_defs_in(&req.name, scope)
                        .iter()
                        .filter(|site| site.profile == Profile::Production)
                        .filter_map(|site| {
                            let def = site.def()?;
                            let (actual, _) = compared_value(def)?;
                            (!values_agree(required, actual)).then_some((site, def))
                        })
                        .collect()
                });
            if sites.is_empty() {
                continue;
            }
            // Masked (or not) once: each check of a value for secrets scans it for
            // credential formats.
            let wanted = display_value(&req.name, required);
            for &(site, def) in sites.iter() {
                // Backticks included: a default says so after its value.
                let shown = match compared_value(def) {
                    Some((actual, true)) => {
                        format!(
                            "`{}` (its `${{…}}` default)",
                            display_def_value(def, actual)
                        )
                    }
                    Some((actual, false)) => format!("`{}`", display_def_value(def, actual)),
                    None => continue,
                };
                let line = cx.lines.line_of(req.range.start) + 1;
                let fix = cx.fixes.then(|| Fix {
                    title: format!("Set {}={wanted} in {}", req.name, site.path),
                    preferred: true,
                    edits: vec![set_value_edit(&site.path, def, required)],
                });
                out.push(
                    Finding::formatted(
                        INFO.code,
                        &site.path,
                        def.value_range.clone(),
                        format_args!(
                            "`{}` is {shown} in this production config, but {}:{line} requires `{wanted}`",
                            req.name,
                            cx.path,
                        ),
                    )
                    .with_help(crate::model::formatted!("set {}={wanted} here, or change the checklist", req.name))
                    .with_related(Related {
                        path: cx.path.to_string(),
                        range: req.range.clone(),
                        message: "required here".into(),
                    })
                    .with_fixes(fix.clone()),
                );
                out.push(
                    Finding::formatted(
                        INFO.code,
                        cx.path,
                        req.range.clone(),
                        format_args!(
                            "{} sets `{}` to {shown}, not `{wanted}`",
                            site.path, req.name,
                        ),
                    )
                    .with_help(crate::model::formatted!(
                        "set it in {}, or change this requirement",
                        site.path
                    ))
                    .with_related(Related {
                        path: site.path.clone(),
                        range: def.range.clone(),
                        message: crate::model::formatted!("{} defined here", req.name).into(),
                    })
                    .with_fixes(fix),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::test_support::check;

    #[test]
    fn booleans_compare_by_meaning() {
        assert!(values_agree("false", "False"));
        assert!(values_agree("false", "0"));
        assert!(values_agree("true", "yes"));
        assert!(!values_agree("false", "true"));
        assert!(!values_agree("info", "debug"));
    }

    #[test]
    fn production_value_differing_fires_on_both_sides() {
        let out = check(
            "env-mismatch",
            &[
                ("docs/readiness.md", "# R\n- [ ] Disable dev auth (`DEV_AUTH_ENABLED=false`)\n- [ ] `LOG_LEVEL=info`\n"),
                (".env.production", "DEV_AUTH_ENABLED=true\nLOG_LEVEL=\"info\"\n"),
                (".env", "DEV_AUTH_ENABLED=true\n"),
                ("deploy/values-prod.yaml", "env:\n  DEV_AUTH_ENABLED: \"False\"\n"),
            ],
        );
        assert_eq!(
            out,
            [
                ".env.production:1: `DEV_AUTH_ENABLED` is `true` in this production config, but docs/readiness.md:2 requires `false`",
                "docs/readiness.md:2: .env.production sets `DEV_AUTH_ENABLED` to `true`, not `false`",
            ]
        );
    }

    #[test]
    fn a_name_without_underscore_counts_when_a_config_defines_it() {
        let out = check(
            "env-mismatch",
            &[
                ("docs/go-live.md", "- [x] `DEBUG=false`\n- [x] `FOO=bar`\n"),
                (".env.production", "DEBUG=true\n"),
            ],
        );
        assert_eq!(
            out,
            [
                ".env.production:1: `DEBUG` is `true` in this production config, but docs/go-live.md:1 requires `false`",
                "docs/go-live.md:1: .env.production sets `DEBUG` to `true`, not `false`",
            ]
        );
    }

    #[test]
    fn secret_values_are_masked_on_both_sides() {
        let out = check(
            "env-mismatch",
            &[
                ("docs/go-live.md", "# R\n- [x] `REDIS_URL=redis://redis:6379`\n- [x] `SIGNING_KEY=abc`\n"),
                (".env.production", "REDIS_URL=redis://:Sup3rS3cretEXAMPLE@redis:6379\nSIGNING_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY\n"),
            ],
        );
        assert_eq!(
            out,
            [
                ".env.production:1: `REDIS_URL` is `redis://:****@redis:6379` in this production config, but docs/go-live.md:2 requires `redis://redis:6379`",
                ".env.production:2: `SIGNING_KEY` is `wJal…` in this production config, but docs/go-live.md:3 requires `****`",
                "docs/go-live.md:2: .env.production sets `REDIS_URL` to `redis://:****@redis:6379`, not `redis://redis:6379`",
                "docs/go-live.md:3: .env.production sets `SIGNING_KEY` to `wJal…`, not `****`",
            ]
        );
    }

    #[test]
    fn a_kubernetes_secret_value_is_masked_whatever_its_name() {
        let out = check(
            "env-mismatch",
            &[
                ("docs/go-live.md", "# R\n- [x] `WEBHOOK_ID=wh-expected`\n"),
                (
                    "deploy/prod/secret.yaml",
                    "apiVersion: v1\nkind: Secret\nstringData:\n  WEBHOOK_ID: whsec-actual-value-123\n",
                ),
            ],
        );
        assert_eq!(
            out,
            [
                "deploy/prod/secret.yaml:4: `WEBHOOK_ID` is `whse…` in this production config, but docs/go-live.md:2 requires `wh-expected`",
                "docs/go-live.md:2: deploy/prod/secret.yaml sets `WEBHOOK_ID` to `whse…`, not `wh-expected`",
            ]
        );
    }

    #[test]
    fn an_interpolation_compares_by_its_default_or_not_at_all() {
        let out = check(
            "env-mismatch",
            &[
                ("docs/readiness.md", "# R\n- [x] `FEATURE_X=off`\n- [x] `FEATURE_Y=off`\n- [x] `FEATURE_Z=off`\n- [x] `FEATURE_W=off`\n"),
                (".env.production", "FEATURE_X=${FEATURE_X:-on}\nFEATURE_Y=${FEATURE_Y-off}\nFEATURE_Z=${FEATURE_Z}\nFEATURE_W=${A:-off}${B}\n"),
            ],
        );
        assert_eq!(
            out,
            [
                ".env.production:1: `FEATURE_X` is `on` (its `${…}` default) in this production config, but docs/readiness.md:2 requires `off`",
                "docs/readiness.md:2: .env.production sets `FEATURE_X` to `on` (its `${…}` default), not `off`",
            ]
        );
    }

    /// The text after the fix that sets `name` to `value` in a one-definition `text`.
    fn fixed(kind: crate::config::ConfigKind, text: &str, value: &str) -> String {
        let config = crate::config::parse_config(kind, text);
        let FileEdit::Replace {
            range, text: new, ..
        } = set_value_edit("f", &config.defs[0], value)
        else {
            panic!("a replacement");
        };
        let mut out = text.to_string();
        out.replace_range(range, &new);
        out
    }

    #[test]
    fn the_fix_keeps_quotes_and_interpolation() {
        use crate::config::ConfigKind::{Compose, Dotenv};
        assert_eq!(fixed(Dotenv, "A=\"debug\"\n", "info"), "A=\"info\"\n");
        assert_eq!(fixed(Dotenv, "A=${A:-on}\n", "off"), "A=${A:-off}\n");
        assert_eq!(fixed(Dotenv, "A=\"${A-on}\"\n", "off"), "A=\"${A-off}\"\n");
        let list = "services:\n  a:\n    environment:\n      - \"LOG_LEVEL=debug\"\n";
        assert_eq!(
            fixed(Compose, list, "info"),
            "services:\n  a:\n    environment:\n      - \"LOG_LEVEL=info\"\n"
        );
    }

    #[test]
    fn a_service_checklist_constrains_only_its_own_service() {
        let out = check(
            "env-mismatch",
            &[
                ("services/api/docs/readiness.md", "- [ ] `LOG_LEVEL=info`\n"),
                ("services/api/Dockerfile", "FROM alpine\n"),
                ("services/api/.env.production", "LOG_LEVEL=debug\n"),
                ("services/web/.env.production", "LOG_LEVEL=warn\n"),
            ],
        );
        assert_eq!(
            out,
            [
                "services/api/.env.production:1: `LOG_LEVEL` is `debug` in this production config, but services/api/docs/readiness.md:1 requires `info`",
                "services/api/docs/readiness.md:1: services/api/.env.production sets `LOG_LEVEL` to `debug`, not `info`",
            ]
        );
    }
}
