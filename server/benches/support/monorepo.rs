//! Deterministic generator of a synthetic monorepo for benchmarks.
//!
//! Shared by `benches/check.rs`, `benches/lsp_latency.rs`, `benches/keystroke.rs` and
//! `tests/bench_generator.rs` through `#[path = ".../support/monorepo.rs"] mod monorepo;`.
//! Same `Spec` (and `SPEC_VERSION`) => byte-identical tree, so timings are comparable
//! across machines and commits. No dependencies beyond std: own xorshift RNG.
#![allow(dead_code)]

use std::collections::HashSet;
use std::fmt::Write as _;
use std::fs;
use std::io;
use std::path::{Path, PathBuf};

/// Bump when the generated content changes, so cached trees are regenerated.
pub const SPEC_VERSION: u32 = 1;

/// Path (relative to the root) of the big checklist, when `Spec::big_checklist_tasks > 0`.
pub const BIG_CHECKLIST_PATH: &str = "services/svc-0000/docs/big-production-readiness.md";

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Spec {
    pub seed: u64,
    /// Number of `services/svc-NNNN` folders.
    pub services: usize,
    /// All files visible to a walk that honours `.gitignore` (ignored files and `.git/` come on top).
    pub total_files: usize,
    pub checklists: usize,
    pub tasks_per_checklist: usize,
    pub config_files: usize,
    /// Ordinary markdown (runbooks, ADRs, READMEs) without task lists.
    pub docs: usize,
    /// Extra checklist at `BIG_CHECKLIST_PATH` with this many tasks (0 = none). Counted in `total_files`.
    pub big_checklist_tasks: usize,
    /// Write ignored files (`node_modules/`, `*.log`, `dist/`, `.env.local`) into every n-th service (0 = none).
    pub ignored_every: usize,
}

impl Default for Spec {
    fn default() -> Self {
        Spec {
            seed: 0x5EED_2026_1122,
            services: 200,
            total_files: 20_000,
            checklists: 2_000,
            tasks_per_checklist: 100,
            config_files: 3_000,
            docs: 2_000,
            big_checklist_tasks: 0,
            ignored_every: 10,
        }
    }
}

impl Spec {
    /// Small tree (200 visible files) for tests.
    pub fn small() -> Self {
        Spec {
            services: 4,
            total_files: 200,
            checklists: 20,
            tasks_per_checklist: 20,
            config_files: 60,
            docs: 40,
            ignored_every: 2,
            ..Spec::default()
        }
    }

    /// The default tree plus one checklist of 5,000 tasks (LSP benchmark).
    pub fn with_big_checklist() -> Self {
        Spec {
            big_checklist_tasks: 5_000,
            ..Spec::default()
        }
    }

    /// One line identifying the generated content; stored in the benchmark's marker file.
    pub fn fingerprint(&self) -> String {
        format!("monorepo v{SPEC_VERSION} {self:?}")
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Stats {
    /// Files visible to a `.gitignore`-honouring walk with hidden files (excludes `.git/`).
    pub files: usize,
    pub checklists: usize,
    pub checklist_tasks: usize,
    pub configs: usize,
    /// Config files whose name or a parent folder starts with a dot.
    pub hidden_configs: usize,
    pub docs: usize,
    pub sources: usize,
    /// `.gitignore`, `README.md`, `.github/workflows/ci.yml` at the root.
    pub root_files: usize,
    /// Files matched by `.gitignore` (not in `files`).
    pub ignored_files: usize,
    /// Markdown files visible to the walk (checklists + docs + root README).
    pub markdown_files: usize,
    pub bytes: u64,
    pub big_checklist: Option<PathBuf>,
}

/// Generate the small test tree (`Spec::small()`).
pub fn generate_small(root: &Path) -> io::Result<Stats> {
    generate(root, &Spec::small())
}

/// Write the tree under `root` (created if missing; existing files are overwritten, others kept).
pub fn generate(root: &Path, spec: &Spec) -> io::Result<Stats> {
    let fixed = 3 + usize::from(spec.big_checklist_tasks > 0);
    let used = spec.checklists + spec.config_files + spec.docs + fixed;
    if used > spec.total_files || spec.services == 0 {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!(
                "spec needs {used} files but total_files is {}",
                spec.total_files
            ),
        ));
    }
    let sources = spec.total_files - used;
    let mut w = Writer {
        root: root.to_path_buf(),
        dirs: HashSet::new(),
        stats: Stats::default(),
    };

    // Root files.
    w.put(".git/HEAD", "ref: refs/heads/main\n", Kind::Git)?;
    w.put(".gitignore", GITIGNORE, Kind::Root)?;
    w.put("README.md", &root_readme(spec), Kind::RootMarkdown)?;
    w.put(
        ".github/workflows/ci.yml",
        &workflow(&mut Rng::new(spec.seed), "monorepo", spec.seed),
        Kind::Root,
    )?;

