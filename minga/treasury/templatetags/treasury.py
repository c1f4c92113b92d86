from django import template

from minga.treasury import money

register = template.Library()


@register.filter
def minor(amount: int, currency: str) -> str:
    """Minor units as the currency's amount: {{ line.amount|minor:books.currency }}."""
    return money.format_amount(amount, currency)


@register.filter
def negated(amount: int) -> int:
    return -amount
