//! `k8s_probes_and_limits`: every container of a long-running Kubernetes workload declares
//! a livenessProbe, a readinessProbe and resources.limits.
//!
//! Read from the text by indentation, not a YAML parser: Helm templates with `{{ }}` are
//! not valid YAML but keep their container blocks readable.

use super::{line_evidence, Evidence, Outcome, ProbeResult, Prober};
use crate::config::ConfigKind;
use crate::packs::Probe;

const WORKLOADS: &[&str] = &[
    "Deployment",
    "StatefulSet",
    "DaemonSet",
    "ReplicaSet",
    "Pod",
];

/// One container block: its offset and which keys it has.
#[derive(Debug, Default)]
pub(crate) struct Container {
    pub offset: usize,
    pub liveness: bool,
    pub readiness: bool,
    pub limits: bool,
}

impl Container {
    fn missing(&self) -> Vec<&'static str> {
        let mut m = Vec::new();
        if !self.liveness {
            m.push("livenessProbe");
        }
        if !self.readiness {
            m.push("readinessProbe");
        }
        if !self.limits {
            m.push("resources.limits");
        }
        m
    }
}

pub(super) fn probes_and_limits(p: &Prober, probe: &Probe) -> ProbeResult {
    let mut good: Vec<Evidence> = Vec::new();
    let mut workloads = 0;
    for path in p.configs(ConfigKind::Yaml) {
        let Some(text) = p.text(path) else {
            continue;
        };
        for (doc_start, doc) in documents(&text) {
            if !is_workload(doc) {
                continue;
            }
            workloads += 1;
            for c in containers(doc) {
                let missing = c.missing();
                let ev = line_evidence(path, &text, doc_start + c.offset);
                if !missing.is_empty() {
                    let detail = format!("container at {ev} has no {}", missing.join(", "));
                    return ProbeResult::new(probe, Outcome::Fail, vec![ev], detail);
                }
                good.push(ev);
            }
        }
    }
    if workloads == 0 {
        return ProbeResult::new(
            probe,
            Outcome::NotApplicable,
            Vec::new(),
            "no Kubernetes workload manifest".into(),
        );
    }
    let detail = format!("{} container(s) declare probes and limits", good.len());
    ProbeResult::new(probe, Outcome::Pass, good, detail)
}

/// YAML documents of a file with their offsets.
fn documents(text: &str) -> Vec<(usize, &str)> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut offset = 0;
    for line in text.split_inclusive('\n') {
        if line.starts_with("---") {
            out.push((start, &text[start..offset]));
            start = offset + line.len();
        }
        offset += line.len();
    }
    out.push((start, &text[start..]));
    out
}

fn is_workload(doc: &str) -> bool {
    doc.lines().any(|l| {
        l.strip_prefix("kind:")
            .is_some_and(|k| WORKLOADS.contains(&k.trim().trim_matches(['"', '\''])))
    })
}

/// Container blocks under every `containers:` key (not `initContainers:`).
pub(crate) fn containers(doc: &str) -> Vec<Container> {
    let lines: Vec<(usize, &str)> = {
        let mut v = Vec::new();
        let mut off = 0;
        for l in doc.split_inclusive('\n') {
            v.push((off, l.trim_end_matches(['\n', '\r'])));
            off += l.len();
        }
        v
    };
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let (_, line) = lines[i];
        let t = line.trim_start();
        if !(t == "containers:"
            || t.starts_with("containers: ") && t[11..].trim_start().starts_with('#'))
        {
            i += 1;
            continue;
        }
        let key_indent = indent(line);
        i += 1;
        let mut current: Option<(Container, usize)> = None;
        while i < lines.len() {
            let (off, l) = lines[i];
            let lt = l.trim_start();
            if lt.is_empty() || lt.starts_with('#') {
                i += 1;
                continue;
            }
            let ind = indent(l);
            let is_item = lt.starts_with("- ") || lt == "-";
            if ind < key_indent || (ind == key_indent && !is_item) {
                break;
            }
            if is_item && current.as_ref().is_none_or(|(_, ci)| ind <= *ci) {
                if let Some((c, _)) = current.take() {
                    out.push(c);
                }
                current = Some((
                    Container {
                        offset: off + ind,
                        ..Container::default()
                    },
                    ind,
                ));
            }
            if let Some((c, _)) = current.as_mut() {
                let key = lt.trim_start_matches("- ");
                if key.starts_with("livenessProbe:") {
                    c.liveness = true;
                } else if key.starts_with("readinessProbe:") {
                    c.readiness = true;
                } else if key.starts_with("limits:") {
                    c.limits = true;
                }
            }
            i += 1;
        }
        if let Some((c, _)) = current {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_container_block() {
        let doc = "kind: Deployment\nspec:\n  template:\n    spec:\n      initContainers:\n        - name: init\n      containers:\n        - name: a\n          livenessProbe: {}\n          readinessProbe: {}\n          resources:\n            limits: {cpu: 1}\n        - name: b\n          image: x\n      volumes: []\n";
        let c = containers(doc);
        assert_eq!(c.len(), 2);
        assert!(c[0].liveness && c[0].readiness && c[0].limits);
        assert_eq!(
            c[1].missing(),
            vec!["livenessProbe", "readinessProbe", "resources.limits"]
        );
    }
}
