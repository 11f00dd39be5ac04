"""Page-number pagination with a capped page size; long lists counted up to a cap and estimated past it."""

from django.core.paginator import Paginator
from django.utils.functional import cached_property
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response

from positions import selectors


class Pagination(PageNumberPagination):
    page_size_query_param = "page_size"
    max_page_size = 100  # page_size=100000 gets 100


class _CappedPaginator(Paginator):
    count_exact = True

    @cached_property
    def count(self) -> int:
        count, self.count_exact = selectors.count_capped(rows=self.object_list)
        return count

    def page(self, number):
        number = self.validate_number(number)
        start = (number - 1) * self.per_page
        return self._get_page(
            selectors.page_rows(rows=self.object_list, start=start, stop=start + self.per_page), number, self
        )


class LongListPagination(Pagination):
    """For lists that reach millions (statements): `count` is exact up to selectors.COUNT_CAP and
    PostgreSQL's estimate past it, as `count_exact` says; a page's rows are found by id first."""

    django_paginator_class = _CappedPaginator

    def get_paginated_response(self, data):
        response = super().get_paginated_response(data)
        response.data["count_exact"] = self.page.paginator.count_exact
        return Response(response.data)

    def get_paginated_response_schema(self, schema):
        described = super().get_paginated_response_schema(schema)
        described["properties"]["count"]["description"] = (
            f"Exact up to {selectors.COUNT_CAP:,} rows; past that PostgreSQL's estimate (see count_exact)."
        )
        described["properties"]["count_exact"] = {
            "type": "boolean",
            "description": f"False when `count` is an estimate (more than {selectors.COUNT_CAP:,} rows): pages "
            "past the real end are then empty, not 404.",
        }
        described["required"] = [*described["required"], "count_exact"]
        return described
