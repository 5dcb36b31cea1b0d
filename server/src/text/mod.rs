//! Text positions: the one place byte offsets become lines and columns and back.

mod line_index;

pub use line_index::{Encoding, LineCol, LineIndex};
