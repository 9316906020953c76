//! `poker-server backup`: copies a data directory (the database and the signing key) into a
//! new directory while the server runs, and checks the copy, so that pointing `--data-dir`
//! at it restores the server as it was at the moment of the copy.
//!
//! Copying the database file by hand while the server runs is not a backup: the recent
//! commits live in the write-ahead log beside it, and a copy of the two taken at different
//! moments may not open. This takes one consistent snapshot instead (`store/backup.rs`).

use std::fs::{self, OpenOptions};
use std::io::{self, Write};
use std::os::unix::fs::OpenOptionsExt;
use std::path::{Path, PathBuf};

use crate::data_dir::{DataDir, DataDirError, DATABASE_FILE, KEY_FILE};
use crate::store::{copy_database, CopiedDatabase, StoreError};

/// Largest signing-key file copied; the real one is 66 bytes (hex and a newline).
const KEY_FILE_COPY_BYTES_MAX: u64 = 4096;

/// A finished backup.
#[derive(Debug)]
pub struct BackupReport {
    /// The new data directory.
    pub directory: PathBuf,
    /// The database copy and the checks of it.
    pub database: CopiedDatabase,
}

impl BackupReport {
    /// Whether every check of the copy passed (the ledger and the audit chain).
    pub fn is_sound(&self) -> bool {
        self.database.ledger.is_ok() && self.database.audit.is_valid()
    }
}

/// Why no backup was made. Nothing is left at the target after an error.
#[derive(Debug, thiserror::Error)]
pub enum BackupError {
    /// The source has no database (not a data directory, or the server never started there).
    #[error("no database at {0}")]
    NoDatabase(PathBuf),
    /// The source has no signing key; a restored server would sign with a new one.
    #[error("no signing key at {0}")]
    NoKey(PathBuf),
    /// The signing-key file is larger than any key file the server writes.
    #[error("{0} is not a signing-key file (too large)")]
    KeyTooLarge(PathBuf),
    /// The target exists: a backup never overwrites anything.
    #[error("{0} exists already; back up into a new directory")]
    TargetExists(PathBuf),
    /// SQLite takes the copy's file name as text.
    #[error("{0:?} is not valid UTF-8; choose another backup path")]
    TargetNotUtf8(PathBuf),
    /// The target directory could not be created.
    #[error(transparent)]
    DataDir(#[from] DataDirError),
    /// Reading or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        #[source]
        source: io::Error,
    },
    /// Copying or checking the database failed.
    #[error("copying the database: {0}")]
    Store(#[from] StoreError),
}

/// Copies the data directory `source` into the new directory `target` (mode 0700; the key and
/// database inside it mode 0600) and checks the copy. The server may be running.
pub fn back_up(source: &Path, target: &Path) -> Result<BackupReport, BackupError> {
    let database = source.join(DATABASE_FILE);
    if !database.is_file() {
        return Err(BackupError::NoDatabase(database));
    }
    let key = source.join(KEY_FILE);
    if !key.is_file() {
        return Err(BackupError::NoKey(key));
    }
    // `symlink_metadata`: a dangling link there still counts as something to keep.
    if fs::symlink_metadata(target).is_ok() {
        return Err(BackupError::TargetExists(target.to_owned()));
    }
    if target.to_str().is_none() {
        return Err(BackupError::TargetNotUtf8(target.to_owned()));
    }
    let directory = DataDir::open(target)?;
    let copied = copy_key(&key, &directory.key_file())
        .and_then(|()| copy_database(&database, &directory.database()).map_err(BackupError::from));
    match copied {
        Ok(database) => Ok(BackupReport {
            directory: target.to_owned(),
            database,
        }),
        Err(err) => {
            // A half-made backup must not pass for a whole one later.
            if let Err(cleanup) = fs::remove_dir_all(target) {
                tracing::warn!(path = %target.display(), %cleanup, "removing an unfinished backup");
            }
            Err(err)
        }
    }
}

/// Copies the signing key into a new file readable by the owner only, flushed to the disk.
fn copy_key(from: &Path, to: &Path) -> Result<(), BackupError> {
    let io_error = |path: &Path| {
        let path = path.to_owned();
        move |source| BackupError::Io { path, source }
    };
    let size = fs::metadata(from).map_err(io_error(from))?.len();
    if size > KEY_FILE_COPY_BYTES_MAX {
        return Err(BackupError::KeyTooLarge(from.to_owned()));
    }
    let bytes = fs::read(from).map_err(io_error(from))?;
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(to)
        .map_err(io_error(to))?;
    file.write_all(&bytes).map_err(io_error(to))?;
    file.sync_all().map_err(io_error(to))
}

#[cfg(test)]
mod tests {
    use std::os::unix::fs::PermissionsExt;

