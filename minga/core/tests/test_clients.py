"""Client addresses through trusted reverse proxies only (`minga.core.clients`)."""

import pytest
from django.test import RequestFactory

from minga.core.clients import client_address

PROXY = "10.0.0.5"


def request(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.fixture(autouse=True)
def _trusted(settings):
    settings.MINGA_TRUSTED_PROXIES = ["10.0.0.0/24", "2001:db8::/32"]


def test_it_reads_the_client_behind_a_trusted_proxy():
    assert client_address(request(PROXY, "197.243.1.7")) == "197.243.1.7"


def test_it_ignores_the_header_from_an_untrusted_peer():
    assert client_address(request("197.243.1.7", "203.0.113.9")) == "197.243.1.7"


def test_it_does_not_believe_hops_a_client_made_up():
    # The client wrote the first two; only the proxy's own hop (the last) is believed.
    chain = "1.2.3.4, 10.0.0.9, 197.243.1.7"
    assert client_address(request(PROXY, chain)) == "197.243.1.7"


def test_it_steps_over_a_chain_of_trusted_proxies():
    assert client_address(request(PROXY, "197.243.1.7, 10.0.0.7")) == "197.243.1.7"
    assert client_address(request("2001:db8::1", "2c0f:fe38::5")) == "2c0f:fe38::5"


def test_it_keeps_the_peer_when_the_chain_is_garbled_or_absent():
    assert client_address(request(PROXY, "not-an-address")) == PROXY
    assert client_address(request(PROXY)) == PROXY
    assert client_address(request(PROXY, "10.0.0.7")) == "10.0.0.7"


def test_it_trusts_nobody_by_default(settings):
    settings.MINGA_TRUSTED_PROXIES = []
    assert client_address(request(PROXY, "197.243.1.7")) == PROXY
