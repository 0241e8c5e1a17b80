from django.apps import AppConfig
from django.db.backends.signals import connection_created


class CoreConfig(AppConfig):
    name = "gazeta.core"
    label = "core"

    def ready(self):
        from .prepared import plan_once_per_connection

        connection_created.connect(plan_once_per_connection, dispatch_uid="gazeta-plan-once")
