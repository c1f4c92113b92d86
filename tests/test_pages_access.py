"""Every page of the foundation (core, accounts, coops) for each persona.

One explicit table says what each URL name answers to an anonymous visitor, an outsider,
a member and the owner (administrator) of a cooperative. Every HTML page that answers is
checked for the basics of an accessible page: a language on <html>, a <main> landmark and
a label for every field. A URL name missing from the table fails the suite, so a new page
cannot skip its access check.
"""

from dataclasses import dataclass
from html.parser import HTMLParser

import pytest
from django.urls import reverse
from django.utils import timezone

from minga.accounts import urls as accounts_urls
from minga.coops import actions as coop_actions
from minga.coops import urls as coops_urls
from minga.coops.models import Membership
from minga.core import urls as core_urls
from minga.core import worker

ANONYMOUS, OUTSIDER, MEMBER, OWNER = "anonymous", "outsider", "member", "owner"
ROLES = (ANONYMOUS, OUTSIDER, MEMBER, OWNER)


def expect(anonymous: int, outsider: int, member: int, owner: int) -> dict[str, int]:
    return dict(zip(ROLES, (anonymous, outsider, member, owner), strict=True))


PUBLIC = expect(200, 200, 200, 200)
GUESTS_ONLY = expect(200, 302, 302, 302)  # sign-up and sign-in send people to their profile
SIGNED_IN = expect(302, 200, 200, 200)
MEMBERS = expect(302, 403, 200, 200)
MANAGERS = expect(302, 403, 403, 200)  # administrators and secretaries
ADMINS = expect(302, 403, 403, 200)  # administrators only (the owner founded the coop)
POST_ONLY = expect(405, 405, 405, 405)
SIGNED_IN_POST_ONLY = expect(302, 405, 405, 405)


@dataclass(frozen=True)
class Row:
    name: str
    expected: dict[str, int]
    method: str = "get"
    # Names in `world` (slug, membership, invitation, token) or literal values.
    args: tuple[str, ...] = ()
    query: str = ""


TABLE = [
    Row("core:home", PUBLIC),
    Row("core:about", PUBLIC),
    Row("core:set-language", expect(302, 302, 302, 302), query="?language=fr&next=/coops/"),
    Row("core:health", PUBLIC),
    Row("accounts:signup", GUESTS_ONLY),
    Row("accounts:login", GUESTS_ONLY),
    Row("accounts:logout", expect(302, 302, 302, 302), method="post"),
    Row("accounts:logout", POST_ONLY),
    Row("accounts:profile", SIGNED_IN),
    Row("accounts:profile-edit", SIGNED_IN),
    Row("accounts:resend-verification", expect(302, 302, 302, 302), method="post"),
    Row("accounts:resend-verification", SIGNED_IN_POST_ONLY),
    Row("accounts:verify-email", expect(302, 302, 302, 302), args=("not-a-token",)),
    Row("accounts:phone-verify", SIGNED_IN),
    Row("accounts:phone-code-send", expect(302, 302, 302, 302), method="post"),
    Row("accounts:phone-code-send", SIGNED_IN_POST_ONLY),
    Row("accounts:password-reset", PUBLIC),
    Row("accounts:password-reset-confirm", PUBLIC, args=("MQ", "not-a-token")),
    Row("accounts:password-change", SIGNED_IN),
    Row("coops:directory", PUBLIC),
    Row("coops:directory", PUBLIC, query="?q=coffee&country=RW&sector=agriculture&page=9"),
    Row("coops:overview", PUBLIC),
    Row("coops:create", SIGNED_IN),
    Row("coops:join", SIGNED_IN, args=("token",)),
    Row("coops:join", expect(302, 410, 410, 410), args=("not-a-token",)),
    Row("coops:detail", PUBLIC, args=("slug",)),
    Row("coops:edit", ADMINS, args=("slug",)),
    Row("coops:members", MEMBERS, args=("slug",)),
    Row("coops:import", MANAGERS, args=("slug",)),
    Row("coops:membership-edit", MANAGERS, args=("slug", "membership")),
    Row("coops:history", MEMBERS, args=("slug",)),
    Row("coops:leave", expect(302, 403, 302, 302), method="post", args=("slug",)),
    Row("coops:leave", SIGNED_IN_POST_ONLY, args=("slug",)),
    Row("coops:invitations", MANAGERS, args=("slug",)),
    Row(
        "coops:invitation-revoke",
        expect(302, 403, 403, 302),
        method="post",
        args=("slug", "invitation"),
    ),
    Row("coops:invitation-revoke", SIGNED_IN_POST_ONLY, args=("slug", "invitation")),
]

CASES = [
    pytest.param(row, role, id=f"{row.name}-{row.method}{row.query and '-query'}-{role}")
    for row in TABLE
    for role in ROLES
]
# Statuses answered with a Minga page (410: an invitation that is used up).
PAGE_STATUSES = {200, 410}


