from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

# Settings that decide whether anything is purged (see purge.purge_enabled).
PURGE_SETTINGS = frozenset({"GAZETA_PAGE_FILES", "GAZETA_CDN_PURGE_URL", "DEBUG"})


def _purge_setting_changed(setting, **kwargs):
    if setting in PURGE_SETTINGS:
        from .receivers import connect_if_enabled

        connect_if_enabled()


class PagecacheConfig(AppConfig):
    name = "gazeta.pagecache"
    label = "pagecache"
    verbose_name = _("Page files")

    def ready(self):
        from django.test.signals import setting_changed

        from .receivers import connect_if_enabled

        connect_if_enabled()
        setting_changed.connect(_purge_setting_changed, dispatch_uid="pagecache.settings")
