"""Base classes for the apps' management commands."""

from django.core.management.base import BaseCommand


class TaskCommand(BaseCommand):
    """A command that runs one ``django.tasks`` task here, or queues it for the worker with
    ``--enqueue``; subclasses name the task and say what its result means."""

    task = None

    def add_arguments(self, parser):
        parser.add_argument(
            "--enqueue",
            action="store_true",
            help="Queue the task for the background worker instead of running it here.",
        )

    def handle(self, *args, enqueue, **options):
        if enqueue:
            self.stdout.write(f"Queued as {self.task.enqueue().id}.")
        else:
            self.stdout.write(self.describe(self.task.call()))

    def describe(self, result) -> str:
        raise NotImplementedError
