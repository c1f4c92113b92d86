import functools

from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError
from django.db import connections, router

from minga.core.hotsql import hot_cursor

from .models import User
from .phones import normalize_phone


def find_person(identifier: str) -> User | None:
    """The person signing in with `identifier`, an e-mail address or a phone number."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    try:
        phone = normalize_phone(identifier)
    except ValidationError:
        return None
    return User.objects.filter(phone=phone).first()


@functools.cache
def _person_query(alias: str) -> tuple[str, list[str], list[tuple[int, object, list]]]:
    """The SELECT of every column of a person by key, the attribute names in column order, and
    for each column needing one the converters the ORM would apply (dates, JSON lists...)."""
    connection = connections[alias]
    quote = connection.ops.quote_name
    table = User._meta.db_table
    fields = User._meta.concrete_fields
    sql = (
        f"SELECT {', '.join(quote(f.column) for f in fields)} FROM {quote(table)} "  # noqa: S608
        f"WHERE {quote(User._meta.pk.column)} = %s"
    )
    converters = []
    for position, field in enumerate(fields):
        column = field.get_col(table)
        functions = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        if functions:
            converters.append((position, column, functions))
    return sql, [f.attname for f in fields], converters


def person_by_pk(pk: int) -> User | None:
    """The person with this key, as `User.objects.get(pk=pk)` would return it, or None.

    One plain query: every signed-in request loads its person, and building the ORM query
    cost many times the lookup itself.
    """
    connection = connections[router.db_for_read(User)]
    sql, names, converters = _person_query(connection.alias)
    with hot_cursor(connection) as cursor:
        cursor.execute(sql, [pk])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row)
    for position, column, functions in converters:
        value = values[position]
        for function in functions:
            value = function(value, column, connection)
        values[position] = value
    return User.from_db(connection.alias, names, values)


class EmailOrPhoneBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user = find_person(username or kwargs.get("email") or "")
        if user is None:
            User().set_password(password)  # same work either way: no timing oracle
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The signed-in person of a session (ModelBackend's rule: None once inactive).

        Django's `get_user` then checks the session's hash of the password, so changing the
        password still ends every other session.
        """
        user = person_by_pk(user_id)
        return user if user is not None and self.user_can_authenticate(user) else None
