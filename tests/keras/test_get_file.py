"""keras.utils.get_file, offline: files served from 127.0.0.1. A download is cached under
$KERAS_HOME (or ~/.keras) and reused without the network; a bad hash, a truncated body, an HTTP
error or an interrupt leave nothing in the cache; a stale cached file is replaced; archives are
extracted without letting a member escape the extraction folder."""

from __future__ import annotations

import hashlib
import io
import os
import socket
import tarfile
import zipfile

import pytest
from local_http import LocalServer

from tapeflow.keras.utils import file_utils, get_file

PAYLOAD = b"tapeflow get_file test payload\n" * 100
SHA256 = hashlib.sha256(PAYLOAD).hexdigest()
MD5 = hashlib.md5(PAYLOAD).hexdigest()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    root = tmp_path_factory.mktemp("served")
    (root / "payload.bin").write_bytes(PAYLOAD)
    (root / "pack.tar.gz").write_bytes(_tar_gz({"pack/a.txt": b"A", "pack/sub/b.txt": b"B"}))
    with LocalServer(root) as running:
        running.root = root
        yield running


@pytest.fixture
def keras_home(tmp_path, monkeypatch):
    home = tmp_path / "keras_home"
    monkeypatch.setenv("KERAS_HOME", str(home))
    return home


