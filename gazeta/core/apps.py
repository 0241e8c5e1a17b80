from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "gazeta.core"
    label = "core"
