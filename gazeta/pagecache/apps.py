from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PagecacheConfig(AppConfig):
    name = "gazeta.pagecache"
    label = "pagecache"
    verbose_name = _("Page files")
