//! `PackSection::matches_heading` against the headings real checklists use.

use readiness::packs::{self, normalize_heading, PackSection};

fn baseline_section(id: &str) -> &'static PackSection {
    packs::builtin("baseline").unwrap().section(id).unwrap()
}

fn matching(heading: &str) -> Vec<String> {
    let sections = packs::combine(
        &packs::builtin_names()
            .iter()
            .map(|n| packs::builtin(n).unwrap().clone())
            .collect::<Vec<_>>(),
    );
    sections
        .iter()
        .filter(|s| s.matches_heading(heading))
        .map(|s| s.id.clone())
        .collect()
}

/// Headings from real production-readiness checklists, with the section each obviously covers.
const COVERING: &[(&str, &str)] = &[
    ("1) Tenancy and authentication", "security"),
    ("1) Tenancy and authentication", "tenancy"),
    ("2) Data contracts, logging, and privacy", "observability"),
    ("4) Database and migrations", "data"),
    ("5) Observability and runbooks", "observability"),
    ("5) Observability and runbooks", "incident"),
    ("6) Performance and capacity", "performance"),
    ("7) Safe rollout and rollback", "release"),
    ("Data & Storage", "data"),
    ("Cache & Messaging", "performance"),
    ("Performance & SLOs", "performance"),
    ("Reliability & Ops", "observability"),
    ("Security", "security"),
    ("Testing & CI/CD", "testing"),
    ("Documentation & Runbooks", "docs"),
    ("Documentation & Runbooks", "incident"),
    ("Code Quality", "testing"),
    ("Environment Configuration", "secrets"),
    ("Dependencies", "testing"),
    ("Security Checklist", "security"),
    ("Authentication & Authorization", "security"),
    ("Input Validation", "security"),
    ("Network Security", "security"),
    ("Data Security", "security"),
    ("Security Monitoring", "security"),
    ("Performance Checklist", "performance"),
    ("Database Optimization", "data"),
    ("Caching Strategy", "performance"),
    ("Performance Targets", "performance"),
    ("Load Testing Completed", "performance"),
    ("Monitoring & Observability", "observability"),
    ("Logging", "observability"),
    ("Health Checks", "observability"),
    ("Metrics & Monitoring", "observability"),
    ("Alerting", "observability"),
    ("Data & Backup", "data"),
    ("Database Backups", "data"),
    ("Disaster Recovery", "data"),
    ("Data Retention", "data"),
    ("Deployment Verification", "release"),
    ("Pre-Deployment Tests", "testing"),
    ("Deployment Steps", "release"),
    ("Post-Deployment Tests", "testing"),
    ("Rollback Procedures", "release"),
    ("Rollback Preparation", "release"),
    ("Rollback Triggers", "release"),
    ("Rollback Steps", "release"),
    ("Post-Rollback", "release"),
    ("Support & Escalation", "incident"),
    ("On-Call Rotation", "incident"),
    ("Incident Response", "incident"),
    ("Security Infrastructure (Solid)", "security"),
    ("Reliability Infrastructure (Solid)", "observability"),
    ("Testing (More Than Expected)", "testing"),
    ("Containerization (Production Ready)", "release"),
    ("Containerization (Production Ready)", "kubernetes"),
    ("CI/CD Pipeline", "testing"),
    ("Monitoring & Alerting", "observability"),
    ("Backup & Recovery", "data"),
    ("Documentation", "docs"),
    ("Priority 1: CI/CD (Today)", "testing"),
    ("Priority 2: Error Tracking (This Week)", "observability"),
    ("Priority 3: Backup Automation (This Week)", "data"),
    ("Data & migrations", "data"),
    ("Resilience & operations", "observability"),
    ("Testing & coverage", "testing"),
    ("Performance & scale", "performance"),
    ("Recovery & incident readiness", "incident"),
    ("Recovery & incident readiness", "data"),
    ("Phase 2: Data & migrations", "data"),
    ("Phase 3: Reliability & observability", "observability"),
    ("Phase 4: Security", "security"),
    ("Phase 5: Performance", "performance"),
    ("Phase 6: Recovery", "data"),
    // Other common wordings.
    ("2. Secrets Management", "secrets"),
    ("Secrets & Config", "secrets"),
    ("3.1 Backups and restore drills", "data"),
    ("Release and Rollback Checklist", "release"),
    ("## 🚀 Deployment", "release"),
    ("Incident Management", "incident"),
    ("Kubernetes", "kubernetes"),
    ("LLM / AI safety", "llm"),
    ("Multi-tenancy", "tenancy"),
    ("Observability Checklist:", "observability"),
    ("Testing and Quality Assurance", "testing"),
];

const UNRELATED: &[&str] = &[
    "Who this is for",
    "What you will get",
    "0) Decide your serving mode (DB-only vs artifact/manifest)",
    "Table of Contents",
    "Sign-Off",
    "Summary",
    "Additional Resources",
    "Production Readiness Score",
    "Production readiness checklist (RecSys suite)",
    "Production Readiness Checklist",
    "Current Status: What Already Exists ✅",
    "Completed This Session ✅",
    "Immediate Actions",
    "Verification Commands",
    "Immediate (First Hour)",
    "Short-term (First Day)",
    "Assumptions (defaults)",
    "A+ Rubric",
    "Work Queue (first 5)",
    "Contact Information",
    "",
    "   ",
    "1)",
];

#[test]
fn seed_headings_cover_their_sections() {
    let mut failures = Vec::new();
    for (heading, id) in COVERING {
        let got = matching(heading);
        if !got.iter().any(|g| g == id) {
            failures.push(format!("{heading:?} should cover {id}, matched {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn unrelated_headings_match_nothing() {
    let mut failures = Vec::new();
    for heading in UNRELATED {
        let got = matching(heading);
        if !got.is_empty() {
            failures.push(format!("{heading:?} matched {got:?}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn obvious_cross_matches_do_not_happen() {
    assert!(!baseline_section("data").matches_heading("Data Security"));
    assert!(!baseline_section("security").matches_heading("Performance Targets"));
    assert!(!baseline_section("release").matches_heading("Code Quality"));
    assert!(!baseline_section("docs").matches_heading("Logging"));
    assert!(!baseline_section("testing")
        .matches_heading("3) Pipelines readiness (artifact/manifest mode only)"));
}

#[test]
fn normalisation() {
    assert_eq!(
        normalize_heading("1) Tenancy and authentication"),
        "tenancy authentication"
    );
    assert_eq!(
        normalize_heading("Phase 3: Reliability & observability"),
        "reliability observability"
    );
    assert_eq!(normalize_heading("2. Security Checklist"), "security");
    assert_eq!(normalize_heading("3.1 Backups"), "backup");
    assert_eq!(normalize_heading("Testing & CI/CD"), "testing ci cd");
    assert_eq!(normalize_heading("a) Monitoring"), "monitoring");
    assert_eq!(normalize_heading("Checklist"), "checklist");
    assert_eq!(
        normalize_heading("**On-Call** rotation"),
        "on call rotation"
    );
    // Numbers that are part of the topic stay.
    assert_eq!(normalize_heading("99.9% availability"), "99 9 availability");
}
