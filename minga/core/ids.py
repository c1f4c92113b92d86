"""Numeric identifiers in URLs are bounded by what a database integer can hold.

A number past 2**63 - 1 names no row anywhere, yet handed to a query it overflows the
driver or the column (SQLite's "Python int too large", PostgreSQL's "bigint out of range")
and the request ends in a 500. Every `<int:...>` of every URLconf and every `int` path
parameter of the JSON API goes through `BoundedIntConverter`, so such a number simply
matches no URL: 404, before any view runs.
"""

from django.urls import converters
from django.urls.resolvers import _route_to_regex

ID_MAX = 2**63 - 1  # the largest BigAutoField (and SQLite INTEGER) value


class BoundedIntConverter(converters.IntConverter):
    """Django's `int`, matching only numbers a 64-bit signed integer column can hold."""

    regex = "[0-9]{1,19}"

    def to_python(self, value: str) -> int:
        number = int(value)
        if number > ID_MAX:
            raise ValueError("beyond any database identifier")  # no match: 404
        return number


def bound_int_converter() -> None:
    """Make `<int:...>` the bounded converter in every URLconf (called from CoreConfig.ready).

    Django refuses to register a converter under a built-in name, so the built-in entry is
    replaced, before any URLconf is loaded; `test_large_ids` fails loudly should Django
    change how its converters are found.
    """
    converters.DEFAULT_CONVERTERS["int"] = BoundedIntConverter()
    converters.get_converters.cache_clear()
    _route_to_regex.cache_clear()


def int_path_params(router) -> None:
    """Declare the router's `int` path parameters with Django's `int` converter.

    django-ninja routes `{poll_id}` as a string and converts it to an unbounded int; as
    `{int:poll_id}` (ninja's documented converter syntax) the URL resolver bounds it.
    """
    rewritten = {}
    for path, path_view in router.path_operations.items():
        for operation in path_view.operations:
            for param in operation.signature.params:
                if param.annotation is int and f"{{{param.name}}}" in path:
                    path = path.replace(f"{{{param.name}}}", f"{{int:{param.name}}}")
        rewritten[path] = path_view
    router.path_operations = rewritten
