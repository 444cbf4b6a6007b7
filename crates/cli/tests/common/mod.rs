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

/// A database of its own on the PostgreSQL server `base` (TEST_PG_URL) names, made empty and
/// dropped again when this goes out of scope.
#[allow(dead_code)] // not every test binary runs on PostgreSQL
pub struct PgDatabase {
    base: String,
    name: String,
    pub url: String,
}

#[allow(dead_code)]
impl PgDatabase {
    pub fn create(base: &str, name: &str) -> PgDatabase {
        let db = PgDatabase {
            base: base.to_string(),
            name: name.to_string(),
            url: format!(
                "{}/{name}",
                base.rsplit_once('/').expect("a database URL").0
            ),
        };
        db.admin(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
        db.admin(&format!("CREATE DATABASE {name}"));
        db
    }

    fn admin(&self, sql: &str) {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async {
            let pool = sqlx::PgPool::connect(&self.base).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_string()))
                .execute(&pool)
                .await
                .unwrap();
        });
    }
}

impl Drop for PgDatabase {
    fn drop(&mut self) {
        self.admin(&format!(
            "DROP DATABASE IF EXISTS {} WITH (FORCE)",
            self.name
        ));
    }
}
