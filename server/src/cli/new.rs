//! `readiness new`: writes one document template.

use std::path::PathBuf;

use crate::packs::{render_template, template_file_name, template_names};

#[derive(clap::Args, Debug)]
pub struct NewArgs {
    /// Template name (see --list).
    #[arg(required_unless_present = "list")]
    pub template: Option<String>,
    /// File to write (default: SECURITY.md and .env.example at the top, others in docs/).
    pub path: Option<PathBuf>,
    /// List the templates.
    #[arg(long)]
    pub list: bool,
}

pub fn list() -> String {
    let mut out = String::new();
    for name in template_names() {
        out.push_str(&format!(
            "{name:<18} {}\n",
            template_file_name(name).unwrap_or_default()
        ));
    }
    out
}

pub fn run(args: &NewArgs, today: &str) -> Result<String, String> {
    if args.list {
        return Ok(list());
    }
    let name = args.template.as_deref().unwrap_or_default();
    let file = template_file_name(name).ok_or_else(|| {
        format!(
            "unknown template `{name}` (templates: {})",
            template_names().join(", ")
        )
    })?;
    let path = args.path.clone().unwrap_or_else(|| {
        if matches!(name, "security" | "env-example") {
            PathBuf::from(file)
        } else {
            PathBuf::from("docs").join(file)
        }
    });
    if path.exists() {
        return Err(format!(
            "{} already exists; `readiness new` never overwrites",
            path.display()
        ));
    }
    let mut title = name.replace('-', " ");
    if let Some(first) = title.get_mut(0..1) {
        first.make_ascii_uppercase();
    }
    let text = render_template(name, &title, today).unwrap_or_default();
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
    Ok(format!("wrote {}", path.display()))
}
