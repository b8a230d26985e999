//! One link argument, for the Rust unit tests built in the wheel's environment.
//!
//! `.ci/run` builds the wheel for manylinux2014 with maturin's zig toolchain (glibc 2.17
//! symbols) and then runs `cargo test` and `cargo clippy` in that same environment, so
//! that they reuse the wheel's compiled crate graph (a different linker would rebuild it
//! all). The unit tests are an executable that links libpython, and zig's linker refuses
//! an executable whose shared libraries need glibc symbols newer than the target's (the
//! host's libpython does). The loader resolves those against the host's glibc at run time,
//! so the check is relaxed for executables. For the extension module (a shared library)
//! this is the linkers' default already: the wheel is unchanged.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-link-arg=-Wl,--allow-shlib-undefined");
    }
}
