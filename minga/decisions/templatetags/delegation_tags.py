"""Links to the proxy, agent, paper-count, statutes and PIN pages, for those who may use them.

Poll and cooperative pages include them with one line: `{% load delegation_tags %}` then
`{% delegation_links poll %}` or `{% coop_delegation_links coop %}`.
"""

from django import template

from minga.decisions import delegation
from minga.decisions.models import Poll
from minga.decisions.permissions import active_agent, can_set_rules, is_teller, is_voting_member
from minga.decisions.queries import own_elector

register = template.Library()


@register.inclusion_tag("decisions/proxy_links.html", takes_context=True)
def delegation_links(context, poll: Poll) -> dict:
    user = context["request"].user
    is_open = poll.status == Poll.Status.OPEN
    votes = is_open and user.is_authenticated and own_elector(user, poll) is not None
    holds = is_open and user.is_authenticated and bool(delegation.proxies_held(user, poll))
    agent = (
        is_open
        and active_agent(user, poll.coop) is not None
        and delegation.statutes_of(poll.coop).allow_agents
    )
    teller = poll.status != Poll.Status.DRAFT and is_teller(user, poll.coop)
    return {"poll": poll, "proxies": votes or holds, "agent": agent, "teller": teller}


@register.inclusion_tag("decisions/statutes_links.html", takes_context=True)
def coop_delegation_links(context, coop) -> dict:
    user = context["request"].user
    # The PIN is for voting by USSD: associates, who read and comment, have no use for it.
    votes = is_voting_member(user, coop)
    return {"coop": coop, "is_admin": can_set_rules(user, coop), "votes": votes}
