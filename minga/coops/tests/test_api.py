import pytest


@pytest.mark.django_db
def test_it_lists_cooperatives_with_filters(client, coop):
    data = client.get("/api/coops/").json()
    assert data["count"] == 1
    item = data["items"][0]
    assert item["slug"] == coop.slug
    assert item["country"] == "RW"
    assert item["languages"] == ["rw", "fr", "en"]
    assert item["did"] == f"did:web:testserver:coops:{coop.slug}"
    assert client.get("/api/coops/?country=ke").json()["count"] == 0
    assert client.get("/api/coops/?language=fr").json()["count"] == 1


@pytest.mark.django_db
def test_it_rejects_bad_filters_with_422(client):
    assert client.get("/api/coops/?sector=mining").status_code == 422
    assert client.get("/api/coops/?limit=-1").status_code == 422


@pytest.mark.django_db
def test_it_gets_one_cooperative_or_404(client, coop):
    assert client.get(f"/api/coops/{coop.slug}").json()["name"] == coop.name
    assert client.get("/api/coops/nope").status_code == 404


@pytest.mark.django_db
def test_it_counts_per_country(client, coop):
    assert client.get("/api/coops/countries").json() == [
        {"code": "RW", "name": "Rwanda", "cooperatives": 1}
    ]


@pytest.mark.django_db
def test_it_publishes_an_openapi_document(client):
    spec = client.get("/api/openapi.json").json()
    assert "/api/coops/" in spec["paths"]
