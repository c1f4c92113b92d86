"""Request bodies over MINGA_MAX_REQUEST_BYTES are refused with 413 before they are read.

Before, a 300 MB body was taken in whole (spooled to disk by the upload handlers, read by
the CSRF check) and only then refused by a form.
"""

import io

import pytest
from django.test import override_settings

from minga.core.uploads import MAX_BYTES, MAX_FILES


class EndlessBody(io.RawIOBase):
    """A body that never ends, counting what was read of it."""

    def __init__(self):
        self.read_bytes = 0

    def readable(self):
        return True

    def readinto(self, buffer):
        self.read_bytes += len(buffer)
        buffer[:] = b"a" * len(buffer)
        return len(buffer)


class UnreadableBody(io.RawIOBase):
    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the body was read")


def _chunked(client, path, stream, **extra):
    """A POST whose body arrives chunked: no Content-Length, as a WSGI server passes it."""
    return client.generic(
        "POST",
        path,
        b"",
        CONTENT_TYPE="application/x-www-form-urlencoded",
        HTTP_TRANSFER_ENCODING="chunked",
        **{"wsgi.input": stream},
        **extra,
    )


def test_it_leaves_room_for_the_largest_legitimate_upload(settings):
    # A proposal with all its attachments, and its text and envelope beside them.
    assert settings.MINGA_MAX_REQUEST_BYTES >= MAX_FILES * MAX_BYTES * 1.2
    assert settings.MINGA_MAX_REQUEST_BYTES < 300 * 1000 * 1000


@pytest.mark.django_db
def test_it_refuses_a_declared_oversized_body_without_reading_it(client):
    response = client.generic(
        "POST",
        "/accounts/login/",
        b"",
        CONTENT_LENGTH=str(300 * 1000 * 1000),
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert "128.0\xa0MB" in response.content.decode()
    assert response["X-Content-Type-Options"] == "nosniff"  # still a page Minga answers


@pytest.mark.django_db
def test_it_answers_in_the_visitors_language(client):
    response = client.generic(
        "POST",
        "/accounts/login/",
        b"",
        CONTENT_LENGTH=str(300 * 1000 * 1000),
        HTTP_ACCEPT_LANGUAGE="fr",
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert 'lang="fr"' in response.content.decode()
    assert "Requête trop volumineuse" in response.content.decode()


@pytest.mark.django_db
def test_it_answers_the_json_api_in_json(client):
    response = client.generic(
        "POST",
        "/api/vc/credentials/verify",
        b"",
        CONTENT_TYPE="application/json",
        CONTENT_LENGTH=str(10**9),
        HTTP_ACCEPT_LANGUAGE="es",
        **{"wsgi.input": UnreadableBody()},
    )
    assert response.status_code == 413
    assert "solicitud" in response.json()["detail"]


@pytest.mark.django_db
@override_settings(MINGA_MAX_REQUEST_BYTES=100_000)
def test_it_stops_reading_a_chunked_body_past_the_limit(client):
    body = EndlessBody()
    response = _chunked(client, "/accounts/login/", body)
    assert response.status_code == 413
    assert body.read_bytes <= 100_000 + 64 * 1024


@pytest.mark.django_db
@override_settings(MINGA_MAX_REQUEST_BYTES=100_000)
def test_it_hands_a_small_chunked_body_to_the_view(client):
    stream = io.BytesIO(b"q=Maraba&sector=agriculture")
    response = _chunked(client, "/accounts/login/", stream)
    assert response.status_code == 200
    assert response.wsgi_request.POST["q"] == "Maraba"


@pytest.mark.django_db
@override_settings(MINGA_MAX_REQUEST_BYTES=1000)
def test_it_accepts_a_body_within_the_limit(client):
    response = client.post("/accounts/login/", {"username": "a", "password": "b"})
    assert response.status_code == 200
