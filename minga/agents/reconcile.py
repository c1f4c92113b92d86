"""What the daily reconciliation reads of agents: their cash counts against the books.

`shortfalls(coop, day)` lists every active agent whose count on `day` differs from the float
the books expected when they counted, and every active agent holding float who declared no
count that day (`counted` None, `expected` the float at the end of that day). Amounts are
minor units; `difference` is counted minus expected (negative: a shortfall, positive: an
overage; None when no count was declared). Each item also names the agent's float `account`.
"""

from __future__ import annotations

import datetime

from django.db.models import Sum

from minga.coops.models import Cooperative
from minga.treasury.models import DailyBalance

from .models import Agent, CashCount


def _held_at_end_of(agent: Agent, day: datetime.date) -> int:
    movements = DailyBalance.objects.filter(account_id=agent.account_id, date__lte=day)
    return movements.aggregate(s=Sum("movement"))["s"] or 0


def shortfalls(coop: Cooperative, day: datetime.date) -> list[dict]:
    counts = {
        count.agent_id: count for count in CashCount.objects.filter(agent__coop=coop, date=day)
    }
    found = []
    for agent in Agent.objects.filter(coop=coop).select_related("user", "account").order_by("pk"):
        count = counts.get(agent.pk)
        if count is None:
            if not agent.active:
                continue
            held = _held_at_end_of(agent, day)
            if held:
                found.append(
                    {
                        "agent": agent,
                        "account": agent.account.code,
                        "expected": held,
                        "counted": None,
                        "difference": None,
                    }
                )
            continue
        if count.difference:
            found.append(
                {
                    "agent": agent,
                    "account": agent.account.code,
                    "expected": count.expected,
                    "counted": count.counted,
                    "difference": count.difference,
                }
            )
    return found
