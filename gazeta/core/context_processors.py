from django.conf import settings


def site(request):
    return {
        "site_name": settings.GAZETA_SITE_NAME,
        "site_url": settings.GAZETA_SITE_URL,
    }
