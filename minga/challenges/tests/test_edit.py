import pytest
from django.urls import reverse

from conftest import client_of
from minga.audit.models import Entry
from minga.challenges.models import Need


def url(need, step):
    return reverse("challenges:edit", args=[need.pk, step])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 403), ("organiser", 403), ("member", 200), ("owner", 200)],
)
def test_it_lets_only_members_edit(request, draft, federation, who, status):
    client = request.getfixturevalue("client")
    if who != "anonymous":
        client = client_of(request.getfixturevalue(who))
    for step in (1, 2, 3, 4):
        assert client.get(url(draft, step)).status_code == status
    client.post(url(draft, 2), {"scope": "Mine now"})
    draft.refresh_from_db()
    assert (draft.scope == "Mine now") == (status == 200)


@pytest.mark.django_db
def test_it_refuses_unknown_steps(member_client, draft):
    assert member_client.get(f"/needs/{draft.pk}/edit/5/").status_code == 404


@pytest.mark.django_db
def test_it_saves_an_incomplete_step(member_client, draft):
    response = member_client.post(url(draft, 2), {"scope": "One SMS flow", "constraint_kinds": []})
    assert response.status_code == 302
    assert response["Location"] == url(draft, 2)
    draft.refresh_from_db()
    assert draft.scope == "One SMS flow"
    assert (draft.current_practice, draft.success, draft.status) == ("", "", Need.Status.DRAFT)


@pytest.mark.django_db
@pytest.mark.parametrize(("step", "goes_to"), [(1, "edit/2/"), (3, "edit/4/"), (4, "submit/")])
def test_it_goes_to_the_next_step_on_continue(member_client, draft, step, goes_to):
    data = {"title": draft.title, "language": "en", "continue": "1"}
    if step == 3:
        data.update({"documents-TOTAL_FORMS": "0", "documents-INITIAL_FORMS": "0"})
    response = member_client.post(url(draft, step), data)
    assert response["Location"] == f"/needs/{draft.pk}/{goes_to}"


@pytest.mark.django_db
def test_it_keeps_other_steps_when_saving_one(member_client, draft):
    member_client.post(url(draft, 1), {"title": "Deliveries", "language": "en", "problem": "P"})
    member_client.post(url(draft, 4), {"adopter": "The union"})
    draft.refresh_from_db()
    assert (draft.title, draft.problem, draft.adopter) == ("Deliveries", "P", "The union")


def documents(*rows, initial=0):
    data = {"documents-TOTAL_FORMS": str(len(rows)), "documents-INITIAL_FORMS": str(initial)}
    for index, row in enumerate(rows):
        data.update({f"documents-{index}-{name}": value for name, value in row.items()})
    return data


@pytest.mark.django_db
def test_it_adds_changes_and_removes_documents(member_client, draft, member):
    data = {"owner": member.pk, "owner_timezone": "Africa/Kigali", "owner_hours": "mornings"}
    rows = [
        {"title": "Notebook scan", "licence": "CC-BY-4.0", "sensitivity": "public"},
        {"title": "Member register", "licence": "event-only", "sensitivity": "personal"},
        {"title": "", "licence": "", "sensitivity": ""},
    ]
    assert member_client.post(url(draft, 3), {**data, **documents(*rows)}).status_code == 302
    assert [d.title for d in draft.documents.all()] == ["Notebook scan", "Member register"]
    first, second = draft.documents.all()
    rows = [
        {
            "id": first.pk,
            "title": "Notebook scans",
            "licence": "CC-BY-4.0",
            "sensitivity": "public",
        },
        {"id": second.pk, "title": "Member register", "DELETE": "on"},
    ]
    member_client.post(url(draft, 3), {**data, **documents(*rows, initial=2)})
    assert [d.title for d in draft.documents.all()] == ["Notebook scans"]
    draft.refresh_from_db()
    assert (draft.owner_timezone, draft.owner_hours) == ("Africa/Kigali", "mornings")


@pytest.mark.django_db
def test_it_refuses_bad_values_and_saves_nothing(member_client, draft, outsider):
    data = {
        "owner": outsider.pk,
        "owner_timezone": "Mars/Olympus",
        "owner_hours": "mornings",
        **documents({"title": "Scan", "url": "not a link"}),
    }
    response = member_client.post(url(draft, 3), data)
    assert response.status_code == 200
    assert set(response.context["form"].errors) == {"owner", "owner_timezone"}
    assert response.context["documents"].errors[0]["url"]
    draft.refresh_from_db()
    assert (draft.owner_hours, draft.documents.count()) == ("", 0)


@pytest.mark.django_db
def test_it_stops_editing_once_submitted(owner_client, submitted):
    response = owner_client.get(url(submitted, 1))
    assert response.status_code == 302
    assert response["Location"] == submitted.get_absolute_url()
    owner_client.post(url(submitted, 2), {"scope": "Changed after submission"})
    submitted.refresh_from_db()
    assert submitted.scope != "Changed after submission"


@pytest.mark.django_db
def test_it_records_which_fields_changed_but_not_their_text(member_client, draft):
    member_client.post(url(draft, 2), {"scope": "Confidential scope", "success": "S"})
    member_client.post(url(draft, 2), {"scope": "Confidential scope", "success": "S"})
    entries = Entry.objects.filter(kind="need.draft_saved")
    assert entries.count() == 1
    body = bytes(entries.get().body)
    assert b'"fields":["scope","success"]' in body
    assert b"Confidential" not in body
