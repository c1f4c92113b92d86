import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import translation

from conftest import client_of
from minga.audit.models import Entry
from minga.events.tests.conftest import DUE
from minga.judging import actions
from minga.judging.models import Criterion

from .conftest import BUILDING, SECOND, at


def _post(labels_and_weights, *, extra_key=""):
    data = {
        "criteria-TOTAL_FORMS": str(len(labels_and_weights)),
        "criteria-INITIAL_FORMS": "0",
        "criteria-MIN_NUM_FORMS": "0",
        "criteria-MAX_NUM_FORMS": "12",
    }
    for n, (key, name, weight) in enumerate(labels_and_weights):
        data.update(
            {
                f"criteria-{n}-key": key,
                f"criteria-{n}-name": name,
                f"criteria-{n}-description": "",
                f"criteria-{n}-weight": str(weight),
            }
        )
    return data


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("organiser", 200), ("juror", 403), ("registrant", 403), ("outsider", 403), (None, 302)],
)
def test_it_shows_the_rubric_form_to_organisers_only(event, jurors, who, status, request):
    someone = request.getfixturevalue(who) if who else None
    with at(BUILDING):
        response = client_of(someone).get(reverse("judging:rubric", args=[event.slug]))
    assert response.status_code == status


@pytest.mark.django_db
def test_it_saves_a_weighted_rubric_before_judging(event, organiser_client):
    data = _post(
        [
            ("relevance", "Relevance to the need", 40),
            ("feasibility", "Works on a basic phone", 40),
            ("", "Open licence", 20),
        ]
    )
    with at(DUE - SECOND):
        response = organiser_client.post(reverse("judging:rubric", args=[event.slug]), data)
    assert response.status_code == 302
    criteria = list(Criterion.objects.filter(event=event))
    assert [(c.key, c.name, c.weight) for c in criteria] == [
        ("relevance", "", 40),  # unchanged default: shown in each reader's language
        ("feasibility", "Works on a basic phone", 40),
        ("", "Open licence", 20),
    ]
    with translation.override("es"):
        assert str(criteria[0].label) != "Relevance to the need"
    assert Entry.objects.filter(kind="jury.rubric_saved").count() == 1


@pytest.mark.django_db
def test_it_fixes_the_rubric_when_judging_opens(event, organiser, organiser_client):
    with at(DUE):
        with pytest.raises(ValidationError, match="can no longer change"):
            actions.save_rubric(
                event=event, actor=organiser, criteria=[{"key": "", "name": "X", "weight": 1}]
            )
        page = organiser_client.get(reverse("judging:rubric", args=[event.slug])).text
    assert "the rubric is fixed" in page
    assert not Criterion.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "criteria",
    [
        [],
        [{"key": "", "name": "", "weight": 10}],
        [{"key": "quality", "weight": 10}, {"key": "quality", "weight": 10}],
        [{"key": "", "name": "Speed", "weight": 0}],
    ],
)
def test_it_refuses_a_broken_rubric(event, organiser, criteria):
    with at(BUILDING), pytest.raises(ValidationError):
        actions.save_rubric(event=event, actor=organiser, criteria=criteria)
    assert not Criterion.objects.exists()
