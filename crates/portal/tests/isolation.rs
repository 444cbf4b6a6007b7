//! The portal's isolation is in the dependency graph: it depends on the published-items port
//! and on no other probity crate, directly or through anything else, so nothing of a case, a
//! party or the shell can be reached from it. Only the workspace's own crates can depend on
//! ours, so following the workspace's declared dependencies finds every path there is.

use std::collections::{BTreeSet, HashMap};

#[test]
fn the_portal_depends_on_the_published_items_port_and_no_other_probity_crate() {
    let out = std::process::Command::new(env!("CARGO"))
        .args([
            "metadata",
            "--format-version",
            "1",
            "--no-deps",
            "--offline",
        ])
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let meta: serde_json::Value = serde_json::from_slice(&out.stdout).expect("metadata is JSON");
    // Each workspace crate's normal and build dependencies (what its library is made of).
    let deps: HashMap<String, Vec<String>> = meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| {
            let d = p["dependencies"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|d| d["kind"].is_null() || d["kind"] == "build")
                .map(|d| d["name"].as_str().unwrap().to_string())
                .collect();
            (p["name"].as_str().unwrap().to_string(), d)
        })
        .collect();
    assert!(deps.contains_key("probity-app") && deps.contains_key("probity-portal"));
    assert!(
        deps["probity-portal"].iter().any(|d| d == "axum"),
        "the graph was read"
    );
    let (mut reached, mut todo) = (BTreeSet::new(), vec!["probity-portal".to_string()]);
    while let Some(name) = todo.pop() {
        for d in deps.get(&name).into_iter().flatten() {
            if reached.insert(d.clone()) && deps.contains_key(d) {
                todo.push(d.clone());
            }
        }
    }
    let ours: Vec<&String> = reached.iter().filter(|n| deps.contains_key(*n)).collect();
    assert_eq!(
        ours,
        ["probity-published"],
        "the portal reaches only the port"
    );
    // And the port itself stands alone.
    assert!(
        deps["probity-published"]
            .iter()
            .all(|d| !deps.contains_key(d))
    );
}