    for i in 0..spec.checklists {
        let svc = i % spec.services;
        let slot = i / spec.services;
        let name = CHECKLIST_NAMES[slot % CHECKLIST_NAMES.len()];
        let comp = slot / CHECKLIST_NAMES.len();
        let (dir, up) = if comp == 0 {
            (
                format!("services/{}/docs", svc_name(svc)),
                "../".to_string(),
            )
        } else {
            (
                format!(
                    "services/{}/components/{}/docs",
                    svc_name(svc),
                    comp_name(comp)
                ),
                "../../../".to_string(),
            )
        };
        let mut rng = Rng::new(mix(spec.seed, 1, i as u64));
        let text = checklist_text(&mut rng, spec.seed, svc, &up, spec.tasks_per_checklist);
        w.put(
            &format!("{dir}/{name}"),
            &text,
            Kind::Checklist(spec.tasks_per_checklist),
        )?;
    }
    if spec.big_checklist_tasks > 0 {
        let mut rng = Rng::new(mix(spec.seed, 2, 0));
        let text = checklist_text(&mut rng, spec.seed, 0, "../", spec.big_checklist_tasks);
        w.put(
            BIG_CHECKLIST_PATH,
            &text,
            Kind::Checklist(spec.big_checklist_tasks),
        )?;
        w.stats.big_checklist = Some(root.join(BIG_CHECKLIST_PATH));
    }

    for i in 0..spec.config_files {
        let svc = i % spec.services;
        let slot = i / spec.services;
        let kind = CONFIG_KINDS[slot % CONFIG_KINDS.len()];
        let comp = slot / CONFIG_KINDS.len();
        let base = if comp == 0 {
            format!("services/{}", svc_name(svc))
        } else {
            format!("services/{}/components/{}", svc_name(svc), comp_name(comp))
        };
        let mut rng = Rng::new(mix(spec.seed, 3, i as u64));
        let (path, text) = config_file(&mut rng, spec.seed, svc, comp, &base, kind);
        let hidden = path.split('/').any(|part| part.starts_with('.'));
        w.put(&path, &text, Kind::Config { hidden })?;
    }

    for i in 0..spec.docs {
        let svc = i % spec.services;
        let slot = i / spec.services;
        let mut rng = Rng::new(mix(spec.seed, 4, i as u64));
        let (rel, text) = doc_file(&mut rng, svc, slot);
        w.put(
            &format!("services/{}/{rel}", svc_name(svc)),
            &text,
            Kind::Doc,
        )?;
    }

    let per_service = sources.div_ceil(spec.services);
    for i in 0..sources {
        let svc = i % spec.services;
        let slot = i / spec.services;
        let mut rng = Rng::new(mix(spec.seed, 5, i as u64));
        let lang = LANGS[(svc + slot / 16) % LANGS.len()];
        let module = MODULES[(slot / 8) % MODULES.len()];
        let dir = if slot < per_service / 2 {
            format!("services/{}/src/{module}", svc_name(svc))
        } else {
            let comp = 1 + slot % 3;
            format!(
                "services/{}/components/{}/src/{module}",
                svc_name(svc),
                comp_name(comp)
            )
        };
        // Every service has the backup script its checklists mention.
        let (path, text) = if slot == 0 {
            (
                format!("services/{}/scripts/backup.sh", svc_name(svc)),
                format!("#!/usr/bin/env bash\nset -euo pipefail\npg_dump \"$DATABASE_URL\" | gzip > \"/backups/{}-$(date +%F).sql.gz\"\n", svc_name(svc)),
            )
        } else {
            (
                format!("{dir}/{module}_{slot}.{lang}"),
                source_file(&mut rng, lang),
            )
        };
        w.put(&path, &text, Kind::Source)?;
    }

    if spec.ignored_every > 0 {
        for svc in (0..spec.services).step_by(spec.ignored_every) {
            let base = format!("services/{}", svc_name(svc));
            // A checklist-looking file that must NOT be reported: it is under node_modules/.
            let mut rng = Rng::new(mix(spec.seed, 6, svc as u64));
            let md = checklist_text(&mut rng, spec.seed, svc, "../../", 20);
            w.put(
                &format!("{base}/node_modules/left-pad/production-readiness.md"),
                &md,
                Kind::Ignored,
            )?;
            w.put(
                &format!("{base}/node_modules/left-pad/package.json"),
                "{\"name\":\"left-pad\",\"version\":\"1.3.0\"}\n",
                Kind::Ignored,
            )?;
            w.put(
                &format!("{base}/node_modules/left-pad/.env"),
                "DEV_AUTH_ENABLED=true\n",
                Kind::Ignored,
            )?;
            w.put(
                &format!("{base}/app.log"),
                "INFO started\nWARN DEV_AUTH_ENABLED=true\n",
                Kind::Ignored,
            )?;
            w.put(
                &format!("{base}/dist/bundle.js"),
                "var LOG_LEVEL=\"debug\";\n",
                Kind::Ignored,
            )?;
            w.put(
                &format!("{base}/.env.local"),
                "DEV_AUTH_ENABLED=true\nLOG_LEVEL=trace\n",
                Kind::Ignored,
            )?;
        }
    }
    Ok(w.stats)
}

const GITIGNORE: &str =
    "# dependencies and build output\nnode_modules/\ndist/\n*.log\n.env.local\n";

const CHECKLIST_NAMES: [&str; 5] = [
    "production-readiness.md",
    "launch-checklist.md",
    "security-review.md",
    "operational-readiness.md",
    "go-live-checklist.md",
];

