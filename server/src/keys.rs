//! The server's Ed25519 signing key file: created on first start, kept in a file only its owner
//! can read, and loaded into the fairness crate's [`fairness::ServerKey`], so the key that signs
//! hand records and its key id have exactly one definition (the fairness protocol's, §9).

use std::fs::{self, File, OpenOptions};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use fairness::ServerKey;
use zeroize::Zeroizing;

/// Bytes in the secret key (an RFC 8032 Ed25519 private key seed).
const SECRET_KEY_LENGTH: usize = 32;
/// Largest key file read: 64 hex digits, a newline, and slack for a trailing `\r`.
const KEY_FILE_BYTES_MAX: u64 = 2 * SECRET_KEY_LENGTH as u64 + 2;

/// Whether [`load_or_create`] found a key or made one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyOrigin {
    /// The key file existed.
    Loaded,
    /// A new key was generated and written.
    Created,
}

/// Why the signing key could not be loaded or created.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    /// Reading or writing the key file failed.
    #[error("key file {path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The failure.
        #[source]
        source: io::Error,
    },
    /// Group or other users may access the key file.
    #[error(
        "key file {path} has mode {mode:o}; it must not be accessible to other users (chmod 600)"
    )]
    Permissions {
        /// The file.
        path: PathBuf,
        /// Its permission bits.
        mode: u32,
    },
    /// The file does not hold 64 hex digits.
    #[error("key file {0} does not hold a 32-byte key as 64 hex digits")]
    Malformed(PathBuf),
    /// The operating system's random source failed.
    #[error("the operating system's random source failed")]
    Random,
}

/// Loads the key at `path`, or creates one there (mode 0600) if there is no file. The file
/// holds the 32-byte secret as 64 lowercase hex digits and a newline. A key file that others
/// can read is refused, like ssh does.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let dir = tempfile::tempdir()?;
/// let path = dir.path().join("key");
/// let (created, origin) = poker_server::keys::load_or_create(&path)?;
/// assert_eq!(origin, poker_server::keys::KeyOrigin::Created);
/// let (loaded, _) = poker_server::keys::load_or_create(&path)?;
/// assert_eq!(created.public(), loaded.public());
/// # Ok(()) }
/// ```
pub fn load_or_create(path: &Path) -> Result<(ServerKey, KeyOrigin), KeyError> {
    match File::open(path) {
        Ok(file) => Ok((load(path, file)?, KeyOrigin::Loaded)),
        Err(err) if err.kind() == io::ErrorKind::NotFound => {
            Ok((create(path)?, KeyOrigin::Created))
        }
        Err(source) => Err(KeyError::Io {
            path: path.to_owned(),
            source,
        }),
    }
}

fn load(path: &Path, file: File) -> Result<ServerKey, KeyError> {
    let io_error = |source| KeyError::Io {
        path: path.to_owned(),
        source,
    };
    let mode = file.metadata().map_err(io_error)?.permissions().mode() & 0o777;
    if mode & 0o077 != 0 {
        return Err(KeyError::Permissions {
            path: path.to_owned(),
            mode,
        });
    }
    let mut text = Zeroizing::new(String::new());
    file.take(KEY_FILE_BYTES_MAX + 1)
        .read_to_string(&mut text)
        .map_err(io_error)?;
    let mut secret = Zeroizing::new([0u8; SECRET_KEY_LENGTH]);
    hex::decode_to_slice(text.trim_end(), secret.as_mut())
        .map_err(|_| KeyError::Malformed(path.to_owned()))?;
    Ok(ServerKey::from_secret_bytes(*secret))
}

fn create(path: &Path) -> Result<ServerKey, KeyError> {
    let io_error = |source| KeyError::Io {
        path: path.to_owned(),
        source,
    };
    let mut secret = Zeroizing::new([0u8; SECRET_KEY_LENGTH]);
    getrandom::fill(secret.as_mut()).map_err(|_| KeyError::Random)?;
    let text = Zeroizing::new(format!("{}\n", hex::encode(secret.as_ref())));

    // Write a temporary file and rename it into place, so a crash never leaves a
    // half-written key that a restart would refuse or, worse, misread.
    let partial = path.with_extension("partial");
    match fs::remove_file(&partial) {
        Err(err) if err.kind() != io::ErrorKind::NotFound => return Err(io_error(err)),
        _ => {}
    }
    let mut file = OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&partial)
        .map_err(io_error)?;
    // `mode` is filtered by the umask, which can only remove bits; set it exactly anyway.
    file.set_permissions(fs::Permissions::from_mode(0o600))
        .map_err(io_error)?;
    file.write_all(text.as_bytes()).map_err(io_error)?;
    file.sync_all().map_err(io_error)?;
    drop(file);
    fs::rename(&partial, path).map_err(io_error)?;
    if let Some(dir) = path.parent() {
        // Make the rename itself durable.
        File::open(dir)
            .and_then(|dir| dir.sync_all())
            .map_err(io_error)?;
    }
    Ok(ServerKey::from_secret_bytes(*secret))
}
