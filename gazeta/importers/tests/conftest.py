from pathlib import Path

import pytest

from .helpers import SAMPLES, CommandResult, jsonl, run_command


@pytest.fixture
def samples() -> Path:
    return SAMPLES


@pytest.fixture
def import_file():
    def run(path, *extra: str) -> CommandResult:
        return run_command("import_articles", str(path), "--no-progress", *extra)

    return run


@pytest.fixture
def import_lines(tmp_path, import_file):
    """Write records (dicts or raw strings) as a JSON Lines file and import it."""

    def run(*records) -> CommandResult:
        path = tmp_path / "input.jsonl"
        path.write_text(
            "".join(r if isinstance(r, str) else jsonl(r) for r in records), encoding="utf-8"
        )
        return import_file(path)

    return run
