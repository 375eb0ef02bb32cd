//! The list of built-in protocol families is the same everywhere a user or a developer
//! meets it: the built-in device definitions, the protocol registry, the README's protocol
//! list and docs/protocols/.

use std::collections::BTreeSet;

use plugwire::device::config::DeviceConfigDb;
use plugwire::device::protocols::ProtocolRegistry;

fn root() -> std::path::PathBuf {
    std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn defined() -> BTreeSet<String> {
    DeviceConfigDb::builtin()
        .protocols()
        .map(|p| p.name.clone())
        .collect()
}

#[test]
fn every_built_in_definition_has_a_protocol_and_back() {
    let registered: BTreeSet<String> = ProtocolRegistry::builtin()
        .names()
        .map(str::to_string)
        .collect();
    let defined = defined();
    let no_code: Vec<_> = defined.difference(&registered).collect();
    let no_definition: Vec<_> = registered.difference(&defined).collect();
    assert!(
        no_code.is_empty(),
        "definitions without a protocol: {no_code:?}"
    );
    assert!(
        no_definition.is_empty(),
        "protocols without definitions: {no_definition:?}"
    );
}

/// The README's "## Protocols" section, up to the next second-level heading.
fn readme_protocols_section() -> String {
    let readme = std::fs::read_to_string(root().join("README.md")).unwrap();
    let start = readme
        .find("\n## Protocols\n")
        .expect("README has a '## Protocols' section");
    let rest = &readme[start + 1..];
    let end = rest[3..].find("\n## ").map_or(rest.len(), |i| i + 3);
    rest[..end].to_string()
}

#[test]
fn the_readme_lists_every_built_in_family() {
    let section = readme_protocols_section();
    let words: BTreeSet<&str> = section
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
        .collect();
    let missing: Vec<String> = defined()
        .into_iter()
        .filter(|name| !words.contains(name.as_str()))
        .collect();
    assert!(
        missing.is_empty(),
        "README '## Protocols' does not list {missing:?}"
    );
}

#[test]
fn every_hardware_family_has_its_facts_written_down() {
    let missing: Vec<String> = defined()
        .into_iter()
        .filter(|name| name != "simulated")
        .filter(|name| !root().join(format!("docs/protocols/{name}.md")).exists())
        .collect();
    assert!(
        missing.is_empty(),
        "no docs/protocols/<name>.md for {missing:?}"
    );
}
