//! Documents stored by content: each file is kept once under its SHA-256 in the data directory,
//! written aside and renamed into place, and never modified afterwards. (A later issue puts the
//! same interface over an object store so that workers on many hosts share documents.)

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

/// The hex SHA-256 of some bytes.
pub fn sha256_hex(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// A content-addressed store of document bytes on the local file system.
#[derive(Debug, Clone)]
pub struct BlobStore {
    root: PathBuf,
}

impl BlobStore {
    /// A store rooted at `root` (created on first write).
    pub fn new(root: impl Into<PathBuf>) -> Self {
        Self { root: root.into() }
    }

    /// The blob store of a data directory.
    pub fn in_data_dir(data_dir: &Path) -> Self {
        Self::new(data_dir.join("documents"))
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    fn path_for(&self, sha256: &str) -> PathBuf {
        let prefix = sha256.get(..2).unwrap_or("xx");
        self.root.join(prefix).join(sha256)
    }

    /// Stores bytes; returns their hash and whether they were new. Existing blobs are never
    /// rewritten.
    pub fn put(&self, bytes: &[u8]) -> io::Result<(String, bool)> {
        let sha = sha256_hex(bytes);
        let path = self.path_for(&sha);
        if path.exists() {
            return Ok((sha, false));
        }
        let dir = path.parent().unwrap_or(&self.root);
        fs::create_dir_all(dir)?;
        let tmp = dir.join(format!(".{sha}.{}.tmp", std::process::id()));
        {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        fs::rename(&tmp, &path)?;
        Ok((sha, true))
    }

    /// Reads a blob, checking that its bytes still match the hash.
    pub fn get(&self, sha256: &str) -> io::Result<Vec<u8>> {
        let bytes = fs::read(self.path_for(sha256))?;
        if sha256_hex(&bytes) != sha256 {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "document {sha256} is damaged on disk (hash mismatch); import the export again"
                ),
            ));
        }
        Ok(bytes)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn put_is_idempotent_and_get_checks_the_hash() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path());
        let (sha, new) = store.put(b"hello").unwrap();
        assert!(new);
        assert_eq!(
            sha,
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"
        );
        let (again, new) = store.put(b"hello").unwrap();
        assert_eq!((again.as_str(), new), (sha.as_str(), false));
        assert_eq!(store.get(&sha).unwrap(), b"hello");
        fs::write(store.path_for(&sha), b"tampered").unwrap();
        assert!(store.get(&sha).is_err());
    }
}
