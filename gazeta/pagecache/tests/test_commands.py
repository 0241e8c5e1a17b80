import os
import time

import pytest
from django.core.management import CommandError, call_command

from gazeta.pagecache import files

from .conftest import stored

pytestmark = pytest.mark.django_db

HTML = "text/html; charset=utf-8"


def write(root, path):
    marker = files.purge_marker(str(root), path)
    assert files.write(str(root), path, b"x" * 300, [], content_type=HTML, marker=marker)


def test_purge_page_files_deletes_the_given_addresses(page_files, committed):
    write(page_files, "/sport/")
    write(page_files, "/politica/")

    with committed():
        call_command("purge_page_files", "/sport/")

    assert stored(page_files, "/sport/") is None
    assert stored(page_files, "/politica/") is not None


def test_purge_page_files_all_deletes_everything(page_files, committed):
    write(page_files, "/sport/")
    write(page_files, "/sport/meci/")

    with committed():
        call_command("purge_page_files", "--all")

    assert stored(page_files, "/sport/") is None and stored(page_files, "/sport/meci/") is None


def test_purge_page_files_older_than_keeps_recent_files(page_files):
    write(page_files, "/vechi/")
    write(page_files, "/nou/")
    old = stored(page_files, "/vechi/")
    past = time.time() - 7200
    os.utime(old, (past, past))

    call_command("purge_page_files", "--older-than", "3600")

    assert stored(page_files, "/vechi/") is None
    assert stored(page_files, "/nou/") is not None


@pytest.mark.parametrize("arguments", [[], ["sport/"], ["--older-than", "-1"]])
def test_purge_page_files_refuses_unclear_requests(page_files, arguments):
    with pytest.raises(CommandError):
        call_command("purge_page_files", *arguments)
