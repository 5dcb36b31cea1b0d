//! Completion, navigation, symbols, folding, links and lenses.

use std::sync::Arc;

use tower_lsp_server::ls_types::*;

use super::state::Snapshot;
use crate::text::Encoding;
use crate::workspace::Workspace;

pub fn completion(_snap: &Snapshot, _pos: Position) -> Option<CompletionResponse> {
    None
}
pub fn definition(_snap: &Snapshot, _pos: Position) -> Option<GotoDefinitionResponse> {
    None
}
pub fn references(_snap: &Snapshot, _pos: Position) -> Option<Vec<Location>> {
    None
}
pub fn document_symbols(_snap: &Snapshot) -> Option<DocumentSymbolResponse> {
    None
}
pub fn workspace_symbols(
    _ws: &[Arc<Workspace>],
    _enc: Encoding,
    _query: &str,
) -> Option<WorkspaceSymbolResponse> {
    None
}
pub fn folding_ranges(_snap: &Snapshot) -> Option<Vec<FoldingRange>> {
    None
}
pub fn document_links(_snap: &Snapshot) -> Option<Vec<DocumentLink>> {
    None
}
pub fn code_lenses(_snap: &Snapshot) -> Option<Vec<CodeLens>> {
    None
}