const SECTIONS: [&str; 8] = [
    "Security",
    "Observability",
    "Data & Backups",
    "Release & Rollback",
    "Reliability",
    "Configuration",
    "Access & Secrets",
    "Capacity",
];

/// Per-service config kinds; a service gets them in this order, then components repeat them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ConfigKind {
    EnvExample,
    EnvProduction,
    HelmValuesProd,
    K8sDeployment,
    ComposeProd,
    Dockerfile,
    Env,
    RootWorkflow,
    Compose,
    HelmValues,
    EnvStaging,
    K8sConfigMap,
    HelmValuesStaging,
    ServiceWorkflow,
    DockerfileDev,
}

const CONFIG_KINDS: [ConfigKind; 15] = [
    ConfigKind::EnvExample,
    ConfigKind::EnvProduction,
    ConfigKind::HelmValuesProd,
    ConfigKind::K8sDeployment,
    ConfigKind::ComposeProd,
    ConfigKind::Dockerfile,
    ConfigKind::Env,
    ConfigKind::RootWorkflow,
    ConfigKind::Compose,
    ConfigKind::HelmValues,
    ConfigKind::EnvStaging,
    ConfigKind::K8sConfigMap,
    ConfigKind::HelmValuesStaging,
    ConfigKind::ServiceWorkflow,
    ConfigKind::DockerfileDev,
];

/// Source file extensions; the content is a few lines reading one env var.
const LANGS: [&str; 4] = ["ts", "py", "go", "rs"];

const MODULES: [&str; 8] = [
    "handlers", "models", "storage", "auth", "jobs", "metrics", "config", "util",
];

const COMPONENTS: [&str; 6] = ["api", "worker", "web", "cron", "gateway", "billing"];

pub fn svc_name(svc: usize) -> String {
    format!("svc-{svc:04}")
}

fn comp_name(comp: usize) -> String {
    let base = COMPONENTS[(comp - 1) % COMPONENTS.len()];
    let round = (comp - 1) / COMPONENTS.len();
    if round == 0 {
        base.to_string()
    } else {
        format!("{base}-{round}")
    }
}

// ---------------------------------------------------------------- env values

#[derive(Clone, Copy, PartialEq, Eq)]
enum Env {
    Dev,
    Staging,
    Prod,
    Example,
}

const VARS: [&str; 16] = [
    "DEV_AUTH_ENABLED",
    "LOG_LEVEL",
    "DATABASE_URL",
    "REDIS_URL",
    "SENTRY_DSN",
    "OTEL_EXPORTER_OTLP_ENDPOINT",
    "RATE_LIMIT_RPS",
    "BACKUP_RETENTION_DAYS",
    "TLS_ENABLED",
    "METRICS_ENABLED",
    "CORS_ALLOWED_ORIGINS",
    "SESSION_TTL_SECONDS",
    "FEATURE_NEW_CHECKOUT",
    "DEBUG",
    "PORT",
    "DB_POOL_SIZE",
];

/// The value of `var` in `env` for service `svc`: deterministic, and with a per-service
/// "drift" so that some production configs disagree with what the checklists claim.
fn value(seed: u64, svc: usize, var: &str, env: Env) -> String {
    let h = mix(seed, svc as u64, fnv(var));
    let drift = h % 10 == 0; // ~10% of (service, var) pairs disagree with the checklist in prod
    let name = svc_name(svc);
    match (var, env) {
        (_, Env::Example) if var.ends_with("_URL") || var == "SENTRY_DSN" => String::new(),
        (_, Env::Example) if h % 3 == 0 => "changeme".into(),
        ("DEV_AUTH_ENABLED", Env::Dev) => "true".into(),
        ("DEV_AUTH_ENABLED", Env::Prod) if drift => "true".into(),
        ("DEV_AUTH_ENABLED", _) => "false".into(),
        ("DEBUG", Env::Dev) => "true".into(),
        ("DEBUG", Env::Prod) if drift => "1".into(),
        ("DEBUG", _) => "false".into(),
        ("LOG_LEVEL", Env::Dev) => "debug".into(),
        ("LOG_LEVEL", Env::Prod) if drift => "debug".into(),
        ("LOG_LEVEL", _) => ["info", "warn"][(h >> 8) as usize % 2].into(),
        ("DATABASE_URL", _) => {
            format!(
                "postgres://{name}:${{DB_PASSWORD}}@db.internal:5432/{}",
                name.replace('-', "_")
            )
        }
        ("REDIS_URL", _) => format!("redis://cache.internal:6379/{}", svc % 16),
        ("SENTRY_DSN", Env::Dev) => String::new(),
        ("SENTRY_DSN", _) => format!("https://{:08x}@sentry.example.com/{}", h as u32, svc + 1),
        ("OTEL_EXPORTER_OTLP_ENDPOINT", _) => "http://otel-collector:4317".into(),
        ("RATE_LIMIT_RPS", Env::Prod) if drift => "0".into(),
        ("RATE_LIMIT_RPS", _) => (100 * (1 + (h >> 12) % 10)).to_string(),
        ("BACKUP_RETENTION_DAYS", Env::Prod) if drift => "3".into(),
        ("BACKUP_RETENTION_DAYS", _) => ["7", "14", "30"][(h >> 16) as usize % 3].into(),
        ("TLS_ENABLED", Env::Prod) if drift => "false".into(),
        ("TLS_ENABLED", Env::Dev) => "false".into(),
        ("TLS_ENABLED", _) => "true".into(),
        ("METRICS_ENABLED", _) => "true".into(),
        ("CORS_ALLOWED_ORIGINS", Env::Prod) if drift => "*".into(),
        ("CORS_ALLOWED_ORIGINS", _) => "https://app.example.com".into(),
        ("SESSION_TTL_SECONDS", _) => "3600".into(),
        ("FEATURE_NEW_CHECKOUT", _) => ["false", "true"][(h >> 20) as usize % 2].into(),
        ("PORT", _) => "8080".into(),
        ("DB_POOL_SIZE", _) => (5 + (h >> 24) % 20).to_string(),
        _ => "1".into(),
    }
}

