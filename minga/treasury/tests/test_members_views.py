"""Every members' page and form, for each persona: treasurer, checker, supervisory committee,
the member, another member, an outsider (and bad input changes nothing)."""

import pytest

from conftest import client_for
from minga.treasury import approvals, statements
from minga.treasury.models import ApprovalRequest, Dispute, MemberConfirmation

from .members_fixtures import *  # noqa: F403 (fixtures and helpers)
from .members_fixtures import withdrawal

pytestmark = pytest.mark.django_db
PERSONAS = ["treasurer", "checker", "supervisor", "member", "other_member", "outsider"]


def as_(client, request, persona):
    return client_for(client, request.getfixturevalue(persona))


def status_of(client, url, method="get", data=None):
    response = getattr(client, method)(url, data or {})
    return response.status_code


@pytest.mark.parametrize(
    ("persona", "expected"),
    [(p, 200) for p in PERSONAS[:5]] + [("outsider", 404)],
)
def test_own_statement_access(client, request, coop, savings, persona, expected):
    response = as_(client, request, persona).get(f"/treasury/{coop.slug}/my-account/")
    assert response.status_code == expected
    if persona == "member":
        assert b"100000" in response.content.replace(b",", b"")


@pytest.mark.parametrize("page", ["disputes", "approvals"])
@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("treasurer", 200),
        ("checker", 200),
        ("supervisor", 200),
        ("member", 403),
        ("other_member", 403),
        ("outsider", 404),
    ],
)
def test_committee_pages_access(client, request, coop, books, page, persona, expected):
    assert status_of(as_(client, request, persona), f"/treasury/{coop.slug}/{page}/") == expected


@pytest.mark.parametrize(
    ("persona", "expected"),
    [(p, 200) for p in PERSONAS[:5]] + [("outsider", 404)],
)
def test_allocations_page_access(client, request, coop, books, persona, expected):
    assert (
        status_of(as_(client, request, persona), f"/treasury/{coop.slug}/allocations/") == expected
    )


@pytest.mark.parametrize(
    ("persona", "expected", "made"),
    [
        ("treasurer", 302, 1),
        ("checker", 403, 0),
        ("supervisor", 403, 0),
        ("member", 403, 0),
        ("other_member", 403, 0),
        ("outsider", 404, 0),
    ],
)
def test_approval_new_access(client, request, coop, savings, persona, expected, made):
    data = {
        "operation": "savings-withdrawal",
        "member": savings.ref,
        "amount": "1,000.00",
        "narration": "School fees",
    }
    url = f"/treasury/{coop.slug}/approvals/new/"
    assert status_of(as_(client, request, persona), url, "post", data) == expected
    assert ApprovalRequest.objects.count() == made


def test_approval_new_refuses_bad_input(client, coop, savings, treasurer):
    client = client_for(client, treasurer)
    url = f"/treasury/{coop.slug}/approvals/new/"
    for amount in ("1,000.005", "-5", "abc", "999999999"):
        data = {"operation": "savings-withdrawal", "member": savings.ref, "amount": amount}
        response = client.post(url, {**data, "narration": "x"}, follow=True)
        assert response.status_code == 200
        assert list(response.context["messages"])
    response = client.post(
        url,
        {"operation": "savings-withdrawal", "member": "99999", "amount": "5", "narration": "x"},
        follow=True,
    )
    assert "99999" in str(list(response.context["messages"])[0])
    assert not ApprovalRequest.objects.exists()


@pytest.mark.parametrize(
    ("persona", "expected", "status"),
    [
        ("treasurer", 403, "checking"),
        ("checker", 302, "posted"),
        ("supervisor", 403, "checking"),
        ("member", 403, "checking"),
        ("other_member", 403, "checking"),
        ("outsider", 404, "checking"),
    ],
)
def test_approval_check_access(
    client, request, coop, treasurer, savings, persona, expected, status
):
    pending = withdrawal(coop, treasurer, savings, amount=1_000_00)
    url = f"/treasury/{coop.slug}/approvals/{pending.pk}/check/"
    client = as_(client, request, persona)
    assert status_of(client, url, "post", {"decision": "approve"}) == expected
    pending.refresh_from_db()
    assert pending.status == status


def _entry_of(savings):
    return statements.movements(savings)[0].entry


@pytest.mark.parametrize(
    ("persona", "expected", "opened"),
    [
        ("treasurer", 302, 0),  # has an account, but the entry is not on it
        ("member", 302, 1),
        ("other_member", 302, 0),
        ("outsider", 404, 0),
    ],
)
def test_dispute_new_access(client, request, coop, savings, persona, expected, opened):
    data = {"entry": _entry_of(savings).code, "reason": "I paid 1,000 not 100,000"}
    url = f"/treasury/{coop.slug}/my-account/dispute/"
    assert status_of(as_(client, request, persona), url, "post", data) == expected
    assert Dispute.objects.count() == opened


@pytest.mark.parametrize(
    ("persona", "expected", "answered"),
    [
        ("treasurer", 403, False),
        ("checker", 403, False),
        ("supervisor", 302, True),
        ("member", 403, False),
        ("other_member", 403, False),
        ("outsider", 404, False),
    ],
)
def test_dispute_answer_access(client, request, coop, savings, member, persona, expected, answered):
    dispute = statements.open_dispute(
        entry=_entry_of(savings), member=savings, actor=member, reason="Not mine", channel="web"
    )
    url = f"/treasury/{coop.slug}/disputes/{dispute.pk}/answer/"
    data = {"answer": "The deposit slip shows 100,000; we show it to you on Friday."}
    assert status_of(as_(client, request, persona), url, "post", data) == expected
    dispute.refresh_from_db()
    assert (dispute.status == "answered") is answered


def test_confirmation_page_only_for_the_member_drawn(
    client, request, coop, treasurer, checker, savings, drawable, rule
):
    pending = withdrawal(coop, treasurer, savings)
    approvals.check_request(request=pending, actor=checker, approve=True)
    confirmation = MemberConfirmation.objects.filter(request=pending).first()
    drawn = confirmation.member.membership.person
    url = f"/treasury/confirm/{confirmation.pk}/"
    for persona in PERSONAS:
        if request.getfixturevalue(persona) != drawn:
            assert status_of(as_(client, request, persona), url) == 404
    page = client_for(client, drawn).get(url)
    assert page.status_code == 200
    assert b"60,000.00 KES" in page.content and b"school fees" in page.content
    assert client.post(url, {"answer": "yes"}).status_code == 302
    confirmation.refresh_from_db()
    assert confirmation.answer == "yes" and confirmation.channel == "web"
