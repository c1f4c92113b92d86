"""Voting for others and by other means: statutes, voting PINs, proxies, agents, paper counts.

A sub-package of decisions: `actions` (statutes, PINs, proxies, agents), `paper` (paper
counts), and their `forms`, `views` and `urls` (included by `decisions.urls`, so the pages keep
their addresses). Every change is atomic and audited, like `decisions.actions`, and checks its
actor itself through `decisions.permissions`; the votes themselves always go through
`decisions.actions.cast_ballot`, so its checks hold whoever records the vote. Other apps reach
the actions through the names this package exports.

Rules, as the statutes and the issue set them:

- **Voting PIN.** Five to eight digits for a new PIN (four-digit PINs set earlier keep working
  until changed, and the USSD menu asks their owner to change them), hashed with Django's
  password hashers. Five wrong tries lock it for fifteen minutes, and each further lock in a
  row lasts twice as long as the one before (up to a day), so guessing even a four-digit PIN
  takes years; a right PIN clears the count and the escalation. Only the number on the
  member's account reaches their PIN prompt, and whoever locks a PIN (someone holding the phone,
  a spoofed number) cannot keep its owner out: the owner sends UNLOCK by SMS and gets a
  six-digit code on their own phone (one at a time, valid fifteen minutes, three tries), which
  lifts the lock; a signed-in member may also simply set a new PIN.
- **Proxies.** A member appoints another elector of the same poll. The holder may hold at most
  the statutes' `max_proxies_per_holder` live proxies in that poll (pending ones count, so
  confirmations can never overshoot); the holder's elector row is locked while counting, so
  simultaneous appointments cannot pass the cap together. No chains: someone who gave their
  vote away cannot hold proxies, and a holder cannot give theirs away. A member with a phone
  confirms by SMS ("PROXY <code>") or on USSD; one without a phone confirms by signing in, which
  is their only factor. The code is stored hashed; five wrong codes lock the member's code
  confirmations for fifteen minutes, doubling with each further five. The member may revoke
  until the poll closes. The member's own vote always wins: once they voted themselves the
  holder can no longer vote for them, and if the holder voted first, the member's later vote
  replaces the holder's (the last ballot counts).
  Revoking after the holder voted stops the holder from voting again but does not remove the
  ballot already cast (in a secret poll nobody may look at it); the member removes it by
  voting themselves before the close.
- **Agents.** Registered by a cooperative's administrators, for members without a phone (an
  agent cannot vote for someone who has a phone: that member votes themselves). The agent
  names a witness present at the vote, and the receipt code is the confirmation the member
  keeps: the agent writes it on a paper slip or reads it out, and when the member gives a
  relative's number, an SMS sends it there too. With it the member checks that their ballot is
  counted (the poll's receipt check), and until the close they can change the vote through any
  channel (another agent, a proxy, their own sign-in): the last ballot counts. The agent, the
  member, the witness and the relative's number are in the audit log as commitments.
- **Paper counts** (`paper`). One teller (an administrator, secretary or board member)
  enters a meeting's counts and its attendance register (the electors who voted on paper); another
  teller confirms or rejects it. Electors who already voted online cannot be on the register,
  and at confirmation each of them gets a paper participation, so they cannot vote online
  afterwards; the count becomes `Ballot(is_paper=True)` rows, one per option (or per ranking)
  with the count as weight, never more ballots than people on the register.
"""

from ..queries import own_elector
from .actions import (
    LIVE_PROXY,
    PIN_ATTEMPTS,
    PROXY_CODE_ATTEMPTS,
    SHORT_PIN,
    UNLOCK_CODE_TRIES,
    DelegationError,
    PinCheck,
    appoint_proxy,
    check_pin_format,
    check_voting_pin,
    confirm_proxy,
    confirm_proxy_by_code,
    deregister_agent,
    lock_for,
    pending_proxies_of,
    phoneless_electors,
    proxies_held,
    record_agent_vote,
    register_agent,
    revoke_proxy,
    send_pin_unlock_code,
    set_voting_pin,
    statutes_of,
    unlock_voting_pin,
    update_statutes,
    vote_as_proxy,
    voted_on_paper,
)

__all__ = [
    "LIVE_PROXY",
    "PIN_ATTEMPTS",
    "PROXY_CODE_ATTEMPTS",
    "SHORT_PIN",
    "UNLOCK_CODE_TRIES",
    "DelegationError",
    "PinCheck",
    "appoint_proxy",
    "check_pin_format",
    "check_voting_pin",
    "confirm_proxy",
    "confirm_proxy_by_code",
    "deregister_agent",
    "lock_for",
    "own_elector",
    "pending_proxies_of",
    "phoneless_electors",
    "proxies_held",
    "record_agent_vote",
    "register_agent",
    "revoke_proxy",
    "send_pin_unlock_code",
    "set_voting_pin",
    "statutes_of",
    "unlock_voting_pin",
    "update_statutes",
    "vote_as_proxy",
    "voted_on_paper",
]
