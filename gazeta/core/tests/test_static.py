"""Static files: what collectstatic compresses (whitenoise, settings.WHITENOISE_SKIP_*)."""

from django.conf import settings
from whitenoise.compress import Compressor


def test_collectstatic_compresses_code_and_styles_but_not_source_maps_or_images():
    compressor = Compressor(extensions=settings.WHITENOISE_SKIP_COMPRESS_EXTENSIONS, quiet=True)
    for served in ("css/site.3fe009064d76.css", "django_prose_editor/editor.js", "x.svg"):
        assert compressor.should_compress(served), served
    for skipped in ("django_prose_editor/editor.js.d18d9cde4981.map", "img/logo.png", "a.woff2"):
        assert not compressor.should_compress(skipped), skipped
