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
