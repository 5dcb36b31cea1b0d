//! Hover: items, env vars, links and headings.

use tower_lsp_server::ls_types::{Hover, Position};

use super::state::Snapshot;

pub fn hover(_snap: &Snapshot, _pos: Position) -> Option<Hover> {
    None
}
