import django.db.models.deletion
import django.utils.timezone
from django.db import migrations, models

import gazeta.frontpage.models


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("newsroom", "0005_publish_permission"),
    ]

    operations = [
        migrations.CreateModel(
            name="HomeSlot",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "position",
                    models.PositiveSmallIntegerField(
                        help_text="0 is the top story; 1, 2, 3… the featured stories under it.",
                        unique=True,
                        validators=[gazeta.frontpage.models.validate_slot_position],
                        verbose_name="slot",
                    ),
                ),
                (
                    "pinned_until",
                    models.DateTimeField(
                        blank=True,
                        help_text=(
                            "After this time the slot goes back to the automatic choice. "
                            "Empty: until you change the slot."
                        ),
                        null=True,
                        verbose_name="pinned until",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="last modified")),
                (
                    "article",
                    models.ForeignKey(
                        limit_choices_to=models.Q(("status__in", ["published", "scheduled"])),
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="home_slots",
                        to="newsroom.article",
                        verbose_name="article",
                    ),
                ),
            ],
            options={
                "verbose_name": "home page slot",
                "verbose_name_plural": "home page slots",
                "ordering": ["position"],
                "constraints": [
                    models.UniqueConstraint(fields=("article",), name="homeslot_unique_article")
                ],
            },
        ),
        migrations.CreateModel(
            name="Banner",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("text", models.CharField(max_length=200, verbose_name="text")),
                (
                    "url",
                    models.URLField(
                        blank=True,
                        help_text="An address elsewhere, when no article is linked.",
                        verbose_name="link",
                    ),
                ),
                (
                    "starts_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now, verbose_name="shown from"
                    ),
                ),
                (
                    "expires_at",
                    models.DateTimeField(
                        default=gazeta.frontpage.models.default_banner_expiry,
                        verbose_name="shown until",
                    ),
                ),
                (
                    "created_at",
                    models.DateTimeField(
                        default=django.utils.timezone.now,
                        editable=False,
                        verbose_name="created at",
                    ),
                ),
                ("updated_at", models.DateTimeField(auto_now=True, verbose_name="last modified")),
                (
                    "article",
                    models.ForeignKey(
                        blank=True,
                        limit_choices_to=models.Q(("status__in", ["published", "scheduled"])),
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="newsroom.article",
                        verbose_name="linked article",
                    ),
                ),
            ],
            options={
                "verbose_name": "breaking-news banner",
                "verbose_name_plural": "breaking-news banners",
                "ordering": ["-starts_at", "-id"],
                "indexes": [models.Index(fields=["expires_at"], name="banner_expires_idx")],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("expires_at__gte", models.F("starts_at"))),
                        name="banner_ends_after_start",
                    ),
                    models.CheckConstraint(
                        condition=models.Q(("article__isnull", True), ("url", ""), _connector="OR"),
                        name="banner_one_link",
                        violation_error_message="Link an article or an address, not both.",
                    ),
                ],
            },
        ),
    ]
