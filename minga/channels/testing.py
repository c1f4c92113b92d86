"""Test helpers for the channels every app's tests drive: a phone in a USSD session.

Imported by tests only (never by the running platform)."""

from __future__ import annotations

from typing import Any

from .handlers import USSD_SCREEN

USSD_URL = "/channels/africastalking/ussd"


class UssdPhone:
    """A phone in one USSD session, through the provider's callback: each `send` adds inputs
    and posts the whole text so far, as Africa's Talking does; every answer is checked to be a
    well-formed USSD screen."""

    def __init__(
        self, client: Any, phone: str, session: str = "ATUid_1", network: str = "63510"
    ) -> None:
        self.client, self.phone, self.session, self.network = client, phone, session, network
        self.inputs: list[str] = []

    def post(self, text: str) -> str:
        response = self.client.post(
            USSD_URL,
            {
                "sessionId": self.session,
                "serviceCode": "*384*123#",
                "phoneNumber": self.phone,
                "networkCode": self.network,
                "text": text,
            },
        )
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/plain")
        body = response.content.decode()
        assert body.startswith(("CON ", "END ")), body
        assert len(body) <= USSD_SCREEN, (len(body), body)
        return body

    def dial(self) -> str:
        self.inputs = []
        return self.post("")

    def send(self, *values: str) -> str:
        self.inputs.extend(values)
        return self.post("*".join(self.inputs))
