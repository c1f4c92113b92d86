"""Pages read a fixed number of queries however many teams and people an event has."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from conftest import make_person
from minga.events import actions

from .conftest import DURING_REGISTRATION, at, client_of, register


def grow(event, start: int, count: int) -> None:
    for n in range(start, start + count):
        person = make_person(f"Person {n}", f"person{n}@example.org")
        registration = register(event, person, languages=["en"], skills=["ux"])
        with at(DURING_REGISTRATION):
            actions.create_team(registration=registration, actor=person, name=f"Team {n}")


def queries(client, url) -> int:
    with at(DURING_REGISTRATION), CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "page", ["events:teams", "events:registrations", "events:detail", "events:list"]
)
def test_it_reads_a_fixed_number_of_queries(event, organiser, page):
    client = client_of(organiser)
    url = reverse(page, args=[] if page == "events:list" else [event.slug])
    grow(event, 0, 3)
    few = queries(client, url)
    grow(event, 3, 12)
    assert queries(client, url) == few
