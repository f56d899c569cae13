//! Lists every file under `lexicons/` (sorted) into `OUT_DIR/lexicons.rs` as
//! `(relative_path, include_str!(absolute_path))`, so the phrase lists are
//! compiled into the binary and adding a file needs no code change.
use std::fs;
use std::path::{Path, PathBuf};

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .map(|e| e.expect("directory entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            collect(&path, out);
        } else if path.extension().is_some_and(|x| x == "txt") {
            out.push(path);
        }
    }
}

fn main() {
    let root = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").expect("manifest dir"));
    let lexicons = root.join("lexicons");
    println!("cargo:rerun-if-changed=lexicons");
    let mut files = Vec::new();
    collect(&lexicons, &mut files);
    let mut code = String::from("&[\n");
    for path in &files {
        let rel = path
            .strip_prefix(&lexicons)
            .expect("under lexicons")
            .to_string_lossy()
            .replace('\\', "/");
        println!("cargo:rerun-if-changed={}", path.display());
        code.push_str(&format!(
            "    ({rel:?}, include_str!({:?})),\n",
            path.display().to_string()
        ));
    }
    code.push_str("]\n");
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("out dir")).join("lexicons.rs");
    fs::write(out, code).expect("write lexicon table");
}
