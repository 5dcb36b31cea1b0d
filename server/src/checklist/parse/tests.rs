use super::*;

#[test]
fn empty() {
    let d = parse("");
    assert!(d.tasks.is_empty());
}
