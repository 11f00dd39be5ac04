"""Page-number pagination with a capped page size; long lists counted up to a cap and estimated past it,
and walked by keyset cursors."""

import base64
import binascii
import functools
import json
from collections.abc import Callable

from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.utils.functional import cached_property
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.utils.urls import replace_query_param

from positions import selectors


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100  # page_size=100000 gets 100


def _instances(rows: QuerySet, ids: list) -> list:
    return selectors.rows_by_ids(rows=rows, ids=ids)


class _CappedPaginator(Paginator):
    """A page's ids are found first (on the table's own indexes), then its rows by `fetch(rows, ids)`: model
    instances unless the view reads them otherwise (LongListPagination)."""

    count_exact = True
    count_with_page = False  # count the rows and cut the page in one pass (selectors.counted_page)
    _found: tuple[int, list] | None = None  # (page number, its ids) found with the count

    def __init__(self, *args, fetch: Callable[[QuerySet, list], list] = _instances, **kwargs):
        super().__init__(*args, **kwargs)
        self.fetch = fetch

    @cached_property
    def count(self) -> int:
        count, self.count_exact = selectors.count_capped(rows=self.object_list)
        return count

    def page(self, number):
        try:
            wanted = int(number)
        except (TypeError, ValueError):
            wanted = 0  # validate_number says what is wrong with it
        if self.count_with_page and wanted >= 1 and "count" not in self.__dict__:
            # the count and the page's ids from one pass over the rows (selectors.counted_page)
            start = (wanted - 1) * self.per_page
            count, self.count_exact, ids = selectors.counted_page(
                rows=self.object_list, start=start, stop=start + self.per_page
            )
            self.__dict__["count"] = count  # what the cached property would hold
            self._found = (wanted, ids) if ids is not None else None
        number = self.validate_number(number)
        if self._found is not None and self._found[0] == number:
            return self._get_page(self.fetch(self.object_list, self._found[1]), number, self)
        start = (number - 1) * self.per_page
        ids = selectors.page_ids(rows=self.object_list, start=start, stop=start + self.per_page)
        return self._get_page(self.fetch(self.object_list, ids), number, self)


def _encode(values: list) -> str:
    return base64.urlsafe_b64encode(json.dumps(values, separators=(",", ":")).encode()).decode().rstrip("=")


def _decode(cursor: str) -> list:
    try:
        values = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
    except (binascii.Error, ValueError, UnicodeDecodeError) as error:
        raise ValidationError({"cursor": ["Not a cursor this list gave: use the `next` link as it is."]}) from error
    if not isinstance(values, list):
        raise ValidationError({"cursor": ["Not a cursor this list gave: use the `next` link as it is."]})
    return values


class _SearchPaginator(_CappedPaginator):
    count_with_page = True


class LongListPagination(Pagination):
    """For lists that reach millions (statements): `count` is exact up to selectors.COUNT_CAP and
    PostgreSQL's estimate past it, as `count_exact` says; a page's rows are found by id first.

    Two ways through: `page=N` (any page, at a cost that grows with N), or `cursor=` (the `next` link of
    a page asked for with `cursor=` empty or with a cursor): each page starts where the last one ended,
    by a keyset comparison on the list's ordering, at the same cost however deep. A cursor holds the
    ordering's values of a page's last row, so rows added or removed meanwhile shift nothing."""

    search_query_param = "q"  # a full-text search: its count and its page's ids come from one pass
    searched = False  # set per request by paginate_queryset
    cursor_query_param = "cursor"
    cursor_query_description = (
        "Keyset paging: give it empty to start, then follow `next`. Pages stay the same cost however deep "
        "(`page` grows with its number); forward only; not with `page`."
    )

    fetch: Callable[[QuerySet, list], list] = staticmethod(_instances)  # set per request by paginate_queryset

    @property
    def django_paginator_class(self):
        return functools.partial(_SearchPaginator if self.searched else _CappedPaginator, fetch=self.fetch)

    def paginate_queryset(self, queryset, request, view=None):
        """The page's rows: the view's `page_entries(rows, ids)` when it has one (the rows with these ids as it
        writes them), else model instances."""
        self.searched = bool(request.query_params.get(self.search_query_param))
        self.fetch = getattr(view, "page_entries", None) or _instances
        self.cursor = request.query_params.get(self.cursor_query_param)
        order = selectors.keyset_order(rows=queryset)
        if self.cursor is None:
            return super().paginate_queryset(queryset.order_by(*order), request, view)
        if request.query_params.get(self.page_query_param) is not None:
            raise ValidationError({"cursor": ["Give `cursor` or `page`, not both."]})
        self.request = request
        rows = queryset.order_by(*order)
        if self.cursor:
            try:
                rows = selectors.keyset_after(rows=rows, order=order, values=_decode(self.cursor))
            except selectors.BadCursor as error:
                raise ValidationError({"cursor": [f"Not a cursor of this list and ordering ({error})."]}) from error
        size = self.get_page_size(request)
        found = self.fetch(rows, selectors.page_ids(rows=rows, start=0, stop=size + 1))
        self.rows = found[:size]
        self.next_values = selectors.keyset_values(row=self.rows[-1], order=order) if len(found) > size else None
        self.count, self.count_exact = selectors.count_capped(rows=queryset)
        return self.rows

    def get_next_link(self):
        if self.cursor is None:
            return super().get_next_link()
        if self.next_values is None:
            return None
        url = self.request.build_absolute_uri()
        return replace_query_param(url, self.cursor_query_param, _encode(self.next_values))

    def get_previous_link(self):
        if self.cursor is None:
            return super().get_previous_link()
        return None

    def get_paginated_response(self, data):
        if self.cursor is not None:
            body = {"count": self.count, "count_exact": self.count_exact}
            return Response({**body, "next": self.get_next_link(), "previous": None, "results": data})
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.count_exact
        return Response(response.data)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        parameters.append(
            {
                "name": self.cursor_query_param,
                "required": False,
                "in": "query",
                "description": self.cursor_query_description,
                "schema": {"type": "string"},
            }
        )
        return parameters

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count"]["description"] = (
            f"Exact up to {selectors.COUNT_CAP:,} rows; past that PostgreSQL's estimate (see count_exact)."
        )
        described["properties"]["previous"]["description"] = "Null when paging by `cursor` (forward only)."
        described["properties"]["count_exact"] = {
            "type": "boolean",
            "description": f"False when `count` is an estimate (more than {selectors.COUNT_CAP:,} rows): pages "
            "past the real end are then empty, not 404.",
        }
        described["required"] = [*described["required"], "count_exact"]
        return described
