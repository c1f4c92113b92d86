"""Demo books for `minga demo` (idempotent: a cooperative that keeps books here is skipped).

Mwangaza Savings and Credit Cooperative (Kenya, KES) kept its 2025 books on Minga: members
bought shares in January and paid their monthly contributions (some fell into arrears), the
treasurer's income and expense entries went through the board's check, a school-fees
withdrawal above the statutes' threshold was also confirmed by three members drawn from the
log, a member disputed a contribution and the supervisory committee answered, the year was
closed, and the AGM of February 2026 voted the dividend and patronage refund, posted after the
poll. In March 2026 Mwangaza took M-PESA at its paybill (the provider stand-in's short code):
two members paid into their savings and were posted, a payment with a mistyped reference waits
in suspense on the treasurer's list. Twizerane Coffee Growers (Rwanda, RWF) opened its books
in 2026: shares, and the cherry deliveries that are its members' patronage base.

Everything goes through the actions, replayed at each step's moment (`replay_at`), so the
books, the receipts and the public log agree.
"""

from __future__ import annotations

import datetime
import zoneinfo

from django.conf import settings
from django.test.utils import override_settings

from minga.accounts.demo import BASE_URL
from minga.accounts.demo import person as demo_person
from minga.channels.models import PaymentAccount
from minga.channels.payments import inbox, standin
from minga.coops import actions as coop_actions
from minga.coops.models import Membership
from minga.core.demo import replay_at
from minga.decisions import actions as decisions
from minga.decisions import delegation

from . import actions, approvals, dividends, payments, statements
from .models import Books, FiscalYear, MemberAccount
from .models_members import MemberConfirmation

NAIROBI = zoneinfo.ZoneInfo("Africa/Nairobi")
KIGALI = zoneinfo.ZoneInfo("Africa/Kigali")
MWANGAZA = "mwangaza-sacco"
COFFEE = "twizerane-coffee"
KES = 100  # cents in a shilling
CONTRIBUTION = 2_000 * KES
MEMBERS = 10
PAYBILL = "600638"  # the M-PESA short code the provider stand-in answers for


def at(year, month, day, hour=10, zone=NAIROBI) -> datetime.datetime:
    return datetime.datetime(year, month, day, hour, 0, tzinfo=zone)


def _join(coop, inviter, person, role) -> None:
    if not Membership.objects.filter(coop=coop, person=person).exists():
        invitation = coop_actions.create_invitation(
            coop=coop, actor=inviter, role=role, base_url=BASE_URL
        )
        coop_actions.accept_invitation(token=invitation.token, person=person)


def load(*, people, coops, stdout) -> None:
    if not Books.objects.filter(coop=coops[MWANGAZA]).exists():
        _mwangaza(coops[MWANGAZA], people, stdout)
    mwangaza_takes_mobile_money = PaymentAccount.objects.filter(
        owner=payments.owner_of(coops[MWANGAZA])
    ).exists()
    if settings.MPESA_BASE_URL == "standin" and not mwangaza_takes_mobile_money:
        received = mobile_money(coops[MWANGAZA])
        if received and stdout is not None:
            stdout.write(
                f"Treasury demo: Mwangaza takes M-PESA at the stand-in's paybill {PAYBILL} "
                "(payments received, one in suspense)."
            )
    if not Books.objects.filter(coop=coops[COFFEE]).exists():
        _twizerane(coops[COFFEE], people)


def _mwangaza(coop, people, stdout) -> None:
    board = people["ke-treasurer"]  # the founder: an administrator, who checks
    with replay_at(at(2025, 1, 2)):
        treasurer = demo_person(
            "Mwangaza treasurer (demo)", "books@mwangaza.demo.minga.coop", "+254712200001"
        )
        supervisor = demo_person(
            "Mwangaza supervisory committee (demo)",
            "supervisory@mwangaza.demo.minga.coop",
            "+254712200002",
        )
        _join(coop, board, treasurer, Membership.Role.TREASURER)
        _join(coop, board, supervisor, Membership.Role.SUPERVISORY)
        members = []
        for n in range(1, MEMBERS + 1):
            person = demo_person(
                f"Mwangaza member {n} (demo)",
                f"member{n}@mwangaza.demo.minga.coop",
                f"+2547122001{n:02d}",
                language="en" if n % 2 else "fr",
            )
            _join(coop, board, person, Membership.Role.MEMBER)
            members.append(person)
        books = actions.setup_books(
            coop=coop,
            actor=treasurer,
            currency="KES",
            template="savings-credit",
            time_zone="Africa/Nairobi",
        )
        actions.update_statutes(
            books=books,
            actor=treasurer,
            share_par_value=1_000 * KES,
            share_minimum=2,
            share_maximum=200,
            contribution_amount=CONTRIBUTION,
            contributions_from=datetime.date(2025, 1, 1),
        )
        actions.open_member_accounts(books=books, actor=treasurer)
        approvals.set_rule(
            coop=coop,
            actor=board,
            operation="savings-withdrawal",
            min_amount=20_000 * KES,
            checkers=1,
            members=3,
            hours=72,
        )
    accounts = [MemberAccount.objects.get(coop=coop, membership__person=p) for p in members]
    with replay_at(at(2025, 1, 6)):
        for n, account in enumerate(accounts, start=1):
            actions.buy_shares(member=account, shares=2 + n % 5, actor=treasurer)
    _year_of_contributions(coop, treasurer, board, accounts)
    _withdrawal(coop, treasurer, board, accounts)
    _dispute(coop, supervisor, accounts)
    _close_and_share(coop, books, treasurer, board, members, accounts)
    stdout.write(
        "Treasury demo: Mwangaza SACCO books 2025 (treasurer books@mwangaza.demo.minga.coop, "
        "supervisory supervisory@mwangaza.demo.minga.coop)."
    )


