//! Readiness: production-readiness checklists verified against the repository.
//!
//! Layers (see ARCHITECTURE.md):
//! - the analysis core: [`checklist`] (markdown model), [`config`] (env var index),
//!   [`workspace`] (discovery and indices), [`rules`], [`analysis`]. Plain Rust types and
//!   byte offsets; no CLI or LSP types.
//! - front ends: [`cli`] (reports) and [`lsp`] (the language server).
//! - data: rubric packs and templates under `checklists/`, embedded by [`packs`].
//! - [`prefetch`]: hints to the processor ahead of copying long lists (core and server).

pub mod analysis;
pub mod checklist;
pub mod cli;
pub mod config;
pub mod date;
pub mod lsp;
pub mod model;
pub mod packs;
pub mod prefetch;
pub mod probes;
pub mod rules;
pub mod score;
pub mod settings;
pub mod suppress;
pub mod text;
pub mod workspace;
