from django.conf import settings

from gazeta.comments.tasks import erase_old_comment_ips
from gazeta.core.management import TaskCommand


class Command(TaskCommand):
    help = (
        "Forget IP addresses and browsers of comments older than "
        "GAZETA_COMMENT_IP_RETENTION_DAYS; run it daily (cron or a systemd timer)."
    )
    task = erase_old_comment_ips

    def describe(self, result):
        days = settings.GAZETA_COMMENT_IP_RETENTION_DAYS
        return f"IP address and browser forgotten on {result} comment(s) over {days} days old."