def _manual(coop, treasurer, board, lines, narration, operation="manual", **extra) -> None:
    amount = sum(line.amount for line in lines if line.amount > 0)
    request = approvals.request_approval(
        coop=coop,
        actor=treasurer,
        operation=operation,
        amount=amount if operation == "manual" else extra.pop("amount"),
        narration=narration,
        lines=lines,
        **extra,
    )
    approvals.check_request(request=request, actor=board, approve=True)


def _year_of_contributions(coop, treasurer, board, accounts) -> None:
    for month in range(1, 13):
        with replay_at(at(2025, month, 5)):
            for n, account in enumerate(accounts, start=1):
                # Arrears: some members miss a month now and then; member 8 stopped in September.
                if (n + month) % 7 == 0 or (n == 8 and month >= 9):
                    continue
                actions.receive_from_member(
                    member=account,
                    amount=CONTRIBUTION,
                    purpose="contribution",
                    actor=treasurer,
                    paid_into="mobile-money",
                )
                actions.receive_from_member(
                    member=account,
                    amount=(3_000 + 500 * n) * KES,
                    purpose="savings",
                    actor=treasurer,
                    paid_into="mobile-money",
                )
        if month % 3 == 0:
            with replay_at(at(2025, month, 28)):
                _manual(
                    coop,
                    treasurer,
                    board,
                    [actions.debit("bank", 95_000 * KES), actions.credit("4100", 95_000 * KES)],
                    f"Interest and commissions, quarter {month // 3} of 2025",
                )
                _manual(
                    coop,
                    treasurer,
                    board,
                    [],
                    f"Office rent, quarter {month // 3} of 2025",
                    operation="payment",
                    amount=30_000 * KES,
                    account="5100",
                    paid_from="bank",
                )


def _withdrawal(coop, treasurer, board, accounts) -> None:
    with replay_at(at(2025, 6, 10)):
        request = approvals.request_approval(
            coop=coop,
            actor=treasurer,
            operation="savings-withdrawal",
            amount=20_000 * KES,
            narration="School fees, second term (member's request of 9 June)",
            member=accounts[0],
            paid_from="cash",  # no mobile-money account here: paid at the office
        )
    with replay_at(at(2025, 6, 10, 15)):
        approvals.check_request(request=request, actor=board, approve=True, note="Form seen")
    channels = ["ussd", "sms", "web"]
    for hour, confirmation in enumerate(MemberConfirmation.objects.filter(request=request)):
        with replay_at(at(2025, 6, 11, 8 + hour)):
            approvals.answer_confirmation(
                confirmation=confirmation,
                actor=confirmation.member.membership.person,
                confirm=True,
                channel=channels[hour % 3],
            )


def _dispute(coop, supervisor, accounts) -> None:
    account = accounts[1]
    movement = next(m for m in statements.movements(account) if m.entry.date.month == 7)
    with replay_at(at(2025, 7, 8)):
        dispute = statements.open_dispute(
            entry=movement.entry,
            member=account,
            actor=account.membership.person,
            reason="I sent 2,000 by M-PESA on 4 July, not 5 July: please check the date.",
            channel="sms",
        )
    with replay_at(at(2025, 7, 12)):
        statements.answer_dispute(
            dispute=dispute,
            actor=supervisor,
            answer=(
                "We checked the M-PESA statement: your payment arrived on 4 July at 21:40 and "
                "was posted the next working day. The amount is right; nothing to correct."
            ),
        )


def _close_and_share(coop, books, treasurer, board, members, accounts) -> None:
    year = FiscalYear.objects.get(coop=coop, start=datetime.date(2025, 1, 1))
    with replay_at(at(2025, 12, 31, 18)):
        for account in accounts:
            contributed = sum(
                m.amount for m in statements.movements(account) if m.entry.kind == "contribution"
            )
            actions.record_patronage(
                member=account,
                actor=treasurer,
                kind="purchase",
                quantity=contributed // CONTRIBUTION,
                unit="months",
                value=contributed,
                date=datetime.date(2025, 12, 31),
                description="Contributions paid in 2025",
            )
    with replay_at(at(2026, 1, 20)):
        actions.open_fiscal_year(books=books, actor=treasurer)
        actions.close_fiscal_year(year=year, actor=treasurer)
    with replay_at(at(2026, 1, 25)):
        allocation = dividends.propose_allocation(
            year=year, actor=treasurer, dividend_rate="8", patronage_percent="50"
        )
        poll = dividends.put_to_vote(
            allocation=allocation, actor=treasurer, closes_at=at(2026, 2, 14, 17)
        )
    with replay_at(at(2026, 2, 14, 11)):
        for n, person in enumerate([*members, treasurer, board], start=1):
            elector = delegation.own_elector(person, poll)
            decisions.cast_ballot(
                poll=poll,
                elector=elector,
                choice={"choice": 1 if n in (3, 7) else 0},
                channel="ussd" if n % 4 == 0 else "web",
                actor=person,
            )
    with replay_at(at(2026, 2, 14, 17, zone=NAIROBI) + datetime.timedelta(minutes=1)):
        decisions.close_poll(poll=poll)
    with replay_at(at(2026, 2, 16)):
        dividends.post_allocation(allocation=allocation, actor=treasurer)


