from gazeta.core.management import TaskCommand
from gazeta.newsroom.tasks import publication_sync_task


class Command(TaskCommand):
    help = (
        "Publish every scheduled article whose time has come and take expired ones offline. "
        "Run it (or queue it with --enqueue) when the task worker starts, so anything that "
        "fell due while the worker was down goes out at once; scripts/demo does."
    )
    task = publication_sync_task

    def describe(self, result):
        return f"{result['went_live']} article(s) went live, {result['expired']} expired."
