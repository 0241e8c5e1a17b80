"""Pages of a list without counting the list.

Django's ``Paginator`` counts every row to know the number of pages. A section of a large
archive has a hundred thousand articles and a topic tens of thousands: counting them costs
more than reading the twenty on the page, and grows with the archive. A news front only needs
"newer" and "older", so ``OpenEndedPaginator`` reads one row more than a page to know whether
an older page exists, and never counts. Django has no such paginator and the libraries that
have one bring their own template tags and views; this is the small part we need.
"""

from django.core.paginator import EmptyPage, Page, PageNotAnInteger, Paginator
from django.utils.translation import gettext_lazy as _

MAX_OFFSET = 2**31


class OpenEndedPage(Page):
    def __init__(self, object_list, number, paginator, *, has_next: bool):
        super().__init__(object_list, number, paginator)
        self._has_next = has_next

    def has_next(self) -> bool:
        return self._has_next

    def end_index(self) -> int:
        return self.start_index() + len(self.object_list) - 1 if self.object_list else 0

    def start_index(self) -> int:
        if not self.object_list:
            return 0
        return (self.number - 1) * self.paginator.per_page + 1


class OpenEndedPaginator(Paginator):
    """A ``Paginator`` whose pages know whether an older one follows without a count.

    ``count`` and ``num_pages`` still work (they count), for the rare caller that asks;
    ``page()`` never uses them. A page past the end is an ``EmptyPage`` (a 404 in list
    views), as with Django's paginator; the first page of an empty list is allowed when
    ``allow_empty_first_page``."""

    def validate_number(self, number) -> int:
        try:
            if isinstance(number, float) and not number.is_integer():
                raise ValueError
            number = int(number)
        except (TypeError, ValueError) as error:
            raise PageNotAnInteger(_("That page number is not an integer")) from error
        if number < 1:
            raise EmptyPage(_("That page number is less than 1"))
        return number

    def page(self, number) -> OpenEndedPage:
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        if start > MAX_OFFSET:  # past any real list, and past what a database's OFFSET takes
            raise EmptyPage(_("That page contains no results"))
        rows = list(self.object_list[start : start + self.per_page + 1])
        if not rows and (number > 1 or not self.allow_empty_first_page):
            raise EmptyPage(_("That page contains no results"))
        return OpenEndedPage(
            rows[: self.per_page], number, self, has_next=len(rows) > self.per_page
        )
