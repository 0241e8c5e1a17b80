from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Q
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import path
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from .forms import ImageUploadForm
from .models import Image
from .services import image_delete, image_upload

DESCRIBED = ["alt_text", "caption", "photographer", "agency"]
THUMBNAIL_WIDTH = 96
PREVIEW_WIDTH = 480
PICKER_PAGE_SIZE = 30


def thumbnail_url(image: Image) -> str:
    """The narrowest rendition, else the original while renditions are being made."""
    renditions = image.rendition_list()
    return renditions[0].url if renditions else image.url


@admin.register(Image)
class ImageAdmin(admin.ModelAdmin):
    """The image library: thumbnails, search by description and credit, uploads checked by
    ``image_clean``. Files never change after upload (upload a new image instead); deleting
    removes the files too."""

    list_display = [
        "thumbnail",
        "alt_text",
        "credit",
        "dimensions",
        "has_renditions",
        "uploaded_at",
    ]
    list_display_links = ["thumbnail", "alt_text"]
    list_filter = ["format"]
    search_fields = ["alt_text", "caption", "photographer", "agency"]
    date_hierarchy = "uploaded_at"
    list_per_page = 40
    readonly_fields = [
        "preview",
        "dimensions",
        "format",
        "size",
        "renditions_summary",
        "uploaded_at",
        "uploaded_by",
    ]

    def get_form(self, request, obj=None, **kwargs):
        if obj is None:
            kwargs["form"] = ImageUploadForm
        return super().get_form(request, obj, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return [(None, {"fields": ["upload", *DESCRIBED]})]
        return [
            (None, {"fields": ["preview", *DESCRIBED]}),
            (
                _("File"),
                {
                    "fields": [
                        "dimensions",
                        "format",
                        "size",
                        "renditions_summary",
                        "uploaded_at",
                        "uploaded_by",
                    ]
                },
            ),
        ]

    def save_model(self, request, obj, form, change):
        if change:
            obj.save(update_fields=DESCRIBED)
            return
        image_upload(
            file=form.clean_image,
            alt_text=obj.alt_text,
            caption=obj.caption,
            photographer=obj.photographer,
            agency=obj.agency,
            uploaded_by=request.user,
            image=obj,
        )

    def delete_model(self, request, obj):
        image_delete(image=obj)

    def delete_queryset(self, request, queryset):
        for image in queryset:
            image_delete(image=image)

    @admin.display(description=_("image"))
    def thumbnail(self, obj):
        return format_html(
            '<img src="{}" alt="" width="{}" loading="lazy" class="media-thumbnail">',
            thumbnail_url(obj),
            THUMBNAIL_WIDTH,
        )

    @admin.display(description=_("preview"))
    def preview(self, obj):
        width = min(obj.width, PREVIEW_WIDTH) or PREVIEW_WIDTH
        height = round(obj.height * width / obj.width) if obj.width else ""
        # A rendition when there is one wide enough: the original may weigh megabytes.
        src = next((r.url for r in obj.rendition_list() if r.width >= width), obj.url)
        return format_html(
            '<img src="{}" alt="{}" width="{}" height="{}">', src, obj.alt_text, width, height
        )

    @admin.display(description=_("credit"))
    def credit(self, obj):
        return obj.credit

    @admin.display(description=_("size in pixels"))
    def dimensions(self, obj):
        return f"{obj.width} × {obj.height}"

    @admin.display(description=_("file size"))
    def size(self, obj):
        return filesizeformat(obj.file_size)

    @admin.display(description=_("renditions ready"), boolean=True)
    def has_renditions(self, obj):
        return bool(obj.renditions)

    @admin.display(description=_("renditions"))
    def renditions_summary(self, obj):
        renditions = sorted(obj.renditions or [], key=lambda r: (r["format"], r["width"]))
        if not renditions:
            return _("Being made in the background; pages show the original meanwhile.")
        return ", ".join(
            f"{r['format'].upper()} {r['width']}px ({filesizeformat(r['bytes'])})"
            for r in renditions
        )

    def get_urls(self):
        picker = path(
            "picker/",
            self.admin_site.admin_view(self.picker_view),
            name="media_image_picker",
        )
        return [picker, *super().get_urls()]

    def picker_view(self, request):
        """A window opened by the body editor's “Insert figure” dialog: click an image to
        put it in the article (see static/media/image-picker.js)."""
        if not self.has_view_permission(request):
            raise PermissionDenied
        query = request.GET.get("q", "").strip()
        images = Image.objects.all()
        if query:
            images = images.filter(
                Q(alt_text__icontains=query)
                | Q(caption__icontains=query)
                | Q(photographer__icontains=query)
                | Q(agency__icontains=query)
            )
        page = Paginator(images, PICKER_PAGE_SIZE).get_page(request.GET.get("page"))
        context = {
            **self.admin_site.each_context(request),
            "title": _("Choose an image"),
            "opts": self.opts,
            "page": page,
            "query": query,
            "tiles": [(image, thumbnail_url(image)) for image in page.object_list],
            "can_add": self.has_add_permission(request),
            "is_popup": True,
        }
        return TemplateResponse(request, "media/image_picker.html", context)
