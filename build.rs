// Build script. It tracks the inputs that will generate code (the ABI schema and the C
// header) so cargo rebuilds when they change.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    println!("cargo:rerun-if-changed=src/device/config/builtin_devices.json");
}
