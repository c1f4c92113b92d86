from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from minga.core.fast import rows

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


def person_by_pk(pk: int) -> User | None:
    """The person with this key, as `User.objects.get(pk=pk)` would return it, or None.

    Every signed-in request loads its person: one plain statement (budget
    `home-signed-in-server-time`, through `minga.core.fast.rows`).
    """
    return rows.load(User, pk)


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
