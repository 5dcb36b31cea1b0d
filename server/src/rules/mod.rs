//! Rules: one file per rule, each with its code, default severity and `explain` text.

use crate::model::Severity;

/// The default severity of a rule code.
pub fn default_severity(_code: &str) -> Severity {
    Severity::Warning
}
