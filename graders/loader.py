"""Import a submission's SLUG.py under a private module name (found by graders.submissions)."""
from __future__ import annotations

import importlib.util
import sys
import traceback
from pathlib import Path
from types import ModuleType

from . import paths
from .i18n import _
from .errors import SubmissionImportError
from .feedback import clean_framework_error
from .submissions import find_submission  # noqa: F401 - where the judge looks when run by plain pytest


def describe_exception(exc: BaseException, path: Path) -> str:
    """One line: what went wrong and where in the learner's file."""
    if isinstance(exc, SyntaxError):
        return f"{type(exc).__name__} in {paths.relative(path)} line {exc.lineno}: {exc.msg}"
    frames = [f for f in traceback.extract_tb(exc.__traceback__) if Path(f.filename) == path]
    where = f" ({paths.relative(path)}:{frames[-1].lineno})" if frames else ""
    return f"{type(exc).__name__}: {clean_framework_error(str(exc))}{where}"


def load_module(path: Path, name: str) -> ModuleType:
    """Import the file at ``path`` as module ``name`` (fresh each call)."""
    path = Path(path).resolve()
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    try:
        spec.loader.exec_module(module)
    except (Exception, SystemExit) as exc:  # a submission may even call sys.exit()
        sys.modules.pop(name, None)
        raise SubmissionImportError(_("could not import {file}: {error}").format(
            file=paths.relative(path), error=describe_exception(exc, path))) from None
    return module
