import pytest

from minga.coops import actions, registry
from minga.identity.actions import generate_coop_key


def test_it_runs_identity_s_first_key_step():
    assert generate_coop_key in registry.founding_steps()


@pytest.mark.django_db
def test_it_founds_a_cooperative_with_every_registered_step(monkeypatch, outsider):
    seen = []
    monkeypatch.setattr(registry, "_founding", {"probe": lambda **kw: seen.append(kw)})
    coop = actions.create_cooperative(
        actor=outsider, name="Probe Coop", legal_form="worker", country="KE", sector="it"
    )
    assert seen == [{"coop": coop, "actor": outsider}]
    assert not coop.keys.exists()
