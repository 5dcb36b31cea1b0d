//! Code actions, built from `Finding::fixes` and suppression comments.

use std::collections::HashMap;
use std::path::PathBuf;

use tower_lsp_server::ls_types::{CodeActionParams, CodeActionResponse};

use super::state::Snapshot;

pub fn code_actions(
    _snap: &Snapshot,
    _params: &CodeActionParams,
    _versions: &HashMap<PathBuf, i32>,
) -> Option<CodeActionResponse> {
    None
}
