//! Bundles sample-content/ into the binary, so `linkfeed` with no folder
//! shows the sample feed from any directory.
//!
//! A build script that cannot read its own inputs can only stop the build:
//! it may expect.
#![allow(clippy::expect_used)]

use std::path::{Path, PathBuf};
use std::{env, fs};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|e| e == "md" || e == "markdown") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR"));
    let sample = root.join("sample-content");
    println!("cargo:rerun-if-changed=sample-content");
    let mut files = Vec::new();
    collect(&sample, &mut files);
    files.sort();
    let mut code = String::from(
        "/// The bundled sample feed: (name, bytes).\npub static SAMPLE_FILES: &[(&str, &[u8])] = &[\n",
    );
    for f in &files {
        println!("cargo:rerun-if-changed={}", f.display());
        let name =
            f.strip_prefix(&sample).expect("below sample-content").to_string_lossy().replace('\\', "/");
        code.push_str(&format!("    ({name:?}, include_bytes!({:?})),\n", f.display().to_string()));
    }
    code.push_str("];\n");
    let out = PathBuf::from(env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("sample_files.rs");
    fs::write(out, code).expect("write sample_files.rs");
}