def mobile_money(coop, *, paid: tuple[str, ...] = ("2000", "2000.00")) -> list[str]:
    """The paybill, and payments received through the payment inbox as the provider sends
    them: its stand-in's validation and confirmation callbacks, then the Pull Transactions
    query that confirms them and books them by the treasury's handler (as in production); the
    last payment's reference is mistyped (its validation never reached Minga), so it waits
    in suspense. The TransIDs."""
    books = Books.objects.get(coop=coop)
    treasurer = (
        Membership.objects.filter(coop=coop, role=Membership.Role.TREASURER, status="active")
        .select_related("person")
        .first()
    )
    accounts = list(MemberAccount.objects.filter(coop=coop).order_by("ref")[: len(paid)])
    if treasurer is None or len(accounts) < len(paid):
        return []
    with replay_at(at(2026, 3, 2)):
        account = payments.add_mobile_money_account(
            books=books, provider="mpesa", account=PAYBILL, actor=treasurer.person
        )
    # The stand-in hands its callbacks to this process instead of the running server's
    # address (nothing serves it yet while the demo loads).
    with override_settings(MINGA_PAYMENTS_STANDIN_DELIVERY="collect"):
        standin.reset()
        receipts = []
        for day, (member, amount) in enumerate(zip(accounts, paid, strict=True), start=3):
            with replay_at(at(2026, 3, day, 19)):
                receipts.append(
                    standin.pay_bill(
                        short_code=PAYBILL,
                        bill_ref=member.ref,
                        amount=amount,
                        validation_url="validation",
                        confirmation_url="confirmation",
                    )
                )
                for callback in list(standin.outbox):
                    if callback.url == "validation":
                        inbox.c2b_validation(callback.body, address=None)
                    else:
                        inbox.c2b_confirmation(callback.body, address=None)
                standin.outbox.clear()
        with replay_at(at(2026, 3, 2 + len(paid) + 1, 8)):
            standin.pay_bill(
                short_code=PAYBILL,
                bill_ref="0000000",
                amount="1500",
                validation_url="validation",
                confirmation_url="confirmation",
            )
            for callback in list(standin.outbox):
                # The validation call did not reach us in time: M-PESA completes the payment
                # by default, and only the confirmation arrives.
                if callback.url == "confirmation":
                    inbox.c2b_confirmation(callback.body, address=None)
            standin.outbox.clear()
            inbox.confirm_account.call(account.pk)
        standin.reset()
    return receipts


def _twizerane(coop, people) -> None:
    secretary = people["rw-secretary"]
    with replay_at(at(2026, 1, 5, zone=KIGALI)):
        treasurer = demo_person(
            "Twizerane treasurer (demo)",
            "books@twizerane.demo.minga.coop",
            "+250788200001",
            language="fr",
            zone="Africa/Kigali",
        )
        _join(coop, secretary, treasurer, Membership.Role.TREASURER)
        books = actions.setup_books(
            coop=coop,
            actor=treasurer,
            currency="RWF",
            template="producer",
            time_zone="Africa/Kigali",
        )
        actions.update_statutes(
            books=books, actor=treasurer, share_par_value=10_000, share_minimum=1
        )
        actions.open_member_accounts(books=books, actor=treasurer)
    accounts = list(
        MemberAccount.objects.filter(coop=coop, membership__role=Membership.Role.MEMBER)
    )
    with replay_at(at(2026, 1, 12, zone=KIGALI)):
        for n, account in enumerate(accounts, start=1):
            actions.buy_shares(member=account, shares=1 + n % 3, actor=treasurer)
    # Cherry deliveries through the harvest, weighed at the washing station: 410 RWF a kg.
    for week in range(12):
        day = datetime.date(2026, 3, 16) + datetime.timedelta(weeks=week)
        with replay_at(datetime.datetime.combine(day, datetime.time(15), tzinfo=KIGALI)):
            for n, account in enumerate(accounts, start=1):
                if (n + week) % 4 == 0:
                    continue
                kilos = 40 + (n * 13 + week * 7) % 90
                actions.record_patronage(
                    member=account,
                    actor=treasurer,
                    kind="delivery",
                    quantity=kilos,
                    unit="kg",
                    value=kilos * 410,
                    date=day,
                    description="Coffee cherries, washing station",
                )
