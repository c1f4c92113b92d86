import csv
import io

import pytest
from django.urls import reverse

from minga.events.models import ProposalVersion

from .conftest import ANNOUNCED, at


@pytest.mark.django_db
def test_it_exports_the_ranking_as_csv(event, teams, scored, client):
    with at(ANNOUNCED):
        response = client.get(reverse("judging:results-csv", args=[event.slug]))
    assert response["Content-Type"].startswith("text/csv")
    assert "virtual-coop-a-thon-results.csv" in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert [r["team"] for r in rows] == ["Team Umoja", "Team Sur", "Team Kaveri", "Team Prairie"]
    assert rows[0]["rank"] == "1" and rows[0]["prize"] == "A .coop domain for one year"
    assert rows[0]["criterion:Relevance to the need"] == "5.0000"
    assert rows[0]["jurors"] == "3"
    assert float(rows[0]["score"]) > float(rows[3]["score"])


@pytest.mark.django_db
def test_it_keeps_spreadsheet_formulas_out(event, teams, scored, client):
    ProposalVersion.objects.filter(proposal__team=teams[0]).update(title="=HYPERLINK(1)")
    with at(ANNOUNCED):
        content = client.get(reverse("judging:results-csv", args=[event.slug])).content.decode()
    assert "'=HYPERLINK(1)" in content