/// The value the checklists claim for production (no drift).
fn claimed(seed: u64, svc: usize, var: &str) -> String {
    match var {
        "DEV_AUTH_ENABLED" | "DEBUG" => "false".into(),
        "TLS_ENABLED" => "true".into(),
        "CORS_ALLOWED_ORIGINS" => "https://app.example.com".into(),
        "LOG_LEVEL" => "info".into(),
        _ => {
            // Same as the non-drifted prod value.
            let v = value(seed, svc, var, Env::Staging);
            if v.is_empty() {
                "set".into()
            } else {
                v
            }
        }
    }
}

// ---------------------------------------------------------------- checklists

/// Markdown of one checklist with exactly `tasks` task items (nested ones included).
/// `up` is the relative path from the checklist's folder to the service root (`"../"`).
pub fn checklist_text(rng: &mut Rng, seed: u64, svc: usize, up: &str, tasks: usize) -> String {
    let name = svc_name(svc);
    let mut s = String::with_capacity(tasks * 90 + 2_000);
    let title = ["Production Readiness", "Launch Checklist"][rng.below(2)];
    let _ = writeln!(s, "# {title} — {name}\n");
    let _ = writeln!(s, "**Owner**: @team-{}", COMPONENTS[svc % COMPONENTS.len()]);
    let _ = writeln!(s, "**Next Review**: {}", rng.date());
    let _ = writeln!(
        s,
        "**Status**: {}\n",
        ["In progress", "Ready", "Blocked"][rng.below(3)]
    );
    let _ = writeln!(
        s,
        "This checklist covers {name} before it takes production traffic. See the \
         [architecture]({up}docs/architecture.md) and the [SLOs]({up}docs/slo.md#targets).\n"
    );

    // Status table.
    let _ = writeln!(
        s,
        "## Status\n\n| Item | Status | Evidence |\n| --- | --- | --- |"
    );
    for row in 0..(5 + rng.below(4)) {
        let mark = ["✅", "✅", "⚠️", "❌"][rng.below(4)];
        let var = VARS[(row * 3 + svc) % VARS.len()];
        let evidence = match rng.below(4) {
            0 => format!("[runbook]({})", link(rng, up, "runbooks/db.md#restore")),
            1 => format!("`{var}={}`", claimed(seed, svc, var)),
            2 => "`scripts/backup.sh` nightly".to_string(),
            _ => format!("[values]({up}deploy/helm/values-prod.yaml)"),
        };
        let _ = writeln!(
            s,
            "| {} | {mark} | {evidence} |",
            SECTIONS[row % SECTIONS.len()]
        );
    }
    s.push('\n');

    let per_section = 14;
    let mut written = 0;
    let mut section = 0;
    while written < tasks {
        let heading = SECTIONS[section % SECTIONS.len()];
        let part = section / SECTIONS.len();
        if part == 0 {
            let _ = writeln!(s, "## {heading}\n");
        } else {
            let _ = writeln!(s, "## {heading} (part {})\n", part + 1);
        }
        if rng.below(3) == 0 {
            let _ = writeln!(
                s,
                "Items below are verified against the repository; *evidence* links point at \
                 the files that prove them.\n"
            );
        }
        let end = (written + per_section).min(tasks);
        while written < end {
            let bullet = if rng.below(20) == 0 { "*" } else { "-" };
            let _ = writeln!(
                s,
                "{bullet} {} {}",
                rng.checkbox(),
                task_text(rng, seed, svc, up, section)
            );
            written += 1;
            // Nested tasks.
            if written < end && rng.below(10) < 3 {
                for _ in 0..(1 + rng.below(3)) {
                    if written >= end {
                        break;
                    }
                    let _ = writeln!(
                        s,
                        "  - {} {}",
                        rng.checkbox(),
                        task_text(rng, seed, svc, up, section + 3)
                    );
                    written += 1;
                    if written < end && rng.below(10) == 0 {
                        let _ = writeln!(
                            s,
                            "    - {} {}",
                            rng.checkbox(),
                            task_text(rng, seed, svc, up, section + 5)
                        );
                        written += 1;
                    }
                }
            }
        }
        s.push('\n');
        if section % 3 == 1 {
            let _ = writeln!(s, "### Environment\n\n```bash");
            for k in 0..(3 + rng.below(4)) {
                let var = VARS[(section + k * 5 + svc) % VARS.len()];
                let _ = writeln!(s, "{var}={}", claimed(seed, svc, var));
            }
            let _ = writeln!(s, "```\n");
        }
        section += 1;
    }
    s
}

