import pytest
from django.core.exceptions import ImproperlyConfigured

from minga.channels import handlers, inbound
from minga.decisions import sms, ussd
from minga.identity.keys import master_key


def test_it_hands_inbound_messages_to_what_the_apps_registered():
    assert handlers.ussd_menu() is ussd.respond
    assert handlers.sms_handler() is sms.respond
    assert handlers.secret() == master_key()


def test_it_names_the_app_a_missing_handler_belongs_to(monkeypatch):
    monkeypatch.setattr(handlers, "_registered", {})
    with pytest.raises(ImproperlyConfigured, match="decisions app"):
        handlers.ussd_menu()
    with pytest.raises(ImproperlyConfigured, match="accounts app"):
        handlers.language_of("+250788000111")


@pytest.mark.django_db
def test_it_answers_in_the_site_language_for_an_unknown_phone(settings):
    settings.LANGUAGE_CODE = "fr"
    assert inbound.language_of("+250788999999") == "fr"
