//! GitHub Actions workflows: `env:` maps at workflow, job and step level. The generic
//! `env:` shape in [`super::kubernetes`] covers them; these tests pin the behaviour,
//! including `${{ ... }}` expressions, which are plain scalars in YAML.

#[cfg(test)]
mod tests {
    use crate::config::{parse_config, ConfigKind, Quote};

    #[test]
    fn env_at_every_level() {
        let t = "name: ci\non: push\nenv:\n  TOP: 1\njobs:\n  build:\n    runs-on: ubuntu-latest\n    env:\n      TOKEN: ${{ secrets.TOKEN }}\n      QUOTED: \"${{ secrets.Q }}\"\n    steps:\n      - uses: actions/checkout@v4\n      - run: make\n        env:\n          STEP: step-value\n          EXPR: ${{ github.ref == 'refs/heads/main' && 'prod' || 'dev' }}\n";
        let f = parse_config(ConfigKind::Workflow, t);
        let names: Vec<&str> = f.defs.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["TOP", "TOKEN", "QUOTED", "STEP", "EXPR"]);
        let tok = &f.defs[1];
        assert_eq!(&t[tok.value_range.clone()], "${{ secrets.TOKEN }}");
        assert_eq!(
            (tok.value.as_str(), tok.quote),
            ("${{ secrets.TOKEN }}", Quote::None)
        );
        let q = &f.defs[2];
        assert_eq!(&t[q.value_range.clone()], "\"${{ secrets.Q }}\"");
        assert_eq!(q.value, "${{ secrets.Q }}");
        assert_eq!(
            f.defs[4].value,
            "${{ github.ref == 'refs/heads/main' && 'prod' || 'dev' }}"
        );
    }

    #[test]
    fn workflow_without_env() {
        let f = parse_config(ConfigKind::Workflow, "on: [push]\njobs: {}\n");
        assert!(f.defs.is_empty());
    }
}