/// A link target relative to the service root, broken ~4% of the time.
fn link(rng: &mut Rng, up: &str, target: &str) -> String {
    match rng.below(100) {
        0 => format!("{up}runbooks/missing.md"),
        1 => format!(
            "{up}{}",
            target
                .replace("#restore", "#restor")
                .replace("#rollback", "#roll-back")
        ),
        2 => format!("{up}../old-docs/{target}"),
        3 => format!("{up}{target}").replace(".md", ".markdown"),
        _ => format!("{up}{target}"),
    }
}

fn task_text(rng: &mut Rng, seed: u64, svc: usize, up: &str, section: usize) -> String {
    let var = VARS[(rng.below(VARS.len()) + section) % VARS.len()];
    let date = rng.date();
    match rng.below(16) {
        0 => format!("`{var}={}` in `.env.production`", claimed(seed, svc, var)),
        1 => format!("`{var}` is set in [values-prod]({up}deploy/helm/values-prod.yaml)"),
        2 => format!(
            "Nightly backups run via `scripts/backup.sh` — see [runbook]({})",
            link(rng, up, "runbooks/db.md#restore")
        ),
        3 => format!("Alerts page on-call ([runbook]({}))", link(rng, up, "runbooks/incident.md#paging")),
        4 => "Readiness and liveness probes configured in `k8s/deployment.yaml`".into(),
        5 => "Secrets are not committed; `.env.example` lists every variable".into(),
        6 => format!(
            "Rollback rehearsed ([procedure]({})) on {date}",
            link(rng, up, "runbooks/deploy.md#rollback")
        ),
        7 => format!("Dashboards linked from [SLO]({})", link(rng, up, "docs/slo.md#targets")),
        8 => "`LOG_LEVEL` is `info` or quieter in production".into(),
        9 => "Image built from a pinned base in `Dockerfile` (`ARG BASE_IMAGE`)".into(),
        10 => format!("Rate limiting enabled (`RATE_LIMIT_RPS={}`)", claimed(seed, svc, "RATE_LIMIT_RPS")),
        11 => format!("Sign-off from the **{}** team (due {date})", ["security", "SRE", "data"][rng.below(3)]),
        12 => format!(
            "Retention `BACKUP_RETENTION_DAYS={}` matches [policy](https://example.com/policy#retention)",
            claimed(seed, svc, "BACKUP_RETENTION_DAYS")
        ),
        13 => "`DEV_AUTH_ENABLED=false` everywhere outside local development".into(),
        14 => format!("Load test at 2× peak recorded in [capacity]({up}docs/capacity.md#results)"),
        _ => "Owner reviewed *failure modes* and documented them".into(),
    }
}

// ---------------------------------------------------------------- configs

fn config_file(
    rng: &mut Rng,
    seed: u64,
    svc: usize,
    comp: usize,
    base: &str,
    kind: ConfigKind,
) -> (String, String) {
    let name = if comp == 0 {
        svc_name(svc)
    } else {
        format!("{}-{}", svc_name(svc), comp_name(comp))
    };
    let vars = pick_vars(rng);
    match kind {
        ConfigKind::EnvExample => (
            format!("{base}/.env.example"),
            dotenv(rng, seed, svc, &vars, Env::Example),
        ),
        ConfigKind::EnvProduction => (
            format!("{base}/.env.production"),
            dotenv(rng, seed, svc, &vars, Env::Prod),
        ),
        ConfigKind::EnvStaging => (
            format!("{base}/.env.staging"),
            dotenv(rng, seed, svc, &vars, Env::Staging),
        ),
        ConfigKind::Env => (
            format!("{base}/.env"),
            dotenv(rng, seed, svc, &vars, Env::Dev),
        ),
        ConfigKind::HelmValuesProd => (
            format!("{base}/deploy/helm/values-prod.yaml"),
            helm_values(rng, seed, svc, &name, &vars, Env::Prod),
        ),
        ConfigKind::HelmValuesStaging => (
            format!("{base}/deploy/helm/values-staging.yaml"),
            helm_values(rng, seed, svc, &name, &vars, Env::Staging),
        ),
        ConfigKind::HelmValues => (
            format!("{base}/deploy/helm/values.yaml"),
            helm_values(rng, seed, svc, &name, &vars, Env::Dev),
        ),
        ConfigKind::K8sDeployment => (
            format!("{base}/k8s/deployment.yaml"),
            k8s_deployment(rng, seed, svc, &name, &vars),
        ),
        ConfigKind::K8sConfigMap => (
            format!("{base}/k8s/configmap.yaml"),
            k8s_configmap(seed, svc, &name, &vars),
        ),
        ConfigKind::ComposeProd => (
            format!("{base}/docker-compose.prod.yml"),
            compose(rng, seed, svc, &name, &vars, Env::Prod),
        ),
        ConfigKind::Compose => (
            format!("{base}/docker-compose.yml"),
            compose(rng, seed, svc, &name, &vars, Env::Dev),
        ),
        ConfigKind::Dockerfile => (
            format!("{base}/Dockerfile"),
            dockerfile(rng, seed, svc, &vars, Env::Prod),
        ),
        ConfigKind::DockerfileDev => (
            format!("{base}/Dockerfile.dev"),
            dockerfile(rng, seed, svc, &vars, Env::Dev),
        ),
        ConfigKind::RootWorkflow => (
            format!(".github/workflows/{name}.yml"),
            workflow(rng, &name, seed ^ svc as u64),
        ),
        ConfigKind::ServiceWorkflow => (
            format!("{base}/.github/workflows/ci.yml"),
            workflow(rng, &name, seed ^ svc as u64),
        ),
    }
}

