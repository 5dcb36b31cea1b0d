//! Timing of the config parsers on a synthetic repository of 3,000 small config files:
//! `cargo bench --bench config_parse`. A benchmark, not a test: a timing says nothing
//! about correctness, and the parsers' own tests (`config_props`, the per-format modules)
//! do that.

use std::time::Instant;

use rayon::prelude::*;
use readiness::config::{parse_config, ConfigKind};

const DEPLOYMENT: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\n  labels: {app: api}\nspec:\n  replicas: 3\n  template:\n    spec:\n      containers:\n        - name: api\n          image: registry/api:1.4.2\n          ports:\n            - containerPort: 8080\n          env:\n            - name: NODE_ENV\n              value: production\n            - name: DEBUG\n              value: \"false\"\n            - name: LOG_LEVEL\n              value: info\n            - name: DB_PASSWORD\n              valueFrom:\n                secretKeyRef: {name: db, key: password}\n          resources:\n            limits: {cpu: 500m, memory: 512Mi}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: api\ndata:\n  FEATURE_X: \"on\"\n  TIMEOUT: \"30\"\n";
const COMPOSE: &str = "services:\n  web:\n    build: .\n    env_file: [.env, .env.production]\n    environment:\n      - NODE_ENV=production\n      - DEBUG=false\n      - \"PORT=3000\"\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD: example\n      POSTGRES_DB: app\n";
const WORKFLOW: &str = "name: ci\non: [push, pull_request]\nenv:\n  CI: true\njobs:\n  test:\n    runs-on: ubuntu-latest\n    env:\n      TOKEN: ${{ secrets.TOKEN }}\n    steps:\n      - uses: actions/checkout@v4\n      - run: cargo test\n        env:\n          RUST_LOG: debug\n";
const DOTENV: &str = "# production settings\nNODE_ENV=production\nDEBUG=false\nexport PORT=3000\nDATABASE_URL=\"postgres://u:p@db/app\"\nSECRET_KEY='abc' # rotate\nEMPTY=\n";
const DOCKERFILE: &str = "# syntax=docker/dockerfile:1\nFROM node:20 AS build\nARG VERSION=1.0\nARG COMMIT\nENV NODE_ENV=production \\\n    PORT=3000\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\nENV LEGACY value here\nCMD [\"node\", \"dist/main.js\"]\n";

fn corpus() -> Vec<(ConfigKind, String)> {
    let mut files = Vec::with_capacity(3000);
    for i in 0..600 {
        // Vary the text a little so nothing could be cached by content.
        files.push((ConfigKind::Yaml, format!("{DEPLOYMENT}# {i}\n")));
        files.push((ConfigKind::Compose, format!("{COMPOSE}# {i}\n")));
        files.push((ConfigKind::Workflow, format!("{WORKFLOW}# {i}\n")));
        files.push((ConfigKind::Dotenv, format!("{DOTENV}# {i}\n")));
        files.push((ConfigKind::Dockerfile, format!("{DOCKERFILE}# {i}\n")));
    }
    files
}

fn main() {
    let files = corpus();
    let bytes: usize = files.iter().map(|(_, t)| t.len()).sum();
    // Warm up the per-thread parsers.
    let _ = files
        .par_iter()
        .map(|(k, t)| parse_config(*k, t).defs.len())
        .sum::<usize>();
    let start = Instant::now();
    let defs: usize = files
        .iter()
        .map(|(k, t)| parse_config(*k, t).defs.len())
        .sum();
    let serial = start.elapsed();
    let start = Instant::now();
    let par_defs: usize = files
        .par_iter()
        .map(|(k, t)| parse_config(*k, t).defs.len())
        .sum();
    let parallel = start.elapsed();
    assert_eq!(defs, par_defs);
    assert_eq!(defs, 600 * (6 + 5 + 3 + 6 + 5));
    for kind in [
        ConfigKind::Yaml,
        ConfigKind::Compose,
        ConfigKind::Workflow,
        ConfigKind::Dotenv,
        ConfigKind::Dockerfile,
    ] {
        let start = Instant::now();
        let n: usize = files
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(k, t)| parse_config(*k, t).defs.len())
            .sum();
        println!("{kind:?}: {n} defs in {:?}", start.elapsed());
    }
    println!(
        "{} files, {bytes} bytes, {defs} defs: serial {serial:?}, rayon {parallel:?}",
        files.len()
    );
}
