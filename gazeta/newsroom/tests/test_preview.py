import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission

from .factories import AuthorFactory, DraftFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def reporter():
    user = get_user_model().objects.create_user(username="reporter", is_staff=True)
    user.user_permissions.add(Permission.objects.get(codename="change_article"))
    AuthorFactory(user=user)
    return get_user_model().objects.get(pk=user.pk)


def test_reporter_previews_own_draft_but_not_a_colleagues(client, reporter):
    own = DraftFactory(authors=[reporter.author_profile])
    colleague = DraftFactory(authors=[AuthorFactory()])
    client.force_login(reporter)
    response = client.get(own.get_absolute_url())
    assert response.status_code == 200
    assert "private" in response["Cache-Control"]
    assert client.get(colleague.get_absolute_url()).status_code == 404


def test_anonymous_reader_gets_404_for_any_draft(client, reporter):
    own = DraftFactory(authors=[reporter.author_profile])
    assert client.get(own.get_absolute_url()).status_code == 404