fn pick_vars(rng: &mut Rng) -> Vec<&'static str> {
    // Always the two that checklists talk about most, plus a random subset.
    let mut v = vec!["DEV_AUTH_ENABLED", "LOG_LEVEL"];
    for var in VARS.iter().skip(2) {
        if rng.below(10) < 6 {
            v.push(var);
        }
    }
    v
}

fn dotenv(rng: &mut Rng, seed: u64, svc: usize, vars: &[&str], env: Env) -> String {
    let mut s = String::from("# Managed by the platform team. Do not commit real secrets.\n");
    for (i, var) in vars.iter().enumerate() {
        let v = value(seed, svc, var, env);
        if i % 5 == 4 {
            s.push('\n');
        }
        match rng.below(12) {
            0 => {
                let _ = writeln!(s, "export {var}={v}");
            }
            1 => {
                let _ = writeln!(s, "{var}=\"{v}\"");
            }
            2 => {
                let _ = writeln!(
                    s,
                    "{var}='{v}' # {}",
                    ["legacy", "see runbook", "rotated quarterly"][rng.below(3)]
                );
            }
            _ => {
                let _ = writeln!(s, "{var}={v}");
            }
        }
    }
    s
}

fn yaml_scalar(v: &str) -> String {
    if v.is_empty()
        || v.parse::<f64>().is_ok()
        || matches!(v, "true" | "false" | "*")
        || v.contains(": ")
        || v.contains('$')
    {
        format!("\"{v}\"")
    } else {
        v.to_string()
    }
}

fn helm_values(
    rng: &mut Rng,
    seed: u64,
    svc: usize,
    name: &str,
    vars: &[&str],
    env: Env,
) -> String {
    let mut s = String::new();
    let replicas = if env == Env::Prod {
        3 + rng.below(4)
    } else {
        1
    };
    let _ = writeln!(s, "# Helm values for {name}\nreplicaCount: {replicas}\n");
    let _ = writeln!(
        s,
        "image:\n  repository: registry.example.com/{name}\n  tag: \"1.{}.{}\"\n  pullPolicy: IfNotPresent\n",
        rng.below(20),
        rng.below(10)
    );
    // Half the variables as a map (`env:`), half as a Kubernetes-style list (`extraEnv:`).
    s.push_str("env:\n");
    for var in vars.iter().step_by(2) {
        let _ = writeln!(s, "  {var}: {}", yaml_scalar(&value(seed, svc, var, env)));
    }
    s.push_str("\nextraEnv:\n");
    for var in vars.iter().skip(1).step_by(2) {
        let _ = writeln!(
            s,
            "  - name: {var}\n    value: \"{}\"",
            value(seed, svc, var, env)
        );
    }
    let _ = writeln!(
        s,
        "\nresources:\n  limits:\n    cpu: {}m\n    memory: {}Mi\n  requests:\n    cpu: 100m\n    memory: 128Mi\n",
        250 * (1 + rng.below(4)),
        256 * (1 + rng.below(4))
    );
    let _ = writeln!(
        s,
        "ingress:\n  enabled: {}\n  hosts:\n    - host: {name}.example.com\n      paths: [\"/\"]",
        env == Env::Prod
    );
    s
}

fn k8s_deployment(rng: &mut Rng, seed: u64, svc: usize, name: &str, vars: &[&str]) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: {name}\n  labels:\n    app: {name}\nspec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n        - name: app\n          image: registry.example.com/{name}:1.{}.0\n          ports:\n            - containerPort: 8080\n          env:",
        2 + rng.below(4),
        rng.below(30)
    );
    for var in vars {
        let v = value(seed, svc, var, Env::Prod);
        if var.ends_with("_URL") || *var == "SENTRY_DSN" {
            let _ = writeln!(
                s,
                "            - name: {var}\n              valueFrom:\n                secretKeyRef:\n                  name: {name}-secrets\n                  key: {}",
                var.to_lowercase()
            );
        } else {
            let _ = writeln!(s, "            - name: {var}\n              value: \"{v}\"");
        }
    }
    if rng.below(5) != 0 {
        s.push_str(
            "          readinessProbe:\n            httpGet:\n              path: /healthz\n              port: 8080\n          livenessProbe:\n            httpGet:\n              path: /livez\n              port: 8080\n",
        );
    }
    let _ = writeln!(
        s,
        "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: {name}\n  ports:\n    - port: 80\n      targetPort: 8080"
    );
    s
}

fn k8s_configmap(seed: u64, svc: usize, name: &str, vars: &[&str]) -> String {
    let mut s =
        format!("apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}-config\ndata:\n");
    for var in vars {
        let _ = writeln!(s, "  {var}: \"{}\"", value(seed, svc, var, Env::Prod));
    }
    s
}

