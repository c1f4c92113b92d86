"""What tests read of stored ballots, whichever form they are in: plain `Ballot` rows (open
polls, paper counts, secret polls once closed) and, for a secret poll still open, its sealed
ballots opened with its key (as the running count does)."""

from typing import Any

from minga.decisions import sealed
from minga.decisions.models import Ballot, Poll


def stored_ballots(poll: Poll | None = None) -> list[tuple[dict[str, Any], int, bool]]:
    """(choice, weight, is_paper) of every ballot stored for `poll` (or for every poll)."""
    plain = Ballot.objects.all() if poll is None else Ballot.objects.filter(poll=poll)
    found = list(plain.values_list("choice", "weight", "is_paper"))
    polls = [poll] if poll is not None else Poll.objects.all()
    for each in polls:
        each = Poll.objects.get(pk=each.pk)
        if each.is_secret and each.status == Poll.Status.OPEN:
            found += [(choice, weight, False) for _id, choice, weight in sealed.open_sealed(each)]
    return found


def stored_count(poll: Poll | None = None) -> int:
    return len(stored_ballots(poll))


def stored_choice(poll: Poll | None = None) -> dict[str, Any]:
    """The choice of the one ballot stored (an error when there is not exactly one)."""
    (only,) = stored_ballots(poll)
    return only[0]
