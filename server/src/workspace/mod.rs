//! Workspace discovery and indices.