fn compose(rng: &mut Rng, seed: u64, svc: usize, name: &str, vars: &[&str], env: Env) -> String {
    let mut s = format!("services:\n  {name}:\n    image: registry.example.com/{name}:latest\n    restart: unless-stopped\n    ports:\n      - \"8080:8080\"\n");
    if rng.below(2) == 0 {
        s.push_str("    environment:\n");
        for var in vars {
            let _ = writeln!(
                s,
                "      {var}: {}",
                yaml_scalar(&value(seed, svc, var, env))
            );
        }
    } else {
        s.push_str("    environment:\n");
        for var in vars {
            let _ = writeln!(s, "      - {var}={}", value(seed, svc, var, env));
        }
    }
    if rng.below(3) == 0 {
        s.push_str("    env_file:\n      - .env\n");
    }
    s.push_str("  db:\n    image: postgres:16\n    environment:\n      - POSTGRES_PASSWORD=${DB_PASSWORD}\n    volumes:\n      - db-data:/var/lib/postgresql/data\nvolumes:\n  db-data: {}\n");
    s
}

fn dockerfile(rng: &mut Rng, seed: u64, svc: usize, vars: &[&str], env: Env) -> String {
    let mut s = String::from("# syntax=docker/dockerfile:1\nARG BASE_IMAGE=node:20-slim\nFROM ${BASE_IMAGE} AS build\nWORKDIR /app\nCOPY package*.json ./\nRUN npm ci\nCOPY . .\nRUN npm run build\n\nFROM ${BASE_IMAGE}\nARG GIT_SHA\n");
    for (i, var) in vars.iter().take(6).enumerate() {
        let v = value(seed, svc, var, env);
        if v.is_empty() || v.contains('$') {
            let _ = writeln!(s, "ARG {var}");
        } else if i % 3 == 2 {
            let _ = writeln!(s, "ENV {var} {v}");
        } else {
            let _ = writeln!(s, "ENV {var}={v}");
        }
    }
    if rng.below(3) == 0 {
        s.push_str("ENV PORT=8080 \\\n    NODE_ENV=production\n");
    }
    s.push_str("COPY --from=build /app/dist ./dist\nUSER node\nEXPOSE 8080\nHEALTHCHECK CMD curl -f http://localhost:8080/healthz || exit 1\nCMD [\"node\", \"dist/main.js\"]\n");
    s
}

fn workflow(rng: &mut Rng, name: &str, h: u64) -> String {
    let mut s = format!("name: {name}\non:\n  push:\n    branches: [main]\n  pull_request:\n\nenv:\n  LOG_LEVEL: info\n  DEV_AUTH_ENABLED: \"{}\"\n\njobs:\n", h % 7 == 0);
    let _ = writeln!(
        s,
        "  test:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Test\n        run: make test\n        env:\n          DATABASE_URL: postgres://ci:ci@localhost:5432/ci\n      - name: Backup smoke test\n        run: ./scripts/backup.sh --dry-run"
    );
    if rng.below(2) == 0 {
        let _ = writeln!(
            s,
            "  deploy:\n    needs: test\n    if: github.ref == 'refs/heads/main'\n    runs-on: ubuntu-latest\n    environment: production\n    steps:\n      - uses: actions/checkout@v4\n      - run: helm upgrade --install {name} ./deploy/helm -f deploy/helm/values-prod.yaml"
        );
    }
    s
}

// ---------------------------------------------------------------- docs and sources

const DOC_SLOTS: [&str; 10] = [
    "runbooks/db.md",
    "runbooks/deploy.md",
    "runbooks/incident.md",
    "docs/architecture.md",
    "docs/slo.md",
    "README.md",
    "docs/capacity.md",
    "docs/onboarding.md",
    "docs/adr/0001-use-postgres.md",
    "docs/adr/0002-feature-flags.md",
];

fn doc_file(rng: &mut Rng, svc: usize, slot: usize) -> (String, String) {
    let name = svc_name(svc);
    let rel = if slot < DOC_SLOTS.len() {
        DOC_SLOTS[slot].to_string()
    } else {
        format!("docs/notes/note-{slot:03}.md")
    };
    let headings: &[&str] = match rel.as_str() {
        "runbooks/db.md" => &["Backup", "Restore", "Failover"],
        "runbooks/deploy.md" => &["Deploy", "Rollback", "Feature flags"],
        "runbooks/incident.md" => &["Paging", "Triage", "Postmortem"],
        "docs/slo.md" => &["Targets", "Error budget"],
        "docs/capacity.md" => &["Method", "Results"],
        _ => &["Overview", "Details", "References"],
    };
    let mut s = format!(
        "# {} — {name}\n\n",
        rel.trim_end_matches(".md")
            .rsplit('/')
            .next()
            .unwrap_or("doc")
    );
    for h in headings {
        let _ = writeln!(s, "## {h}\n");
        for _ in 0..(2 + rng.below(3)) {
            let _ = writeln!(
                s,
                "The {name} service keeps its state in Postgres; operators follow this section when \
                 the `{}` alarm fires. Run `scripts/backup.sh` before any change and record the \
                 result in the incident channel.\n",
                VARS[rng.below(VARS.len())]
            );
        }
        if rng.below(3) == 0 {
            let _ = writeln!(
                s,
                "```bash\n./scripts/backup.sh --target s3://backups/{name}\n```\n"
            );
        }
        if rng.below(4) == 0 {
            let _ = writeln!(
                s,
                "1. Announce in #ops\n2. Run the step\n3. Verify dashboards\n"
            );
        }
    }
    (rel, s)
}

