//! The shell's side of anchored chain heads: the signing key, which lives in a file of its own
//! and never in the database; signing checkpoints of both heads and exporting each one to a
//! directory the database's administrator does not control; and reading exported checkpoints
//! and trusted public keys back for `audit verify --checkpoints DIR`.
//!
//! Layout of an export directory: `checkpoint-<µs>-<key id>.json` (one checkpoint each, in the
//! form of `Checkpoint::to_json`) and `key-<key id>.pub` (a public key, hex).

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;
use probity_store::anchor::{Checkpoint, key_id};

use crate::casebook::AppError;

/// The key that signs checkpoints, and where they are exported.
pub struct Signer {
    key: SigningKey,
    export: Option<PathBuf>,
}

impl std::fmt::Debug for Signer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The secret half never reaches a log.
        f.debug_struct("Signer")
            .field("key", &key_id(&self.public_key()))
            .field("export", &self.export)
            .finish()
    }
}

fn bad(path: &Path, why: impl std::fmt::Display) -> AppError {
    AppError::BadInput(format!("the signing key {}: {why}", path.display()))
}

impl Signer {
    /// Reads a key file: 32 bytes of hex.
    pub fn load(path: &Path) -> Result<Signer, AppError> {
        let text = std::fs::read_to_string(path).map_err(|e| bad(path, e))?;
        let bytes = probity_domain::hex::decode(text.trim())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| bad(path, "is not 32 bytes of hex"))?;
        Ok(Signer {
            key: SigningKey::from_bytes(&bytes),
            export: None,
        })
    }

    /// Makes a new key at `path` (readable by its owner alone; an existing file is never
    /// replaced) and its public half beside it, at `path.pub`.
    pub fn generate(path: &Path) -> Result<Signer, AppError> {
        let mut secret = [0u8; 32];
        getrandom::fill(&mut secret).expect("the operating system provides randomness");
        let key = SigningKey::from_bytes(&secret);
        let mut file = private_file(path).map_err(|e| bad(path, e))?;
        writeln!(file, "{}", probity_domain::hex::encode(&secret)).map_err(|e| bad(path, e))?;
        file.sync_all().map_err(|e| bad(path, e))?;
        let public = key.verifying_key().to_bytes();
        let mut pub_path = path.as_os_str().to_owned();
        pub_path.push(".pub");
        std::fs::write(
            &pub_path,
            format!("{}\n", probity_domain::hex::encode(&public)),
        )
        .map_err(|e| bad(path, e))?;
        Ok(Signer { key, export: None })
    }

    /// The key at `path`, made first if there is none.
    pub fn load_or_generate(path: &Path) -> Result<Signer, AppError> {
        if path.exists() {
            Signer::load(path)
        } else {
            Signer::generate(path)
        }
    }

    /// Exports every checkpoint this signer signs to `dir` as well.
    pub fn exporting_to(mut self, dir: PathBuf) -> Signer {
        self.export = Some(dir);
        self
    }

    pub fn public_key(&self) -> [u8; 32] {
        self.key.verifying_key().to_bytes()
    }

    pub fn key_id(&self) -> String {
        key_id(&self.public_key())
    }

    pub(crate) fn sign(
        &self,
        at: i64,
        events: Option<probity_store::Head>,
        audit: Option<probity_store::Head>,
    ) -> Checkpoint {
        Checkpoint::sign(&self.key, at, events, audit)
    }

    /// Writes the checkpoint to the export directory, if there is one, with the public key
    /// beside it. Each file is written whole under another name first, then renamed.
    pub(crate) fn export(&self, c: &Checkpoint) -> Result<Option<PathBuf>, AppError> {
        let Some(dir) = &self.export else {
            return Ok(None);
        };
        let failed = |e: std::io::Error| {
            AppError::BadInput(format!(
                "cannot export a checkpoint to {}: {e}",
                dir.display()
            ))
        };
        std::fs::create_dir_all(dir).map_err(failed)?;
        let id = c.key_id();
        let key = dir.join(format!("key-{id}.pub"));
        if !key.exists() {
            write_whole(&key, &format!("{}\n", probity_domain::hex::encode(&c.key)))
                .map_err(failed)?;
        }
        let path = dir.join(format!("checkpoint-{:020}-{id}.json", c.at));
        write_whole(&path, &format!("{}\n", c.to_json())).map_err(failed)?;
        Ok(Some(path))
    }
}

