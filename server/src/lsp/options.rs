//! Editor-provided settings: `initializationOptions` and `workspace/didChangeConfiguration`.

use std::collections::BTreeMap;

use serde::Deserialize;
use serde_json::Value;

use crate::date::Date;
use crate::settings::RuleLevel;

/// `{ rules: {code: "off"|"error"|...}, checklists: [globs], today: "YYYY-MM-DD" }`,
/// accepted bare or under a `readiness` key.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Options {
    pub rules: BTreeMap<String, RuleLevel>,
    pub checklists: Vec<String>,
    pub today: Option<Date>,
}

#[derive(Deserialize, Default)]
struct Raw {
    #[serde(default)]
    rules: BTreeMap<String, String>,
    #[serde(default)]
    checklists: Vec<String>,
    #[serde(default)]
    today: Option<String>,
}

impl Options {
    /// Reads the options; what cannot be understood is named in the returned warnings.
    pub fn from_json(value: Option<&Value>) -> (Options, Vec<String>) {
        let mut warnings = Vec::new();
        let Some(mut value) = value.filter(|v| !v.is_null()) else {
            return (Options::default(), warnings);
        };
        if let Some(inner) = value.get("readiness") {
            value = inner;
        }
        let raw: Raw = match serde_json::from_value(value.clone()) {
            Ok(r) => r,
            Err(e) => {
                warnings.push(format!("readiness settings ignored: {e}"));
                return (Options::default(), warnings);
            }
        };
        let mut options = Options {
            checklists: raw.checklists,
            ..Options::default()
        };
        for (code, level) in raw.rules {
            if !crate::rules::is_known(&code) {
                warnings.push(format!("settings: unknown rule `{code}` ignored"));
                continue;
            }
            let level = match level.as_str() {
                "off" => RuleLevel::Off,
                other => match crate::model::Severity::parse(other) {
                    Some(s) => RuleLevel::On(s),
                    None => {
                        warnings.push(format!("settings: `{other}` is not a level for `{code}`"));
                        continue;
                    }
                },
            };
            options.rules.insert(code, level);
        }
        if let Some(today) = raw.today.filter(|t| !t.is_empty()) {
            match Date::parse_iso(today.trim()) {
                Some(d) => options.today = Some(d),
                None => warnings.push(format!("settings: today `{today}` is not YYYY-MM-DD")),
            }
        }
        (options, warnings)
    }
}
