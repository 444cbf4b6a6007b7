//! How the binary's tests run it: on the database at a URL, with its signing key and its
//! exported checkpoints in a directory of the test's own (`key`, `checkpoints/`), never in the
//! working directory.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `probity` with `args` on the database at `url`, with `stdin` as its input.
pub fn probity(url: &str, args: &[&str], stdin: Option<&str>, anchors: &Path) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_probity"))
        .args(["--database", url])
        .args(args)
        .env_remove("PROBITY_DATABASE_URL")
        .env("PROBITY_SIGNING_KEY", anchors.join("key"))
        .env("PROBITY_CHECKPOINT_DIR", anchors.join("checkpoints"))
        .env("PROBITY_MAILBOX", anchors.join("mailbox"))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
    }
    drop(child.stdin.take());
    child.wait_with_output().unwrap()
}

pub fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}
