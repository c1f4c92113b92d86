"""Mobile money behind one interface: the providers' callbacks, stored raw first and confirmed
by a status query before anything is booked; requests to pay and disbursements.

An app receives the payments of its accounts by registering a handler from its AppConfig.ready
(`register_handler("coop", handler)`, see `inbox.PaymentHandler`); it starts a payment with
`start(...)`. Channels imports no app: an account's `owner` (`coop:12`) is the app's own name
for whose money it is. Modules: `providers` (the interface, M-PESA Daraja, MTN MoMo),
`inbox` (callbacks, queries, settlement), `standin` (the providers' stand-in for tests and the
demo), `amounts` (pure: amounts to minor units), `views` (the callback endpoints).
"""

from .inbox import Booking, PaymentHandler, register_handler, start

__all__ = ["Booking", "PaymentHandler", "register_handler", "start"]
