"""Demo agent for `minga demo` (idempotent: skipped once Mwangaza has an agent; runs after the
treasury's demo, which opens Mwangaza's books).

Mwangaza's field agent (demo) takes cash in the villages for members without a phone: the
treasurer allocated KES 30,000 of float in February 2026 (approved by the board), members
deposited and withdrew through the agent, confirmed with their PIN on the agent's phone, a
withdrawal the member never confirmed was cancelled, and the agent's evening cash count came
KES 50 short: the cash counts page shows it.
"""

from __future__ import annotations

from minga.accounts.demo import person as demo_person
from minga.coops.models import Membership
from minga.core.demo import replay_at
from minga.decisions import delegation
from minga.decisions.models import VotingPin
from minga.treasury import approvals
from minga.treasury.demo import KES, MWANGAZA, _join, at
from minga.treasury.models import Books, MemberAccount

from . import actions
from .models import Agent

PIN = "24680"


def load(*, people, coops, stdout) -> None:
    coop = coops[MWANGAZA]
    if not Books.objects.filter(coop=coop).exists() or Agent.objects.filter(coop=coop).exists():
        return
    board = people["ke-treasurer"]  # the founder: an administrator, who checks
    treasurer = Membership.objects.get(coop=coop, role=Membership.Role.TREASURER).person
    with replay_at(at(2026, 2, 20)):
        person = demo_person(
            "Mwangaza field agent (demo)", "agent@mwangaza.demo.minga.coop", "+254712200050"
        )
        _join(coop, board, person, Membership.Role.MEMBER)
        if not VotingPin.objects.filter(person=person).exists():
            delegation.set_voting_pin(person=person, pin=PIN, actor=person)
        agent = actions.register_agent(
            coop=coop, actor=treasurer, user=person, phone="+254712200050"
        )
        movement = actions.request_float(
            agent=agent, actor=treasurer, kind="allocation", amount=30_000 * KES
        )
    with replay_at(at(2026, 2, 20, 15)):
        approvals.check_request(request=movement.request, actor=board, approve=True)
    members = list(
        MemberAccount.objects.filter(coop=coop, membership__role=Membership.Role.MEMBER)
        .exclude(membership__person=person)
        .select_related("membership__person")
        .order_by("ref")[:3]
    )
    for member in members:
        owner = member.membership.person
        if not VotingPin.objects.filter(person=owner).exists():
            delegation.set_voting_pin(person=owner, pin=PIN, actor=owner)
    story = [
        (at(2026, 2, 23, 9), members[0], "deposit", 2_500 * KES, True),
        (at(2026, 2, 23, 11), members[1], "withdrawal", 1_200 * KES, True),
        (at(2026, 2, 24, 10), members[2], "deposit", 4_000 * KES, True),
        (at(2026, 2, 24, 12), members[1], "withdrawal", 800 * KES, False),
    ]
    for moment, member, kind, amount, confirmed in story:
        with replay_at(moment):
            txn = actions.start_transaction(
                agent=agent, actor=person, kind=kind, member_ref=member.ref, amount=amount
            )
            if confirmed:
                actions.confirm_transaction(txn=txn, actor=person, pin=PIN)
            else:
                actions.cancel_transaction(txn=txn, actor=person)
    with replay_at(at(2026, 2, 24, 18)):
        held = actions.float_balance(agent)
        actions.declare_count(agent=agent, actor=person, counted=held - 50 * KES)
    stdout.write(
        "Agents demo: Mwangaza field agent (agent@mwangaza.demo.minga.coop) with KES 30,000 "
        "of float, four transactions and a cash count KES 50 short on 2026-02-24."
    )
