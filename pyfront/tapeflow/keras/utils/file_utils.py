"""``keras.utils.get_file``: download a file once into the Keras cache, verify it, reuse it.

    path = keras.utils.get_file("mnist.npz", origin=URL, file_hash="731c5ac6...73d1")
    # -> ~/.keras/datasets/mnist.npz  (or $KERAS_HOME/datasets/mnist.npz)

Guarantees beyond a plain download:
- a file only ever appears in the cache complete and verified: the bytes go to a temporary file
  beside the target, the length and the hash are checked, and only then is it renamed into place
  (an atomic rename), so an interrupted, truncated or corrupted download leaves nothing behind;
- a cached file is checked against ``file_hash`` on every call and downloaded again if it no
  longer matches;
- archives (``extract=True``) are unpacked into a temporary folder, skipping members that would
  land outside it (``../`` names, absolute paths, links pointing out), then renamed into place.
"""

from __future__ import annotations

import hashlib
import http.client
import os
import shutil
import tarfile
import tempfile
import urllib.error
import urllib.parse
import urllib.request
import warnings
import zipfile

from tapeflow.keras.utils.progbar import Progbar, print_msg

_CHUNK_BYTES = 1 << 16
_TIMEOUT_SECONDS = 60
_HASH_ALGORITHMS = ("auto", "sha256", "md5")
_ARCHIVE_FORMATS = ("tar", "zip")


def keras_home() -> str:
    """The Keras cache root: ``$KERAS_HOME`` if set, else ``~/.keras`` (read at call time)."""
    return os.environ.get("KERAS_HOME") or os.path.join(os.path.expanduser("~"), ".keras")


def get_file(
    fname=None,
    origin=None,
    *,
    file_hash=None,
    cache_subdir="datasets",
    hash_algorithm="auto",
    extract=False,
    archive_format="auto",
    cache_dir=None,
    force_download=False,
):
    """Downloads ``origin`` into the cache unless a verified copy is already there.

    Args:
        fname: the file's name in the cache (no folders); ``None`` takes the last part of the
            URL. With ``extract=True`` a name with a dot is the archive's name and the files go to
            ``<stem>_extracted``; a name without a dot names the extraction folder.
        origin: the URL to download from.
        file_hash: expected sha256 (64 hex digits) or md5 (32) of the file. Strongly
            recommended: without it a cached file is trusted as it is.
        cache_subdir: folder under the cache root (an absolute path is used as it is).
        hash_algorithm: ``"auto"`` (sha256 for a 64-digit hash, md5 otherwise), ``"sha256"``
            or ``"md5"``.
        extract: unpack a tar or zip archive and return the folder it was unpacked to.
        archive_format: ``"auto"`` (tar then zip), ``"tar"``, ``"zip"`` or a list of these.
        cache_dir: cache root; defaults to ``$KERAS_HOME`` or ``~/.keras`` (a temporary folder's
            ``.keras`` when that is not writable).
        force_download: download again even when a verified copy is cached.

    Returns:
        The path of the cached file (or of the extraction folder when ``extract=True``).

    Raises:
        ValueError: bad arguments, or a downloaded file whose hash does not match.
        OSError: the download failed (HTTP error, unreachable host, truncated transfer).
    """
    if not origin:
        raise ValueError('get_file: please specify the "origin" argument (URL of the file).')
    if hash_algorithm not in _HASH_ALGORITHMS:
        raise ValueError(
            f"get_file: hash_algorithm must be one of {_HASH_ALGORITHMS}, "
            f"received {hash_algorithm!r}"
        )
    fname = _file_name(fname, origin)
    formats = _archive_formats(archive_format) if extract else []
    datadir = os.path.join(_cache_root(cache_dir), cache_subdir)
    os.makedirs(datadir, exist_ok=True)

    archive_path, extraction_dir = _extract_paths(datadir, fname) if extract else (None, None)
    target = archive_path or os.path.join(datadir, fname)

    downloaded = False
    if force_download or not _is_cached(target, file_hash, hash_algorithm):
        print_msg(f"Downloading data from {origin}")
        _download_verified(origin, target, file_hash, hash_algorithm)
        downloaded = True

    if not extract:
        return target
    if downloaded or not os.path.isdir(extraction_dir):
        _extract_into(target, extraction_dir, formats)
    return extraction_dir