    use super::*;
    use crate::accounts::Username;
    use crate::auth::PasswordHash;
    use crate::clock::UnixTime;
    use crate::store::Store;

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).expect("metadata").permissions().mode() & 0o777
    }

    async fn create(store: &Store, name: String) {
        store
            .create_account(
                Username::parse(&name).expect("name"),
                PasswordHash::from_stored("not-a-real-hash".to_owned()),
                100,
                UnixTime::now(),
            )
            .await
            .expect("account");
    }

    /// The copy is taken while accounts are being created: it holds a prefix of them, its
    /// ledger balances, and a server opened on it finds the same.
    #[tokio::test(flavor = "multi_thread", worker_threads = 2)]
    async fn a_backup_taken_while_the_store_writes_is_consistent_and_opens() {
        let dir = tempfile::tempdir().expect("dir");
        let source = dir.path().join("data");
        let data = DataDir::open(&source).expect("data dir");
        crate::keys::load_or_create(&data.key_file()).expect("key");
        let store = Store::open(&data.database()).await.expect("store");
        for i in 0..20 {
            create(&store, format!("before{i}")).await;
        }
        let writer = {
            let store = store.clone();
            tokio::spawn(async move {
                for i in 0..200 {
                    create(&store, format!("during{i}")).await;
                }
            })
        };
        let target = dir.path().join("backup");
        let (from, to) = (source.clone(), target.clone());
        let report = tokio::task::spawn_blocking(move || back_up(&from, &to))
            .await
            .expect("task")
            .expect("backup");
        writer.await.expect("writer");
        assert!(report.is_sound(), "{report:?}");
        let ledger = report.database.ledger.as_ref().expect("ledger");
        let accounts_in_copy = ledger.issued / 100;
        assert!(
            (20..=220).contains(&accounts_in_copy),
            "{accounts_in_copy} accounts"
        );
        assert_eq!(mode(&target), 0o700);
        assert_eq!(mode(&target.join(DATABASE_FILE)), 0o600);
        assert_eq!(mode(&target.join(KEY_FILE)), 0o600);
        assert_eq!(
            fs::read(target.join(KEY_FILE)).expect("copy"),
            fs::read(source.join(KEY_FILE)).expect("key"),
        );
        store.close().await.expect("close");

        let restored = Store::open(&target.join(DATABASE_FILE))
            .await
            .expect("the copy opens as a store");
        let check = restored.check_ledger().await.expect("ledger");
        assert_eq!(check.issued, ledger.issued);
        restored.close().await.expect("close");
    }

    #[test]
    fn a_backup_never_overwrites_and_leaves_nothing_when_it_cannot_start() {
        let dir = tempfile::tempdir().expect("dir");
        let empty = dir.path().join("empty");
        fs::create_dir(&empty).expect("dir");
        let target = dir.path().join("backup");
        assert!(matches!(
            back_up(&empty, &target),
            Err(BackupError::NoDatabase(_))
        ));
        assert!(!target.exists(), "nothing created for a failed backup");

        fs::write(empty.join(DATABASE_FILE), b"").expect("db");
        assert!(matches!(
            back_up(&empty, &target),
            Err(BackupError::NoKey(_))
        ));

        fs::create_dir(&target).expect("target");
        fs::write(target.join("keep"), b"mine").expect("file");
        fs::write(empty.join(KEY_FILE), b"key").expect("key");
        assert!(matches!(
            back_up(&empty, &target),
            Err(BackupError::TargetExists(_))
        ));
        assert_eq!(fs::read(target.join("keep")).expect("kept"), b"mine");
    }

    #[test]
    fn a_target_sqlite_cannot_name_is_refused_before_anything_is_written() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;

        let dir = tempfile::tempdir().expect("dir");
        let source = dir.path().join("data");
        fs::create_dir(&source).expect("dir");
        fs::write(source.join(DATABASE_FILE), b"db").expect("db");
        fs::write(source.join(KEY_FILE), b"key").expect("key");
        let target = dir.path().join(OsStr::from_bytes(b"backup-\xff"));
        assert!(matches!(
            back_up(&source, &target),
            Err(BackupError::TargetNotUtf8(_))
        ));
        assert!(fs::symlink_metadata(&target).is_err(), "nothing created");
    }

    #[test]
    fn a_source_that_is_not_a_database_leaves_no_backup_behind() {
        let dir = tempfile::tempdir().expect("dir");
        let source = dir.path().join("data");
        fs::create_dir(&source).expect("dir");
        fs::write(
            source.join(DATABASE_FILE),
            b"not a database at all, just text",
        )
        .expect("db");
        fs::write(source.join(KEY_FILE), b"key").expect("key");
        let target = dir.path().join("backup");
        assert!(matches!(
            back_up(&source, &target),
            Err(BackupError::Store(_))
        ));
        assert!(!target.exists(), "the unfinished backup is removed");
    }
}