fn source_file(rng: &mut Rng, ext: &str) -> String {
    let var = VARS[rng.below(VARS.len())];
    let n = rng.below(1000);
    match ext {
        "ts" => format!(
            "import {{ logger }} from \"../util/logger\";\n\nexport const value{n} = process.env.{var} ?? \"\";\n\nexport function handle{n}(input: string): string {{\n  logger.info(\"handle{n}\", {{ input }});\n  return input.trim();\n}}\n"
        ),
        "py" => format!(
            "import os\n\n{lower} = os.environ.get(\"{var}\", \"\")\n\n\ndef handle_{n}(value: str) -> str:\n    return value.strip()\n",
            lower = var.to_lowercase()
        ),
        "go" => format!(
            "package handlers\n\nimport \"os\"\n\nvar value{n} = os.Getenv(\"{var}\")\n\nfunc Handle{n}(s string) string {{\n\treturn s + value{n}\n}}\n"
        ),
        _ => format!(
            "pub fn handle_{n}(input: &str) -> String {{\n    let v = std::env::var(\"{var}\").unwrap_or_default();\n    format!(\"{{input}}{{v}}\")\n}}\n"
        ),
    }
}

fn root_readme(spec: &Spec) -> String {
    format!(
        "# Synthetic monorepo\n\nGenerated by readiness/server/benches/support/monorepo.rs \
         (spec v{SPEC_VERSION}, {} services). Do not edit.\n\nSee `services/*/docs/production-readiness.md`.\n",
        spec.services
    )
}

// ---------------------------------------------------------------- writer and RNG

enum Kind {
    Git,
    Root,
    RootMarkdown,
    Checklist(usize),
    Config { hidden: bool },
    Doc,
    Source,
    Ignored,
}

struct Writer {
    root: PathBuf,
    dirs: HashSet<PathBuf>,
    stats: Stats,
}

impl Writer {
    fn put(&mut self, rel: &str, text: &str, kind: Kind) -> io::Result<()> {
        let path = self.root.join(rel);
        if let Some(parent) = path.parent() {
            if !self.dirs.contains(parent) {
                fs::create_dir_all(parent)?;
                self.dirs.insert(parent.to_path_buf());
            }
        }
        fs::write(&path, text)?;
        let st = &mut self.stats;
        match kind {
            Kind::Git => return Ok(()),
            Kind::Ignored => {
                st.ignored_files += 1;
                return Ok(());
            }
            Kind::Root => st.root_files += 1,
            Kind::RootMarkdown => {
                st.root_files += 1;
                st.markdown_files += 1;
            }
            Kind::Checklist(tasks) => {
                st.checklists += 1;
                st.checklist_tasks += tasks;
                st.markdown_files += 1;
            }
            Kind::Config { hidden } => {
                st.configs += 1;
                st.hidden_configs += usize::from(hidden);
            }
            Kind::Doc => {
                st.docs += 1;
                st.markdown_files += 1;
            }
            Kind::Source => st.sources += 1,
        }
        st.files += 1;
        st.bytes += text.len() as u64;
        Ok(())
    }
}

fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

fn mix(a: u64, b: u64, c: u64) -> u64 {
    let mut x = a ^ b.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ c.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    // splitmix64 finaliser
    x = (x ^ (x >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^ (x >> 31)
}

/// xorshift64* — small, fast, deterministic across platforms.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(mix(seed, 0x1234_5678, 1) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform-enough integer in `0..n` (n > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (((self.next_u64() >> 32) * n as u64) >> 32) as usize
    }

    fn checkbox(&mut self) -> &'static str {
        match self.below(20) {
            0 => "[X]",
            1..=11 => "[x]",
            _ => "[ ]",
        }
    }

    /// A date between 2025-01-01 and 2027-12-28 (around the benchmark's `--today 2026-11-22`).
    fn date(&mut self) -> String {
        format!(
            "{}-{:02}-{:02}",
            2025 + self.below(3),
            1 + self.below(12),
            1 + self.below(28)
        )
    }
}

/// The tree with the 5,000-task checklist that the language-server benchmarks share, under
/// the temp dir; generated only when missing or of another spec.
pub fn big_checklist_tree() -> PathBuf {
    let root = std::env::temp_dir().join("readiness-lsp-bench");
    let spec = Spec::with_big_checklist();
    let marker = root.join(".bench-fingerprint");
    if fs::read_to_string(&marker).ok().as_deref() != Some(spec.fingerprint().as_str()) {
        let _ = fs::remove_dir_all(&root);
        fs::create_dir_all(&root).expect("create the bench tree folder");
        let started = std::time::Instant::now();
        let stats = generate(&root, &spec).expect("generate the monorepo");
        fs::write(&marker, spec.fingerprint()).expect("write the bench tree marker");
        println!("generated {} files in {:?}", stats.files, started.elapsed());
    }
    root
}
