import pytest

from minga.challenges import actions
from minga.challenges.models import Need

from .conftest import make_need


@pytest.mark.django_db
def test_it_lists_only_accepted_needs(client, coop, owner, organiser, accepted):
    make_need(coop, owner, title="A draft")
    make_need(coop, owner, status=Need.Status.DECLINED, organiser=organiser, title="Declined")
    data = client.get("/api/needs/").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["id"] == accepted.pk
    assert (item["country"], item["world_region"], item["theme"]) == ("RW", "africa", "access")
    assert item["coop"] == {"slug": coop.slug, "name": coop.name}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("query", "count"),
    [
        ("?theme=access", 1),
        ("?theme=fintech", 0),
        ("?world_region=africa", 1),
        ("?country=rw", 1),
        ("?country=KE", 0),
        ("?sector=agriculture", 1),
        ("?region=Southern+Province", 1),
        ("?q=cherry", 1),
    ],
)
def test_it_filters(client, accepted, query, count):
    assert client.get("/api/needs/" + query).json()["count"] == count


@pytest.mark.django_db
def test_it_rejects_bad_filters_with_422(client):
    assert client.get("/api/needs/?theme=mining").status_code == 422
    assert client.get("/api/needs/?world_region=mars").status_code == 422


@pytest.mark.django_db
def test_it_gives_one_need_with_its_translations(client, accepted, translator):
    actions.translate_need(
        need=accepted, actor=translator, language="fr", texts={"title": "Livraisons par SMS"}
    )
    data = client.get(f"/api/needs/{accepted.pk}").json()
    assert data["how_might_we"] == accepted.how_might_we
    assert data["licences"] == ["AGPL-3.0-or-later"]
    assert data["expert"] == {
        "name": "Washing-station manager",
        "timezone": "Africa/Kigali",
        "hours": "Weekdays 14:00-16:00",
    }
    assert data["translations"] == ["fr"]
    assert data["translated"][0]["title"] == "Livraisons par SMS"


@pytest.mark.django_db
def test_it_hides_needs_that_are_not_accepted(client, draft, submitted, declined):
    for need in (draft, submitted, declined):
        assert client.get(f"/api/needs/{need.pk}").status_code == 404
    assert client.get("/api/needs/999").status_code == 404


@pytest.mark.django_db
def test_it_gives_links_only_to_public_documents(client, coop, owner, organiser, federation):
    need = make_need(coop, owner, complete=True)
    need = actions.save_need_draft(
        need=need,
        actor=owner,
        changes={},
        documents=[
            {"title": "A", "url": "https://e.org/a", "licence": "CC0-1.0", "sensitivity": "public"},
            {"title": "B", "url": "https://e.org/b", "licence": "CC0-1.0", "sensitivity": "teams"},
        ],
    )
    need = actions.accept_need(need=actions.submit_need(need=need, actor=owner), actor=organiser)
    documents = client.get(f"/api/needs/{need.pk}").json()["documents"]
    assert [(d["title"], d["url"]) for d in documents] == [("A", "https://e.org/a"), ("B", "")]


@pytest.mark.django_db
def test_it_documents_the_endpoints(client):
    paths = client.get("/api/openapi.json").json()["paths"]
    assert "/api/needs/" in paths
    assert "/api/needs/{need_id}" in paths
    assert {"200", "422"} <= set(paths["/api/needs/"]["get"]["responses"])
    assert {"200", "404"} <= set(paths["/api/needs/{need_id}"]["get"]["responses"])


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    ["?limit=101", "?limit=0", f"?limit={2**64}", f"?offset={2**63}"],
)
def test_it_refuses_pages_and_text_the_database_could_not_take(client, query):
    assert client.get("/api/needs/" + query).status_code == 422


@pytest.mark.django_db
@pytest.mark.parametrize("query", ["?q=%00", "?region=a%00b"])
def test_it_refuses_nul_characters_before_they_reach_the_database(client, query):
    assert client.get("/api/needs/" + query).status_code == 400


@pytest.mark.django_db
@pytest.mark.parametrize("need_id", ["0", "-1", str(2**63), str(2**70)])
def test_it_answers_404_for_ids_no_need_can_have(client, need_id):
    assert client.get(f"/api/needs/{need_id}").status_code in {404, 422}