def hash_file(fpath, algorithm="sha256", chunk_size=_CHUNK_BYTES) -> str:
    """The hex digest of a file, ``"sha256"`` or ``"md5"``."""
    hasher = _new_hasher(algorithm)
    with open(fpath, "rb") as file:
        for chunk in iter(lambda: file.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=_CHUNK_BYTES) -> bool:
    """Whether the file's sha256/md5 digest equals ``file_hash``."""
    algorithm = _resolve_algorithm(algorithm, file_hash)
    return hash_file(fpath, algorithm, chunk_size) == str(file_hash).lower()


# -- paths ------------------------------------------------------------------------------------
def _file_name(fname, origin) -> str:
    if fname is None or fname == "":
        fname = os.path.basename(urllib.parse.urlsplit(origin).path)
        if not fname:
            raise ValueError(
                f"get_file: cannot take a file name from origin={origin!r}; pass `fname`."
            )
    fname = os.fspath(fname)
    separators = {"/", os.sep, os.altsep} - {None}
    if any(sep in fname for sep in separators) or fname in (".", ".."):
        raise ValueError(
            "get_file: `fname` must be a plain file name; to choose the folder use `cache_dir` "
            f"and `cache_subdir`. Received: fname={fname!r}"
        )
    return fname


def _cache_root(cache_dir) -> str:
    root = os.path.expanduser(os.fspath(cache_dir) if cache_dir is not None else keras_home())
    try:
        os.makedirs(root, exist_ok=True)
    except OSError:
        pass  # e.g. a read-only home: fall back below
    if not os.access(root, os.W_OK):
        root = os.path.join(tempfile.gettempdir(), ".keras")
    return root


def _extract_paths(datadir, fname):
    """(archive path, extraction folder) following Keras: ``a.tar.gz`` -> ``a_extracted``."""
    if "." in fname:
        stem = fname.split(".")[0]
        return os.path.join(datadir, fname), os.path.join(datadir, stem + "_extracted")
    return os.path.join(datadir, fname + "_archive"), os.path.join(datadir, fname)


# -- hashing ----------------------------------------------------------------------------------
def _resolve_algorithm(algorithm, file_hash) -> str:
    if algorithm == "auto":
        return "sha256" if file_hash is not None and len(str(file_hash)) == 64 else "md5"
    return algorithm


def _new_hasher(algorithm):
    if algorithm == "sha256":
        return hashlib.sha256()
    if algorithm == "md5":
        return hashlib.md5(usedforsecurity=False)
    raise ValueError(f"hash algorithm must be 'sha256' or 'md5', received {algorithm!r}")


def _is_cached(target, file_hash, hash_algorithm) -> bool:
    if not os.path.isfile(target):
        return False
    if file_hash is None or validate_file(target, file_hash, hash_algorithm):
        return True
    algorithm = _resolve_algorithm(hash_algorithm, file_hash)
    print_msg(
        f"A local file was found at {target}, but its {algorithm} hash does not match "
        f"{file_hash}: it is incomplete or outdated, downloading it again."
    )
    return False


# -- download ---------------------------------------------------------------------------------
def _download_verified(origin, target, file_hash, hash_algorithm) -> None:
    """Streams ``origin`` into a temporary file beside ``target``, checks its length and hash,
    then renames it onto ``target``. On any failure the temporary file is removed and the cache
    is left as it was."""
    algorithm = _resolve_algorithm(hash_algorithm, file_hash)
    hasher = _new_hasher(algorithm)
    folder, name = os.path.split(target)
    fd, partial = tempfile.mkstemp(prefix=f".{name}.", suffix=".part", dir=folder)
    try:
        with os.fdopen(fd, "wb") as out:
            _stream(origin, out, hasher)
            out.flush()
            os.fsync(out.fileno())
        if file_hash is not None and hasher.hexdigest() != str(file_hash).lower():
            raise ValueError(
                f"Incomplete or corrupted file detected: the {algorithm} hash of the file "
                f"downloaded from {origin} is {hasher.hexdigest()}, expected {file_hash}. "
                "The file was not saved."
            )
        os.replace(partial, target)
    except BaseException:
        if os.path.exists(partial):
            os.remove(partial)
        raise


