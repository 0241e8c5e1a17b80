"""Settings of the app servers that test_two_processes starts: the test settings with page
files on. The database, page folder and Redis come from the environment the test gives."""

import os

from gazeta.settings.test import *  # noqa: F403
from gazeta.settings.test import REDIS_URL

GAZETA_PAGE_FILES = True
GAZETA_PAGE_FILES_MAX_AGE = 0
GAZETA_PAGE_PURGE_REDIS_URL = REDIS_URL
GAZETA_PAGE_PURGE_STREAM = os.environ.get("GAZETA_TEST_PURGE_STREAM", "gazeta:test-purges")