def dead_url(name="payload.bin"):
    """A URL on a local port nobody listens on: any request fails at once."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/{name}"


def _tar_gz(files, links=()):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
        for name, target, kind in links:
            info = tarfile.TarInfo(name)
            info.type, info.linkname = kind, target
            tar.addfile(info)
    return buffer.getvalue()


# -- download and cache ------------------------------------------------------------------------
def test_download_is_cached_under_keras_home_and_reused_without_network(server, keras_home):
    origin = f"{server.url}/payload.bin"
    before = len(server.requests)
    path = get_file("payload.bin", origin=origin, file_hash=SHA256)
    assert path == str(keras_home / "datasets" / "payload.bin")
    assert open(path, "rb").read() == PAYLOAD
    assert os.listdir(keras_home / "datasets") == ["payload.bin"]  # no temporary file left
    assert len(server.requests) == before + 1

    again = get_file("payload.bin", origin=origin, file_hash=SHA256)
    assert again == path and len(server.requests) == before + 1
    # the origin is unreachable now: the verified cached copy is used
    assert get_file("payload.bin", origin=dead_url(), file_hash=SHA256) == path


def test_prefilled_cache_is_used_without_network(keras_home):
    (keras_home / "datasets").mkdir(parents=True)
    (keras_home / "datasets" / "payload.bin").write_bytes(PAYLOAD)
    path = get_file("payload.bin", origin=dead_url(), file_hash=SHA256)
    assert open(path, "rb").read() == PAYLOAD


def test_default_cache_is_home_dot_keras(server, tmp_path, monkeypatch):
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    path = get_file("payload.bin", origin=f"{server.url}/payload.bin", file_hash=SHA256)
    assert path == str(tmp_path / ".keras" / "datasets" / "payload.bin")


def test_cache_dir_and_absolute_cache_subdir(server, keras_home, tmp_path):
    origin = f"{server.url}/payload.bin"
    path = get_file("p.bin", origin=origin, cache_dir=tmp_path / "c", cache_subdir="models")
    assert path == str(tmp_path / "c" / "models" / "p.bin")
    absolute = tmp_path / "anywhere"
    assert get_file("p.bin", origin=origin, cache_subdir=str(absolute)) == str(absolute / "p.bin")


def test_fname_defaults_to_the_url_file_name(server, keras_home):
    path = get_file(origin=f"{server.url}/payload.bin?version=2")
    assert os.path.basename(path) == "payload.bin"


@pytest.mark.parametrize(
    "file_hash, algorithm",
    [(MD5, "auto"), (MD5, "md5"), (SHA256, "sha256"), (SHA256.upper(), "auto")],
)
def test_sha256_and_md5_hashes_are_accepted(server, keras_home, file_hash, algorithm):
    origin = f"{server.url}/payload.bin"
    path = get_file("p.bin", origin=origin, file_hash=file_hash, hash_algorithm=algorithm)
    assert file_utils.validate_file(path, file_hash, algorithm)


def test_force_download_fetches_again(server, keras_home):
    origin = f"{server.url}/payload.bin"
    get_file("p.bin", origin=origin)
    before = len(server.requests)
    get_file("p.bin", origin=origin, force_download=True)
    assert len(server.requests) == before + 1


# -- failures leave the cache as it was ---------------------------------------------------------
def test_hash_mismatch_raises_and_leaves_no_file(server, keras_home):
    wrong = "0" * 64
    with pytest.raises(ValueError, match=f"sha256 hash .* is {SHA256}, expected {wrong}"):
        get_file("payload.bin", origin=f"{server.url}/payload.bin", file_hash=wrong)
    assert os.listdir(keras_home / "datasets") == []


def test_md5_given_as_sha256_is_a_mismatch(server, keras_home):
    with pytest.raises(ValueError, match="sha256 hash"):
        get_file(
            "p.bin", origin=f"{server.url}/payload.bin", file_hash=MD5, hash_algorithm="sha256"
        )
    assert os.listdir(keras_home / "datasets") == []


@pytest.mark.parametrize("file_hash", [None, SHA256])
def test_truncated_download_raises_and_leaves_no_file(server, keras_home, file_hash):
    with pytest.raises(OSError, match="truncated download, received 500 of 1000 bytes"):
        get_file("t.bin", origin=f"{server.url}/truncated/1000", file_hash=file_hash)
    assert os.listdir(keras_home / "datasets") == []


def test_http_error_and_unreachable_host_raise_oserror(server, keras_home):
    with pytest.raises(OSError, match=r"URL fetch failure on .*/missing/x.bin: HTTP 404"):
        get_file("x.bin", origin=f"{server.url}/missing/x.bin")
    with pytest.raises(OSError, match="URL fetch failure on http://127.0.0.1"):
        get_file("y.bin", origin=dead_url())
    assert os.listdir(keras_home / "datasets") == []


def test_interrupted_download_leaves_no_file(server, keras_home, monkeypatch):
    def interrupted(origin, out, hasher):
        out.write(PAYLOAD[:10])
        raise KeyboardInterrupt

    monkeypatch.setattr(file_utils, "_stream", interrupted)
    with pytest.raises(KeyboardInterrupt):
        get_file("p.bin", origin=f"{server.url}/payload.bin")
    assert os.listdir(keras_home / "datasets") == []


def test_stale_cached_file_is_replaced_by_a_verified_download(server, keras_home):
    (keras_home / "datasets").mkdir(parents=True)
    stale = keras_home / "datasets" / "payload.bin"
    stale.write_bytes(PAYLOAD[:-1])  # an old truncated copy
    get_file("payload.bin", origin=f"{server.url}/payload.bin", file_hash=SHA256)
    assert stale.read_bytes() == PAYLOAD


def test_stale_cached_file_is_not_returned_when_the_download_fails(keras_home):
    (keras_home / "datasets").mkdir(parents=True)
    (keras_home / "datasets" / "payload.bin").write_bytes(b"poisoned")
    with pytest.raises(OSError, match="URL fetch failure"):
        get_file("payload.bin", origin=dead_url(), file_hash=SHA256)


@pytest.mark.parametrize(
    "kwargs, message",
    [
        ({"fname": "a.bin"}, '"origin"'),
        ({"fname": "sub/a.bin", "origin": "http://x/a"}, "plain file name"),
        ({"fname": "..", "origin": "http://x/a"}, "plain file name"),
        ({"origin": "http://x/"}, "cannot take a file name"),
        ({"fname": "a", "origin": "http://x/a", "hash_algorithm": "sha1"}, "hash_algorithm"),
    ],
)
def test_bad_arguments_raise_value_error(keras_home, kwargs, message):
    with pytest.raises(ValueError, match=message):
        get_file(**kwargs)


# -- archives ----------------------------------------------------------------------------------
def test_extract_tar_gz(server, keras_home):
    origin = f"{server.url}/pack.tar.gz"
    folder = get_file("pack.tar.gz", origin=origin, extract=True)
    assert folder == str(keras_home / "datasets" / "pack_extracted")
    assert open(os.path.join(folder, "pack", "sub", "b.txt"), "rb").read() == b"B"
    before = len(server.requests)
    assert get_file("pack.tar.gz", origin=origin, extract=True) == folder
    assert len(server.requests) == before  # neither downloaded nor extracted again
    # a name without a dot names the extraction folder; the archive is kept beside it
    folder = get_file("pack", origin=origin, extract=True)
    assert folder == str(keras_home / "datasets" / "pack")
    assert os.path.isfile(str(keras_home / "datasets" / "pack_archive"))


def test_tar_members_escaping_the_folder_are_skipped(server, keras_home, tmp_path):
    hostile = _tar_gz(
        {"ok.txt": b"ok", "../escaped.txt": b"x", "/abs_escaped.txt": b"x"},
        links=[
            ("up_link", "../../outside", tarfile.SYMTYPE),
            ("abs_link", "/etc/passwd", tarfile.SYMTYPE),
            ("hard_link", "../outside", tarfile.LNKTYPE),
            ("inner_link", "ok.txt", tarfile.SYMTYPE),
        ],
    )
    (server.root / "hostile.tar.gz").write_bytes(hostile)
    with pytest.warns(UserWarning, match="skipping archive member") as caught:
        folder = get_file("hostile.tar.gz", origin=f"{server.url}/hostile.tar.gz", extract=True)
    skipped = {str(w.message).split("'")[1] for w in caught}
    assert skipped == {"../escaped.txt", "/abs_escaped.txt", "up_link", "abs_link", "hard_link"}
    assert sorted(os.listdir(folder)) == ["inner_link", "ok.txt"]
    assert not (keras_home / "datasets" / "escaped.txt").exists()


def test_zip_members_escaping_the_folder_are_skipped(server, keras_home):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        zf.writestr("ok.txt", b"ok")
        zf.writestr("../escaped.txt", b"x")
    (server.root / "hostile.zip").write_bytes(buffer.getvalue())
    with pytest.warns(UserWarning, match="'../escaped.txt'"):
        folder = get_file("hostile.zip", origin=f"{server.url}/hostile.zip", extract=True)
    assert os.listdir(folder) == ["ok.txt"]
    assert not (keras_home / "datasets" / "escaped.txt").exists()


def test_not_an_archive_warns(server, keras_home):
    with pytest.warns(UserWarning, match="could not extract"):
        get_file("payload.bin", origin=f"{server.url}/payload.bin", extract=True)
