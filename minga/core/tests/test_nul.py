import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/coops/?q=a%00b", "/api/coops/?country=%00", "/api/coops/a%00b", "/needs/?q=%00"]
)
def test_it_refuses_nul_characters_with_a_clear_400(client, url):
    response = client.get(url)
    assert response.status_code == 400
    assert b"NUL character" in response.content


@pytest.mark.django_db
def test_it_refuses_nul_characters_in_json_bodies(client):
    response = client.post("/api/coops/", '{"q": "\\u0000"}', content_type="application/json")
    assert response.status_code == 400


@pytest.mark.django_db
def test_it_answers_in_the_visitors_language(client):
    response = client.get("/coops/?q=%00", HTTP_ACCEPT_LANGUAGE="es")
    assert "carácter NUL" in response.content.decode()


@pytest.mark.django_db
def test_it_answers_the_json_api_in_its_own_error_shape(client):
    response = client.get("/api/coops/?country=%00", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/json"
    assert "NUL" in response.json()["detail"]
