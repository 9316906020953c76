//! The data directory: where the database and the signing key live, private to the server's
//! user (mode 0700).

use std::fs::{self, DirBuilder};
use std::io;
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};

/// File name of the SQLite database inside the data directory.
pub const DATABASE_FILE: &str = "poker.sqlite3";
/// File name of the Ed25519 signing key inside the data directory.
pub const KEY_FILE: &str = "server-key.ed25519";

/// An existing data directory.
#[derive(Debug, Clone)]
pub struct DataDir {
    path: PathBuf,
}

/// Why the data directory could not be used.
#[derive(Debug, thiserror::Error)]
pub enum DataDirError {
    /// Creating or inspecting the directory failed.
    #[error("data directory {path}: {source}")]
    Io {
        /// The directory.
        path: PathBuf,
        /// The failure.
        #[source]
        source: io::Error,
    },
    /// The path exists but is not a directory.
    #[error("data directory {0} is not a directory")]
    NotADirectory(PathBuf),
}

impl DataDir {
    /// Opens the directory at `path`, creating it (and its parents) with mode 0700 if missing.
    /// An existing directory that others can read is used but reported, since it is the
    /// operator's to fix.
    pub fn open(path: &Path) -> Result<DataDir, DataDirError> {
        let io_error = |source| DataDirError::Io {
            path: path.to_owned(),
            source,
        };
        match fs::metadata(path) {
            Ok(meta) if !meta.is_dir() => return Err(DataDirError::NotADirectory(path.to_owned())),
            Ok(meta) => {
                let mode = meta.permissions().mode() & 0o777;
                if mode & 0o077 != 0 {
                    tracing::warn!(
                        path = %path.display(),
                        mode = format_args!("{mode:o}"),
                        "data directory is accessible to other users; 0700 is expected"
                    );
                }
            }
            Err(err) if err.kind() == io::ErrorKind::NotFound => {
                DirBuilder::new()
                    .recursive(true)
                    .mode(0o700)
                    .create(path)
                    .map_err(io_error)?;
                // `mode` is filtered by the umask; set it exactly.
                fs::set_permissions(path, fs::Permissions::from_mode(0o700)).map_err(io_error)?;
            }
            Err(err) => return Err(io_error(err)),
        }
        Ok(DataDir {
            path: path.to_owned(),
        })
    }

    /// The directory.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The database file.
    pub fn database(&self) -> PathBuf {
        self.path.join(DATABASE_FILE)
    }

    /// The signing key file.
    pub fn key_file(&self) -> PathBuf {
        self.path.join(KEY_FILE)
    }
}
