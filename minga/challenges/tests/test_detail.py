import pytest

from conftest import client_of
from minga.challenges import actions

from .conftest import make_need

ACCESS = {
    # status: (anonymous, outsider, member, owner, organiser)
    "draft": (302, 403, 200, 200, 200),
    "submitted": (302, 403, 200, 200, 200),
    "changes-requested": (302, 403, 200, 200, 200),
    "declined": (302, 403, 200, 200, 200),
    "accepted": (200, 200, 200, 200, 200),
}
PERSONAS = ("anonymous", "outsider", "member", "owner", "organiser")


@pytest.mark.django_db
@pytest.mark.parametrize("status", ACCESS)
def test_it_shows_drafts_and_undecided_needs_only_to_the_coop_and_organisers(
    request, coop, owner, organiser, federation, status
):
    need = make_need(coop, owner, status=status, organiser=organiser)
    for who, expected in zip(PERSONAS, ACCESS[status], strict=True):
        client = request.getfixturevalue("client")
        if who != "anonymous":
            client = client_of(request.getfixturevalue(who))
        response = client.get(need.get_absolute_url())
        assert response.status_code == expected, who
        if who == "anonymous" and expected == 302:
            assert "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_it_shows_the_needs_answers(client, accepted):
    content = client.get(accepted.get_absolute_url()).content.decode()
    for text in (
        accepted.title,
        accepted.how_might_we,
        accepted.problem,
        accepted.scope,
        "Basic phones (calls, SMS, USSD)",
        "Washing-station manager",
        "Africa/Kigali",
        "GNU AGPL 3.0 or later",
        "Abahuzamugambi Coffee Cooperative",
    ):
        assert text in content


DOCUMENTS = [
    {"title": "Scan", "url": "https://e.org/scan", "licence": "CC0-1.0", "sensitivity": "public"},
    {
        "title": "Register",
        "url": "https://e.org/register",
        "licence": "event-only",
        "sensitivity": "personal",
    },
]


@pytest.mark.django_db
def test_it_links_only_public_documents_for_the_public(
    client, member, coop, owner, organiser, federation
):
    need = make_need(coop, owner, complete=True)
    need = actions.save_need_draft(need=need, actor=owner, changes={}, documents=DOCUMENTS)
    need = actions.submit_need(need=need, actor=owner)
    need = actions.accept_need(need=need, actor=organiser)
    public = client.get(need.get_absolute_url()).content.decode()
    assert "https://e.org/scan" in public
    assert "https://e.org/register" not in public
    assert "Register" in public
    insider = client_of(member).get(need.get_absolute_url()).content.decode()
    assert "https://e.org/register" in insider


@pytest.mark.django_db
def test_it_shows_the_decision_form_only_to_organisers_of_submitted_needs(
    submitted, organiser, federation, owner
):
    assert client_of(organiser).get(submitted.get_absolute_url()).context["review_form"]
    assert client_of(owner).get(submitted.get_absolute_url()).context["review_form"] is None


@pytest.mark.django_db
def test_it_shows_why_a_need_was_declined_to_its_cooperative(member_client, declined):
    content = member_client.get(declined.get_absolute_url()).content.decode()
    assert "Needs the provider." in content


@pytest.mark.django_db
def test_it_answers_404_for_unknown_needs(client):
    assert client.get("/needs/999/").status_code == 404


@pytest.mark.django_db
def test_it_reads_a_need_in_a_few_queries(client, member, accepted, django_assert_max_num_queries):
    with django_assert_max_num_queries(8):
        client.get(accepted.get_absolute_url())
    member_client = client_of(member)
    with django_assert_max_num_queries(16):
        member_client.get(accepted.get_absolute_url())


@pytest.mark.django_db
@pytest.mark.parametrize("lang", ["xx", "", "es"])
def test_it_ignores_languages_it_does_not_know(client, accepted, lang):
    response = client.get(f"{accepted.get_absolute_url()}?lang={lang}")
    assert response.status_code == 200
    assert accepted.problem in response.content.decode()
