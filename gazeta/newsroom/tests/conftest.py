from datetime import UTC, datetime

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

# 17:21 in Bucharest (UTC+2 in November): the reference page's dateline.
NOW = datetime(2024, 11, 1, 15, 21, tzinfo=UTC)


@pytest.fixture
def now(time_machine):
    """Freeze the clock (no ticking) so ``published_at`` comparisons are exact."""
    time_machine.move_to(NOW, tick=False)
    return NOW


@pytest.fixture
def editor(db):
    user = get_user_model().objects.create_user(username="editor", is_staff=True)
    user.user_permissions.add(
        *Permission.objects.filter(
            content_type__app_label="newsroom", codename__in=["change_article", "publish_article"]
        )
    )
    return user


@pytest.fixture
def editor_client(client, editor):
    client.force_login(editor)
    return client
