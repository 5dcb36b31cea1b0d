//! Document templates scaffolded for missing linked documents and pack items.

/// (name, suggested file name, text).
const TEMPLATES: &[(&str, &str, &str)] = &[
    (
        "runbook",
        "runbook.md",
        include_str!("../../../checklists/templates/runbook.md"),
    ),
    (
        "slo",
        "slo.md",
        include_str!("../../../checklists/templates/slo.md"),
    ),
    (
        "backup-restore",
        "backup-restore.md",
        include_str!("../../../checklists/templates/backup-restore.md"),
    ),
    (
        "incident-response",
        "incident-response.md",
        include_str!("../../../checklists/templates/incident-response.md"),
    ),
    (
        "rollback",
        "rollback.md",
        include_str!("../../../checklists/templates/rollback.md"),
    ),
    (
        "on-call",
        "on-call.md",
        include_str!("../../../checklists/templates/on-call.md"),
    ),
    (
        "env-example",
        ".env.example",
        include_str!("../../../checklists/templates/env.example"),
    ),
    (
        "security",
        "SECURITY.md",
        include_str!("../../../checklists/templates/SECURITY.md"),
    ),
    (
        "load-test-plan",
        "load-test-plan.md",
        include_str!("../../../checklists/templates/load-test-plan.md"),
    ),
];

const NAMES: &[&str] = &[
    "runbook",
    "slo",
    "backup-restore",
    "incident-response",
    "rollback",
    "on-call",
    "env-example",
    "security",
    "load-test-plan",
];

/// The raw text of a template, with its `{{title}}` and `{{date}}` variables.
pub fn template(name: &str) -> Option<&'static str> {
    TEMPLATES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, _, text)| *text)
}

/// Names of all templates.
pub fn template_names() -> &'static [&'static str] {
    NAMES
}

/// The file name a template is usually saved under (`SECURITY.md`, `.env.example`, ...).
pub fn template_file_name(name: &str) -> Option<&'static str> {
    TEMPLATES
        .iter()
        .find(|(n, _, _)| *n == name)
        .map(|(_, file, _)| *file)
}

/// A template with `{{title}}` and `{{date}}` (YYYY-MM-DD) filled in.
pub fn render_template(name: &str, title: &str, date: &str) -> Option<String> {
    template(name).map(|t| t.replace("{{title}}", title).replace("{{date}}", date))
}

/// Keyword phrases (normalised: lower case, words separated by single spaces) per
/// template, most specific first.
const CHOICES: &[(&str, &[&str])] = &[
    (
        "incident-response",
        &[
            "incident",
            "incidents",
            "postmortem",
            "postmortems",
            "post mortem",
            "post mortems",
            "post incident",
            "outage",
            "sev1",
            "war room",
        ],
    ),
    (
        "on-call",
        &[
            "on call",
            "oncall",
            "pager",
            "paging",
            "pagerduty",
            "escalation",
            "escalations",
            "rota",
            "rotation",
        ],
    ),
    (
        "backup-restore",
        &[
            "backup",
            "backups",
            "restore",
            "restores",
            "disaster recovery",
            "dr",
            "rto",
            "rpo",
            "point in time recovery",
            "pitr",
        ],
    ),
    (
        "rollback",
        &[
            "rollback",
            "rollbacks",
            "roll back",
            "rolling back",
            "revert",
            "downgrade",
        ],
    ),
    (
        "load-test-plan",
        &[
            "load test",
            "load tests",
            "load testing",
            "loadtest",
            "loadtests",
            "perf test",
            "performance test",
            "performance testing",
            "stress test",
            "capacity plan",
            "capacity planning",
            "k6",
            "locust",
            "benchmark",
            "benchmarks",
        ],
    ),
    (
        "slo",
        &[
            "slo",
            "slos",
            "sli",
            "slis",
            "sla",
            "error budget",
            "error budgets",
            "service level",
            "service levels",
            "service level objectives",
        ],
    ),
    (
        "security",
        &[
            "security",
            "vulnerability",
            "vulnerabilities",
            "disclosure",
            "threat model",
        ],
    ),
    (
        "env-example",
        &["env example", "env sample", "env template"],
    ),
    (
        "runbook",
        &[
            "runbook",
            "runbooks",
            "run book",
            "playbook",
            "playbooks",
            "operations",
            "ops guide",
            "troubleshooting",
        ],
    ),
];

/// The template to scaffold a missing linked document from, chosen by keywords in the
/// link text or the target file name (`docs/runbooks/db-restore.md`); `None` when nothing
/// fits. Keywords are tried from the most specific template (incident response) to the
/// most general (runbook), over the link text and file name together.
pub fn choose_template(link_text: &str, file_name: &str) -> Option<&'static str> {
    let hay = format!(" {} {} ", words(link_text), words(file_name));
    for (name, phrases) in CHOICES {
        if phrases.iter().any(|p| hay.contains(&format!(" {p} "))) {
            return Some(name);
        }
    }
    None
}

fn words(text: &str) -> String {
    let lower = text.to_lowercase();
    let split: Vec<&str> = lower
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && *w != "md" && *w != "markdown")
        .collect();
    split.join(" ")
}