def foundation_url_names() -> set[str]:
    return {
        f"{module.app_name}:{pattern.name}"
        for module in (core_urls, accounts_urls, coops_urls)
        for pattern in module.urlpatterns
    }


@pytest.fixture
def world(owner, member, coop) -> dict[str, object]:
    return make_world(owner, member, coop)


def make_world(owner, member, coop) -> dict[str, object]:
    """What the table's arguments name; the phone layout test builds the same."""
    invitation = coop_actions.create_invitation(
        coop=coop, actor=owner, role=Membership.Role.MEMBER, base_url="http://testserver"
    )
    worker.beat("test-worker", timezone.now())  # a healthy instance runs `minga worker`
    return {
        "slug": coop.slug,
        "membership": coop.memberships.get(person=member).pk,
        "invitation": invitation.pk,
        "token": invitation.token,
    }


def url_for(row: Row, world: dict[str, object]) -> str:
    args = [world.get(arg, arg) for arg in row.args]
    return reverse(row.name, args=args) + row.query


def sign_in(client, request, role: str):
    if role != ANONYMOUS:
        client.force_login(request.getfixturevalue(role))
    return client


class PageParser(HTMLParser):
    """What the accessibility checks need from a page, read with the standard library."""

    UNLABELLED_TYPES = {"hidden", "submit", "button", "reset", "image"}

    def __init__(self):
        super().__init__()
        self.lang: str | None = None
        self.has_main = False
        self.label_depth = 0
        self.label_targets: set[str] = set()
        self.fields: list[tuple[str, str | None, bool]] = []  # (description, id, in a label)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "html":
            self.lang = attributes.get("lang")
        elif tag == "main":
            self.has_main = True
        elif tag == "label":
            self.label_depth += 1
            if attributes.get("for"):
                self.label_targets.add(attributes["for"])
        elif tag in {"input", "select", "textarea"}:
            kind = (attributes.get("type") or "text").lower() if tag == "input" else tag
            if kind not in self.UNLABELLED_TYPES:
                description = f"<{tag} type={kind} name={attributes.get('name')!r}>"
                self.fields.append((description, attributes.get("id"), self.label_depth > 0))

    def handle_endtag(self, tag):
        if tag == "label" and self.label_depth:
            self.label_depth -= 1

    def unlabelled_fields(self) -> list[str]:
        return [
            description
            for description, field_id, in_label in self.fields
            if not in_label and (field_id is None or field_id not in self.label_targets)
        ]


def parse(response) -> PageParser:
    parser = PageParser()
    parser.feed(response.content.decode())
    parser.close()
    return parser


def assert_accessible_page(response, *, language: str) -> None:
    page = parse(response)
    assert page.lang == language, f"<html lang={page.lang!r}>, expected {language!r}"
    assert page.has_main, "no <main> landmark"
    assert page.unlabelled_fields() == [], f"fields without a label: {page.unlabelled_fields()}"


def test_it_covers_every_url_name_of_the_foundation():
    assert {row.name for row in TABLE} == foundation_url_names()


@pytest.mark.django_db
@pytest.mark.parametrize(("row", "role"), CASES)
def test_it_answers_each_persona_as_expected(client, request, world, row, role):
    client = sign_in(client, request, role)
    response = getattr(client, row.method)(url_for(row, world))

    assert response.status_code == row.expected[role]
    if response.status_code in PAGE_STATUSES and "text/html" in response["Content-Type"]:
        # The outsider reads Minga in Spanish (their preferred language); the rest in English.
        assert_accessible_page(response, language="es" if role == OUTSIDER else "en")


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_it_survives_an_empty_form_on_every_page(client, request, world, role):
    """An empty POST to any page gets an answer (errors shown, a redirect), never a 500."""
    client = sign_in(client, request, role)
    client.raise_request_exception = False
    answers = {}
    for row in TABLE:
        if row.method == "get":
            answers[row.name, row.query] = client.post(url_for(row, world), {}).status_code
    assert {key: status for key, status in answers.items() if status >= 500} == {}


@pytest.mark.django_db
def test_it_shows_form_errors_next_to_labelled_fields(client, owner):
    """Forms sent back with errors keep their labels (the errors are the point)."""
    client.force_login(owner)
    response = client.post(reverse("coops:create"), {"name": ""})
    assert response.status_code == 200
    assert_accessible_page(response, language="en")
    assert b"errorlist" in response.content


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("role", "path"),
    [(OUTSIDER, "coops:edit"), (ANONYMOUS, "coops:detail")],
    ids=["403", "404"],
)
def test_it_answers_refusals_and_missing_pages_with_a_minga_page(
    client, request, world, role, path
):
    client = sign_in(client, request, role)
    slug = world["slug"] if path == "coops:edit" else "no-such-cooperative"
    response = client.get(reverse(path, args=[slug]))
    assert response.status_code in {403, 404}
    language = "es" if role == OUTSIDER else "en"
    assert_accessible_page(response, language=language)