fn private_file(path: &Path) -> std::io::Result<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    options.open(path)
}

fn write_whole(path: &Path, text: &str) -> std::io::Result<()> {
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".tmp");
    let mut f = std::fs::File::create(&tmp)?;
    f.write_all(text.as_bytes())?;
    f.sync_all()?;
    std::fs::rename(&tmp, path)
}

/// What verification holds against the database: checkpoints exported elsewhere, and the
/// public keys trusted to have signed them.
#[derive(Debug, Clone, Default)]
pub struct Anchors {
    pub trusted: Vec<[u8; 32]>,
    /// Each exported checkpoint, with the file it came from.
    pub exported: Vec<(String, Checkpoint)>,
}

impl Anchors {
    /// Reads an export directory: every `*.pub` is a trusted key, every `*.json` a checkpoint.
    /// A file that is neither readable key nor checkpoint is an error, never skipped.
    pub fn read(dir: &Path) -> Result<Anchors, AppError> {
        let failed = |what: &Path, e: &dyn std::fmt::Display| {
            AppError::BadInput(format!("cannot read {}: {e}", what.display()))
        };
        let mut anchors = Anchors::default();
        let mut paths: Vec<PathBuf> = std::fs::read_dir(dir)
            .map_err(|e| failed(dir, &e))?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<Result<_, _>>()
            .map_err(|e| failed(dir, &e))?;
        paths.sort();
        for path in paths {
            let ext = path.extension().and_then(|e| e.to_str());
            if !matches!(ext, Some("pub" | "json")) {
                continue;
            }
            let text = std::fs::read_to_string(&path).map_err(|e| failed(&path, &e))?;
            if ext == Some("pub") {
                let key = probity_domain::hex::decode(text.trim())
                    .and_then(|b| <[u8; 32]>::try_from(b).ok())
                    .ok_or_else(|| failed(&path, &"is not a public key (32 bytes of hex)"))?;
                anchors.trusted.push(key);
            } else {
                let c = Checkpoint::from_json(text.trim()).map_err(|e| failed(&path, &e))?;
                let name = path
                    .file_name()
                    .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
                anchors.exported.push((name, c));
            }
        }
        Ok(anchors)
    }

    /// Also trusts the public key in `path` (hex).
    pub fn trusting(mut self, path: &Path) -> Result<Anchors, AppError> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| AppError::BadInput(format!("cannot read {}: {e}", path.display())))?;
        let key = probity_domain::hex::decode(text.trim())
            .and_then(|b| <[u8; 32]>::try_from(b).ok())
            .ok_or_else(|| {
                AppError::BadInput(format!(
                    "{} is not a public key (32 bytes of hex)",
                    path.display()
                ))
            })?;
        self.trusted.push(key);
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_generated_key_loads_again_and_its_exports_read_back() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("signing.key");
        let made = Signer::generate(&path).unwrap();
        assert!(
            Signer::generate(&path).is_err(),
            "an existing key is never replaced"
        );
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).unwrap().permissions().mode();
            assert_eq!(mode & 0o077, 0, "readable by its owner alone");
        }
        let loaded = Signer::load(&path)
            .unwrap()
            .exporting_to(dir.path().join("out"));
        assert_eq!(loaded.public_key(), made.public_key());
        let c = loaded.sign(1_700_000_000_000_000, None, None);
        let file = loaded.export(&c).unwrap().unwrap();
        assert!(file.exists());
        let anchors = Anchors::read(&dir.path().join("out"))
            .unwrap()
            .trusting(&dir.path().join("signing.key.pub"))
            .unwrap();
        assert_eq!(anchors.trusted, vec![made.public_key(), made.public_key()]);
        assert_eq!(anchors.exported.len(), 1);
        assert_eq!(anchors.exported[0].1, c);
        std::fs::write(dir.path().join("out/junk.json"), "{}").unwrap();
        assert!(Anchors::read(&dir.path().join("out")).is_err());
        assert!(format!("{loaded:?}").contains(&loaded.key_id()));
        let secret = std::fs::read_to_string(&path).unwrap();
        assert!(
            !format!("{loaded:?}").contains(secret.trim()),
            "no secret in a debug print"
        );
    }
}
