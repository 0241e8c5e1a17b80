import pytest
from django.core.paginator import EmptyPage, PageNotAnInteger
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from gazeta.core.pagination import OpenEndedPaginator
from gazeta.newsroom.models import Article
from gazeta.newsroom.tests.factories import ArticleFactory


def walk(items, per_page):
    """Every page from the first, following ``has_next`` as a reader follows "Older"."""
    paginator = OpenEndedPaginator(items, per_page)
    pages = [paginator.page(1)]
    while pages[-1].has_next():
        pages.append(paginator.page(pages[-1].next_page_number()))
    return paginator, pages


@given(size=st.integers(0, 40), per_page=st.integers(1, 7))
def test_following_older_visits_every_item_once_in_order(size, per_page):
    items = list(range(size))
    paginator, pages = walk(items, per_page)
    assert [item for page in pages for item in page] == items
    assert [page.number for page in pages] == list(range(1, len(pages) + 1))
    assert all(len(page) == per_page for page in pages[:-1])
    assert not pages[0].has_previous() and all(page.has_previous() for page in pages[1:])
    assert [(p.start_index(), p.end_index()) for p in pages if len(p)] == [
        (n * per_page + 1, n * per_page + len(p)) for n, p in enumerate(pages) if len(p)
    ]
    with pytest.raises(EmptyPage):
        paginator.page(len(pages) + 1)


@pytest.mark.parametrize("number", ["0", "-1", "2.5", "x", "", "99999999999999999999999"])
def test_bad_page_numbers_are_refused(number):
    paginator = OpenEndedPaginator(list(range(30)), 10)
    with pytest.raises((EmptyPage, PageNotAnInteger)):
        paginator.page(number)


def test_an_empty_first_page_is_allowed_only_when_asked():
    assert list(OpenEndedPaginator([], 10).page(1)) == []
    with pytest.raises(EmptyPage):
        OpenEndedPaginator([], 10, allow_empty_first_page=False).page(1)


@pytest.mark.django_db
def test_a_page_is_one_query_and_never_a_count():
    ArticleFactory.create_batch(7)
    paginator = OpenEndedPaginator(Article.objects.order_by("-published_at", "-id"), 3)
    with CaptureQueriesContext(connection) as captured:
        page = paginator.page(2)
    assert len(page) == 3 and page.has_next() and page.has_previous()
    assert len(captured) == 1
    assert "COUNT(" not in captured[0]["sql"].upper()
    assert paginator.count == 7  # still there for whoever asks
