// Build script:
// - collects the built-in device definitions (one JSON file per protocol in
//   src/device/config/builtin/) into a generated list the crate includes;
// - compiles protobuf/plugwire.proto (the ABI schema) to Rust with protox + prost, so no
//   protoc binary is needed;
// - generates the C header include/plugwire.h from src/ffi with cbindgen. The header is
//   checked in; CI fails when it differs from a fresh generation.
use std::fmt::Write;
use std::path::{Path, PathBuf};

fn main() {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let out_dir = PathBuf::from(std::env::var("OUT_DIR").expect("OUT_DIR"));
    println!("cargo:rerun-if-changed=build.rs");
    builtin_devices(&root, &out_dir);
    protobuf(&root, &out_dir);
    header(&root);
}

fn builtin_devices(root: &Path, out_dir: &Path) {
    let dir = root.join("src/device/config/builtin");
    println!("cargo:rerun-if-changed={}", dir.display());
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("built-in device definitions directory")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "json"))
        .collect();
    files.sort();
    let mut code = String::from("&[\n");
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name = f.file_stem().and_then(|s| s.to_str()).expect("file name");
        writeln!(
            code,
            "    ({name:?}, include_str!({:?})),",
            f.display().to_string()
        )
        .expect("write");
    }
    code.push(']');
    std::fs::write(out_dir.join("builtin_devices.rs"), code).expect("write generated list");
}

fn protobuf(root: &Path, out_dir: &Path) {
    let proto = root.join("protobuf/plugwire.proto");
    println!("cargo:rerun-if-changed={}", proto.display());
    let descriptors =
        protox::compile([&proto], [root.join("protobuf")]).expect("compile plugwire.proto");
    prost_build::Config::new()
        .out_dir(out_dir)
        .compile_fds(descriptors)
        .expect("generate Rust from plugwire.proto");
}

fn header(root: &Path) {
    let ffi = root.join("src/ffi");
    println!("cargo:rerun-if-changed={}", ffi.display());
    println!(
        "cargo:rerun-if-changed={}",
        root.join("cbindgen.toml").display()
    );
    let config = cbindgen::Config::from_file(root.join("cbindgen.toml")).expect("cbindgen.toml");
    // Only the ffi module's files: items elsewhere in the crate are not part of the ABI.
    let mut builder = cbindgen::Builder::new().with_config(config);
    let mut files: Vec<_> = std::fs::read_dir(&ffi)
        .expect("src/ffi")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "rs"))
        .collect();
    files.sort();
    for f in files {
        builder = builder.with_src(f);
    }
    match builder.generate() {
        Ok(bindings) => {
            bindings.write_to_file(root.join("include/plugwire.h"));
        }
        // A syntax error elsewhere in the crate makes cbindgen fail; rustc reports it better.
        Err(e) => println!("cargo:warning=cbindgen could not generate include/plugwire.h: {e}"),
    }
}
