"""Opening submissions: layouts, and untrusted zip files."""
import os
import stat
import zipfile

import pytest

from graders import loader, submissions
from graders.errors import SubmissionMissing


def make_zip(path, members):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return path


@pytest.mark.parametrize("layout", ["kmeans.py", "kmeans/kmeans.py", "exercises/kmeans/kmeans.py"])
def test_finds_the_file_in_every_layout(tmp_path, layout):
    (tmp_path / layout).parent.mkdir(parents=True, exist_ok=True)
    (tmp_path / layout).write_text("x = 1")
    assert loader.find_submission(tmp_path, "kmeans") == tmp_path / layout


def test_missing_file_names_what_was_looked_for(tmp_path):
    with pytest.raises(SubmissionMissing, match="no kmeans.py"):
        loader.find_submission(tmp_path, "kmeans")


def test_zip_of_a_folder_is_unwrapped(tmp_path):
    archive = make_zip(tmp_path / "alice.zip", {"alice/exercises/kmeans/kmeans.py": "x = 1"})
    with submissions.opened(archive) as folder:
        assert loader.find_submission(folder, "kmeans").read_text() == "x = 1"
    assert not folder.exists()


@pytest.mark.parametrize("name", ["../evil.py", "/abs/evil.py", "a/../../evil.py", "C:/evil.py"])
def test_path_traversal_is_refused(tmp_path, name):
    archive = make_zip(tmp_path / "s.zip", {name: "x"})
    with pytest.raises(submissions.UnsafeSubmission, match="outside"):
        with submissions.opened(archive):
            pass


def test_symlinks_are_refused(tmp_path):
    archive = tmp_path / "s.zip"
    with zipfile.ZipFile(archive, "w") as z:
        info = zipfile.ZipInfo("kmeans.py")
        info.external_attr = (stat.S_IFLNK | 0o777) << 16
        z.writestr(info, "/etc/passwd")
    with pytest.raises(submissions.UnsafeSubmission, match="symbolic link"):
        with submissions.opened(archive):
            pass


def test_zip_bombs_are_refused(tmp_path):
    archive = make_zip(tmp_path / "bomb.zip", {"kmeans.py": b"0" * (50 * 1024 * 1024)})
    with pytest.raises(submissions.UnsafeSubmission, match="zip bomb|bytes uncompressed"):
        with submissions.opened(archive):
            pass


def test_not_a_zip(tmp_path):
    (tmp_path / "s.zip").write_text("hello")
    with pytest.raises(submissions.UnsafeSubmission, match="neither"):
        with submissions.opened(tmp_path / "s.zip"):
            pass


# ------------------------------------------------------------- archives that cannot be read (issue 9)

def _archive(method=zipfile.ZIP_DEFLATED) -> bytearray:
    import io

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", method) as archive:
        archive.writestr("kmeans.py", "def f():\n    return 1\n" * 20)
    return bytearray(buffer.getvalue())


def _headers(raw: bytearray) -> tuple[int, int, int]:
    """Offsets of the local header, the member's data and the central directory entry."""
    import struct

    local = raw.find(b"PK\x03\x04")
    name_length, extra_length = struct.unpack_from("<HH", raw, local + 26)
    return local, local + 30 + name_length + extra_length, raw.find(b"PK\x01\x02")


def _patch(raw: bytearray, local_offset: int, central_offset: int, fmt: str, value: int) -> bytes:
    import struct

    local, _, central = _headers(raw)
    struct.pack_into(fmt, raw, local + local_offset, value)
    struct.pack_into(fmt, raw, central + central_offset, value)
    return bytes(raw)


def _garble(raw: bytearray, start: int, stop: int, byte: bytes = b"\xff") -> bytes:
    _, data, _ = _headers(raw)
    raw[data + start:data + stop] = byte * (stop - start)
    return bytes(raw)


def _cut_data(raw: bytearray) -> bytes:
    _, data, central = _headers(raw)
    return bytes(raw[:data + 5] + raw[central:])


BROKEN_ZIPS = {
    "encrypted": (lambda: _patch(_archive(), 6, 8, "<H", 0x1), "password"),
    "unknown_method": (lambda: _patch(_archive(zipfile.ZIP_STORED), 8, 10, "<H", 99), "compression method"),
    "corrupt_deflate": (lambda: _garble(_archive(), 0, 8), "damaged"),
    "bad_crc": (lambda: _patch(_archive(), 14, 16, "<I", 0xDEADBEEF), "damaged"),
    "truncated_member": (lambda: _cut_data(_archive()), "damaged"),
    "corrupt_bzip2": (lambda: _garble(_archive(zipfile.ZIP_BZIP2), 4, 20, b"\x00"), "damaged"),
    "corrupt_lzma": (lambda: _garble(_archive(zipfile.ZIP_LZMA), 4, 30), "damaged"),
    "name_not_utf8": (lambda: _patch(bytearray(bytes(_archive()).replace(b"kmeans.py", b"kmean\xff.py")),
                                     6, 8, "<H", 0x800), "damaged"),
}


@pytest.mark.parametrize("kind", sorted(BROKEN_ZIPS))
def test_unreadable_archives_are_refused_with_a_reason(tmp_path, kind):
    make, reason = BROKEN_ZIPS[kind]
    archive = tmp_path / "s.zip"
    archive.write_bytes(make())
    with pytest.raises(submissions.UnsafeSubmission, match=f"zip refused: s.zip .*{reason}"):
        with submissions.opened(archive):
            pass
