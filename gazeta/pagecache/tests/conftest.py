from contextlib import contextmanager
from pathlib import Path

import pytest

from gazeta.pagecache import files
from gazeta.pagecache.purge import forget_batch


@pytest.fixture
def page_files(settings, tmp_path) -> Path:
    """Page files on, in a folder of this test's own."""
    root = tmp_path / "pages"
    settings.GAZETA_PAGE_FILES = True
    settings.GAZETA_PAGE_FILES_DIR = root
    settings.GAZETA_PAGE_FILES_MAX_AGE = 0
    return root


def stored(root: Path, path: str) -> Path | None:
    """The file holding the page at ``path``, if there is one."""
    for name in files.file_names(str(root), path):
        if Path(name).exists():
            return Path(name)
    return None


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """A block whose on-commit callbacks run at its end, as a commit would run them (the
    test's own transaction never commits), with the purges of that block alone."""

    @contextmanager
    def block():
        forget_batch()
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            yield callbacks

    return block
