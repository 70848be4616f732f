"""Open a submission (a folder or a .zip) safely as a folder of SLUG.py files.

Zip files are untrusted: members with absolute paths or ``..``, symlinks,
too many members, members that are too large or compress suspiciously well
(zip bombs) are refused with a clear reason, and nothing is extracted. An archive
that cannot be read (encrypted, damaged, an unknown compression method) is
refused the same way: extraction never raises anything but UnsafeSubmission.
"""
from __future__ import annotations

import contextlib
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path, PurePosixPath
from typing import Iterator

MAX_MEMBERS = 2000
MAX_MEMBER_BYTES = 20 * 1024 * 1024
MAX_TOTAL_BYTES = 100 * 1024 * 1024
MAX_RATIO = 200  # uncompressed / compressed, per member


class UnsafeSubmission(ValueError):
    """The submission archive was refused; the message says why."""


def check_zip(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise UnsafeSubmission(f"zip refused: {len(members)} members (limit {MAX_MEMBERS})")
    total = 0
    for info in members:
        name = PurePosixPath(info.filename.replace("\\", "/"))
        if name.is_absolute() or ".." in name.parts or (name.parts and ":" in name.parts[0]):
            raise UnsafeSubmission(f"zip refused: member {info.filename!r} points outside the submission")
        mode = info.external_attr >> 16
        if stat.S_ISLNK(mode):
            raise UnsafeSubmission(f"zip refused: member {info.filename!r} is a symbolic link")
        if info.file_size > MAX_MEMBER_BYTES:
            raise UnsafeSubmission(f"zip refused: member {info.filename!r} is {info.file_size:,} bytes uncompressed")
        if info.compress_size and info.file_size / info.compress_size > MAX_RATIO and info.file_size > 1_000_000:
            raise UnsafeSubmission(f"zip refused: member {info.filename!r} looks like a zip bomb "
                                   f"(compression ratio {info.file_size // info.compress_size}:1)")
        total += info.file_size
        if total > MAX_TOTAL_BYTES:
            raise UnsafeSubmission(f"zip refused: more than {MAX_TOTAL_BYTES:,} bytes uncompressed")
    return members


def extract_zip(path: Path, into: Path) -> None:
    """Extract only regular files, reading at most the declared sizes."""
    with zipfile.ZipFile(path) as archive:
        for info in check_zip(archive):
            if info.is_dir():
                continue
            destination = into / PurePosixPath(info.filename.replace("\\", "/"))
            destination.parent.mkdir(parents=True, exist_ok=True)
            with archive.open(info) as source, destination.open("wb") as sink:
                data = source.read(info.file_size + 1)
                if len(data) > info.file_size:
                    raise UnsafeSubmission(f"zip refused: member {info.filename!r} is larger than it declares")
                sink.write(data)


def candidates(target: Path, slug: str) -> list[Path]:
    """Where SLUG.py may sit in a target folder, in order of preference."""
    return [
        target / f"{slug}.py",
        target / slug / f"{slug}.py",
        target / "exercises" / slug / f"{slug}.py",
    ]


def find_submission(target: Path, slug: str) -> Path:
    """The submission's SLUG.py in ``target``; found once by the parent and handed to the judge."""
    from . import paths
    from .errors import SubmissionMissing

    for path in candidates(Path(target), slug):
        if path.is_file():
            return path
    raise SubmissionMissing(f"no {slug}.py in {paths.relative(target)} "
                            f"(looked for {slug}.py, {slug}/{slug}.py and exercises/{slug}/{slug}.py)")


@contextlib.contextmanager
def opened(path: Path | str) -> Iterator[Path]:
    """Yield a folder holding the submission's SLUG.py files: a zip is extracted to a temporary folder,
    and notebooks (SLUG.ipynb, e.g. nbgrader's submitted/STUDENT/ASSIGNMENT/) become SLUG.py."""
    with _as_folder(Path(path)) as folder:
        if not any(folder.rglob("*.py")) and any(folder.rglob("*.ipynb")):
            from .ipynb import notebooks_to_modules
            converted = Path(tempfile.mkdtemp(prefix="submission-notebooks-"))
            try:
                notebooks_to_modules(folder, converted)
                yield converted
            finally:
                shutil.rmtree(converted, ignore_errors=True)
            return
        yield folder


@contextlib.contextmanager
def _as_folder(path: Path) -> Iterator[Path]:
    if path.is_dir():
        yield path.resolve()
        return
    if not path.exists():
        raise FileNotFoundError(f"no submission at {path}")
    if not zipfile.is_zipfile(path):
        raise UnsafeSubmission(f"{path.name} is neither a folder nor a .zip file")
    scratch = Path(tempfile.mkdtemp(prefix="submission-"))
    try:
        try:
            extract_zip(path, scratch)
        except UnsafeSubmission:
            raise
        except Exception as exc:  # noqa: BLE001 - a decoder fed untrusted bytes may raise anything
            raise UnsafeSubmission(f"zip refused: {path.name} {why_unreadable(exc)}") from None
        yield unwrap(scratch)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def why_unreadable(exc: Exception) -> str:
    """A readable reason for an exception raised while extracting a zip."""
    text = str(exc)[:200]
    if isinstance(exc, RuntimeError) and "encrypted" in text:
        return "is password-protected (zip it again without a password)"
    if isinstance(exc, NotImplementedError) or "compression" in text.lower():
        return "uses an unsupported compression method (use plain zip / deflate)"
    return f"is damaged ({type(exc).__name__}: {text})"


def unwrap(folder: Path) -> Path:
    """A zip of a folder holds one top-level folder: descend into it."""
    entries = [p for p in folder.iterdir() if not p.name.startswith((".", "__MACOSX"))]
    if len(entries) == 1 and entries[0].is_dir() and entries[0].name != "exercises":
        return entries[0]
    return folder