def _stream(origin, out, hasher) -> None:
    """Copies the response body into ``out`` (and ``hasher``), failing on a short body."""
    try:
        with urllib.request.urlopen(origin, timeout=_TIMEOUT_SECONDS) as response:
            declared = response.headers.get("Content-Length")
            known_size = declared is not None and declared.isdigit()
            progbar = Progbar(int(declared) if known_size else None)
            received = 0
            for chunk in iter(lambda: response.read(_CHUNK_BYTES), b""):
                out.write(chunk)
                hasher.update(chunk)
                received += len(chunk)
                progbar.update(received)
    except urllib.error.HTTPError as e:
        raise OSError(f"URL fetch failure on {origin}: HTTP {e.code} -- {e.reason}") from e
    except urllib.error.URLError as e:
        raise OSError(f"URL fetch failure on {origin}: {e.reason}") from e
    except (OSError, http.client.HTTPException) as e:  # reset, timeout, malformed response
        raise OSError(f"URL fetch failure on {origin}: {e}") from e
    # NOTE: http.client returns a short body silently when the server closes the connection
    # early, so the declared length is checked here.
    if known_size and received != int(declared):
        raise OSError(
            f"URL fetch failure on {origin}: truncated download, received {received} of "
            f"{declared} bytes. The file was not saved."
        )


# -- archives ---------------------------------------------------------------------------------
def _archive_formats(archive_format):
    if archive_format is None:
        return []
    formats = list(_ARCHIVE_FORMATS) if archive_format == "auto" else archive_format
    formats = [formats] if isinstance(formats, str) else list(formats)
    for name in formats:
        if name not in _ARCHIVE_FORMATS:
            raise ValueError(
                f"get_file: archive_format must be 'auto', 'tar', 'zip', None or a list of "
                f"these, received {archive_format!r}"
            )
    return formats


def _extract_into(archive, extraction_dir, formats) -> None:
    """Unpacks into a temporary sibling folder, then renames it onto ``extraction_dir``."""
    staging = tempfile.mkdtemp(prefix=".extracting.", dir=os.path.dirname(extraction_dir))
    try:
        if "tar" in formats and tarfile.is_tarfile(archive):
            with tarfile.open(archive) as tar:
                _extract_tar(tar, staging)
        elif "zip" in formats and zipfile.is_zipfile(archive):
            with zipfile.ZipFile(archive) as zf:
                zf.extractall(staging, members=_safe_members(zf.infolist(), staging))
        else:
            warnings.warn(
                f"get_file: could not extract {archive}: not a {' or '.join(formats)} archive.",
                stacklevel=3,
            )
            shutil.rmtree(staging)
            return
        if os.path.isdir(extraction_dir):
            shutil.rmtree(extraction_dir)
        os.replace(staging, extraction_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _extract_tar(tar, staging) -> None:
    members = list(_safe_members(tar.getmembers(), staging))
    # Python's own "data" filter (3.12, backported to 3.10.12 / 3.11.4) is a second guard: it
    # also drops device files and strips set-uid bits.
    if hasattr(tarfile, "data_filter"):
        tar.extractall(staging, members=members, filter="data")
    else:
        tar.extractall(staging, members=members)


def _safe_members(members, base_dir):
    """Yields the archive members that stay inside ``base_dir``; warns about the others."""
    base = os.path.realpath(base_dir)
    for member in members:
        if _stays_inside(member, base):
            yield member
        else:
            name = getattr(member, "name", None) or member.filename
            warnings.warn(
                f"get_file: skipping archive member {name!r}: it would be written outside the "
                "extraction folder.",
                stacklevel=4,
            )


def _stays_inside(member, base) -> bool:
    if isinstance(member, zipfile.ZipInfo):
        return _inside(os.path.join(base, member.filename), base)
    if not (member.isfile() or member.isdir() or member.issym() or member.islnk()):
        return False  # devices and fifos have no place in a dataset
    destination = os.path.join(base, member.name)
    if not _inside(destination, base):
        return False
    if member.issym():  # a symlink's target is relative to the folder it sits in
        return _inside(os.path.join(os.path.dirname(destination), member.linkname), base)
    if member.islnk():  # a hard link's target is relative to the archive root
        return _inside(os.path.join(base, member.linkname), base)
    return True


def _inside(path, base) -> bool:
    resolved = os.path.realpath(path)
    return resolved == base or resolved.startswith(base + os.sep)
