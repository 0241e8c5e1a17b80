"""Records and a command runner shared by the importer tests."""

import io
import json
from dataclasses import dataclass
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError

SAMPLES = Path(__file__).parent / "samples"


@dataclass
class CommandResult:
    exit_code: int
    stdout: str
    stderr: str


def run_command(name: str, *args: str, stdin=None) -> CommandResult:
    """Run a management command as the shell would, with its exit code (CommandError's)."""
    out, err = io.StringIO(), io.StringIO()
    options = {"stdout": out, "stderr": err}
    if stdin is not None:
        options["stdin"] = stdin
    try:
        call_command(name, *args, **options)
    except CommandError as exc:
        return CommandResult(exc.returncode, out.getvalue(), err.getvalue() + str(exc))
    return CommandResult(0, out.getvalue(), err.getvalue())


def jsonl(*records) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def article(**fields) -> dict:
    """A valid published article record; ``fields`` override or add keys."""
    record = {
        "title": "Podul de pe strada Morii se redeschide",
        "section": "Local",
        "status": "published",
        "published_at": "2024-03-05T10:00:00+02:00",
        "body_html": "<p>Circulația revine la normal de luni.</p>",
    }
    record.update(fields)
    return record


def comment(**fields) -> dict:
    record = {
        "name": "Elena",
        "email": "elena@example.com",
        "body": "Bine că s-a terminat.",
        "created_at": "2024-03-05T11:00:00+02:00",
        "status": "approved",
    }
    record.update(fields)
    return record
