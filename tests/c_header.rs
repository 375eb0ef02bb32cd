//! The C header `include/plugwire.h` is generated from `src/ffi` by cbindgen, by an explicit
//! step rather than as a side effect of every build: `scripts/gen-header` runs this test
//! with `PLUGWIRE_WRITE_HEADER=1`, which writes the header. Without it, the test fails when
//! the checked-in header differs from a fresh generation (CI's staleness check).

use std::path::{Path, PathBuf};

fn generate(root: &Path) -> String {
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    // Only the ffi module's files: items elsewhere in the crate are not part of the ABI.
    let mut files: Vec<PathBuf> = std::fs::read_dir(root.join("src/ffi"))
        .expect("src/ffi")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    let mut builder = cbindgen::Builder::new().with_config(config);
    for f in files {
        builder = builder.with_src(f);
    }
    let bindings = builder.generate().expect("cbindgen generates the header");
    let mut out = Vec::new();
    bindings.write(&mut out);
    String::from_utf8(out).expect("UTF-8 header")
}

#[test]
fn the_c_header_is_current() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let path = root.join("include/plugwire.h");
    let fresh = generate(&root);
    if std::env::var_os("PLUGWIRE_WRITE_HEADER").is_some() {
        std::fs::write(&path, &fresh).expect("write include/plugwire.h");
        return;
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        current == fresh,
        "include/plugwire.h is not what cbindgen generates from src/ffi: run scripts/gen-header \
         and commit the result"
    );
}
