//! Gives the shared library a SONAME on ELF targets: `libconsentry.so.MAJOR` (for a 0.x
//! version, `libconsentry.so.0.MINOR`, since a 0.x minor release may break the ABI, as Cargo's
//! semver rules say and as cargo-c does). `scripts/install-c` installs the library under that
//! name with the `libconsentry.so` link for the linker, and `scripts/test-c` checks it.

fn main() {
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let elf = matches!(
        os.as_str(),
        "linux" | "android" | "freebsd" | "netbsd" | "openbsd" | "dragonfly"
    );
    if elf {
        let major = env!("CARGO_PKG_VERSION_MAJOR");
        let minor = env!("CARGO_PKG_VERSION_MINOR");
        let abi = if major == "0" {
            format!("0.{minor}")
        } else {
            major.to_owned()
        };
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libconsentry.so.{abi}");
    }
    println!("cargo:rerun-if-changed=build.rs");
}
