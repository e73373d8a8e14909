//! Documents stored by content: each file is kept once under its SHA-256 in the data directory,
//! written aside and renamed into place, and never modified afterwards. (A later issue puts the
//! same interface over an object store so that workers on many hosts share documents.)

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

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
        // The aside name is unique per call: an export often holds the same document twice,
        // and the import stores documents in parallel.
        static WRITES: AtomicU64 = AtomicU64::new(0);
        let tmp = dir.join(format!(
            ".{sha}.{}.{}.tmp",
            std::process::id(),
            WRITES.fetch_add(1, Ordering::Relaxed)
        ));
        {
            let mut f = fs::File::create(&tmp)?;
            f.write_all(bytes)?;
            f.sync_all()?;
        }
        // Linking fails if another writer got there first, so exactly one put reports the blob
        // as new; where links are not supported, renaming over an identical file is as safe.
        let outcome = match fs::hard_link(&tmp, &path) {
            Ok(()) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Ok(false),
            Err(_) => fs::rename(&tmp, &path).map(|()| true),
        };
        let _ = fs::remove_file(&tmp);
        Ok((sha, outcome?))
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

    #[test]
    fn concurrent_puts_of_the_same_bytes_store_it_once() {
        let dir = tempfile::tempdir().unwrap();
        let store = BlobStore::new(dir.path());
        let bytes = vec![7u8; 256 * 1024];
        let news: Vec<bool> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..8)
                .map(|_| scope.spawn(|| store.put(&bytes).unwrap().1))
                .collect();
            handles.into_iter().map(|h| h.join().unwrap()).collect()
        });
        assert_eq!(news.iter().filter(|&&new| new).count(), 1, "{news:?}");
        let sha = sha256_hex(&bytes);
        assert_eq!(store.get(&sha).unwrap(), bytes);
        // No file written aside is left behind.
        let prefix_dir = store.path_for(&sha).parent().unwrap().to_path_buf();
        let names: Vec<_> = fs::read_dir(prefix_dir)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from(&sha)]);
    }
}
