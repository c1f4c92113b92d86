"""Mobile money into and out of the books: the treasury's handler for the payment inbox of
`minga.channels.payments`, and the actions that ask a member to pay or pay a member out.

The inbox hands over a payment only once its provider confirmed it (never on a callback's
word), inside the transaction that settles it; `Handler.settle` books it there:

- money in, from a member found by the `member_ref` they typed (BillRefNumber, the account
  reference of a request) or asked for: one balanced entry, mobile money against the member's
  savings, contributions or shares, and the member's SMS receipt;
- money in that cannot be put to a member (an unknown reference, an amount the provider
  confirmed differently, shares that do not divide): mobile money against suspense, on the
  treasurer's exceptions list;
- money out, once the provider confirmed the disbursement: the member's savings against
  mobile money (suspense if the books refuse it: the money has left all the same).

The provider's receipt number is the entry's reference, unique in the books: the same money is
never booked twice, even when another path (a statement import) booked it first. Members are
never identified by phone number: the numbers providers send are masked.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterator
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from minga import audit
from minga.channels.models import Payment, PaymentAccount
from minga.channels.payments import Booking, register_handler, start
from minga.coops.models import Cooperative
from minga.core.lookups import keyed

from . import actions, approvals, money, permissions, posting
from .models import Books, JournalEntry, MemberAccount
from .models_members import ApprovalRequest, Operation

if TYPE_CHECKING:
    from minga.accounts.models import User

TreasuryError = actions.TreasuryError
OWNER = "coop"
PURPOSES = ("savings", "contribution", "shares")
Status = Payment.Status
APPROVAL_PURPOSE = "approval:"  # a payout's purpose: the approved request it executes


def owner_of(coop: Cooperative) -> str:
    """How the payment inbox names a cooperative's accounts."""
    return f"{OWNER}:{coop.pk}"


def _coop_id(owner: str) -> int | None:
    kind, _sep, pk = owner.partition(":")
    return int(pk) if kind == OWNER and pk.isdigit() else None


def _coop(owner: str) -> Cooperative | None:
    coop_id = _coop_id(owner)
    return Cooperative.objects.filter(pk=coop_id).first() if coop_id else None


# The member accounts a chunk of payments being settled names, read at once
# (`Handler.prepare`): {(cooperative id, member_ref): account}.
_prepared: contextvars.ContextVar[dict[tuple[int, str], MemberAccount] | None] = (
    contextvars.ContextVar("treasury_payments_members", default=None)
)


def _member(coop_id: int | None, reference: str) -> MemberAccount | None:
    """The member account `reference` names in the cooperative, with its cooperative, in one
    query (a payment is booked in as few as it takes; the receipt reads the rest itself), or
    none when the payments being settled were prepared together (`Handler.prepare`)."""
    if coop_id is None or not money.is_valid_ref(reference):
        return None
    ref = money.normalise_ref(reference)
    known = _prepared.get()
    if known is not None and (coop_id, ref) in known:
        return known[coop_id, ref]
    return MemberAccount.objects.select_related("coop").filter(coop_id=coop_id, ref=ref).first()


def _reference(payment: Payment) -> str:
    return payment.receipt or f"{payment.provider}:{payment.uid}"


class Handler:
    """The treasury's side of the payment inbox (registered in `TreasuryConfig.ready`)."""

    def check(self, *, owner: str, reference: str, amount: int, currency: str) -> str:
        coop = _coop(owner)
        if coop is None or not Books.objects.filter(coop=coop, currency=currency).exists():
            return "account"
        if amount <= 0:
            return "amount"
        return "" if _member(coop.pk, reference) is not None else "account"

    @contextlib.contextmanager
    def prepare(self, payments: list[Payment]) -> Iterator[None]:
        """Read the member accounts these payments name in one query, for their settlements
        (the inbox settles a chunk of a batch query's payments together, in one transaction),
        and let their entries read the books and accounts they post to once
        (`posting.reading_once`)."""
        wanted: dict[int, set[str]] = {}
        for payment in payments:
            coop_id = _coop_id(payment.account.owner) if payment.account else None
            if coop_id is not None and money.is_valid_ref(payment.reference):
                wanted.setdefault(coop_id, set()).add(money.normalise_ref(payment.reference))
        known: dict[tuple[int, str], MemberAccount] = {}
        for coop in Cooperative.objects.filter(pk__in=wanted):
            for member in MemberAccount.objects.filter(coop=coop, ref__in=wanted[coop.pk]):
                member.coop = coop  # one cooperative for all its members
                known[coop.pk, member.ref] = member
        token = _prepared.set(known)
        try:
            with posting.reading_once():
                yield
        finally:
            _prepared.reset(token)

    def settle(self, payment: Payment, *, doubt: str) -> Booking:
        owner = payment.account.owner if payment.account else ""
        reference = _reference(payment)
        amount = payment.confirmed_amount or 0
        member = None
        if payment.direction == Payment.Direction.IN and not doubt:
            member = _member(_coop_id(owner), payment.reference)
        if member is not None:
            try:
                # No savepoint of its own: the entry's action is one, and a refusal is raised
                # before it writes anything.
                entry = _receive(member, payment, amount, reference)
                return Booking(Status.POSTED, entry.code)
            except TreasuryError as refused:
                if refused.code == "duplicate_reference":  # booked by another path first
                    return _already_booked(member.coop, reference)
                doubt = str(refused.messages[0])
        coop = _coop(owner)
        if coop is None:
            raise LookupError(f"no cooperative owns {payment.account}")
        if JournalEntry.objects.filter(keyed(reference=reference), coop=coop).exists():
            return _already_booked(coop, reference)  # never twice
        if payment.direction == Payment.Direction.OUT:
            return self._paid_out(coop, payment, amount, reference)
        doubt = doubt or _("No member has the reference “%(ref)s”.") % {"ref": payment.reference}
        entry = actions.receive_unidentified(
            coop=coop,
            amount=amount,
            actor=None,
            paid_into="mobile-money",
            reference=reference,
            note=_("Mobile money %(receipt)s in suspense: %(reason)s")
            % {"receipt": reference, "reason": doubt},
        )
        return Booking(Status.SUSPENSE, entry.code, doubt)

    def _paid_out(
        self, coop: Cooperative, payment: Payment, amount: int, reference: str
    ) -> Booking:
        member = _member(coop.pk, payment.reference)
        approval = _approval_of(coop, payment)
        if member is not None:
            try:
                with transaction.atomic():
                    entry = _book_payout(member, approval, amount, reference)
                    if approval is not None:
                        approvals.posted(approval, entry, timezone.now())
                return Booking(Status.POSTED, entry.code)
            except TreasuryError as refused:
                reason = str(refused.messages[0])
        else:
            reason = _("No member has the reference “%(ref)s”.") % {"ref": payment.reference}
        entry = actions.post_entry(
            coop=coop,
            actor=None,
            lines=[actions.debit("suspense", amount), actions.credit("mobile-money", amount)],
            narration=_("Mobile money %(receipt)s paid out, in suspense: %(reason)s")
            % {"receipt": reference, "reason": reason},
            kind="suspense",
            reference=reference,
        )
        return Booking(Status.SUSPENSE, entry.code, reason)

    def failed(self, payment: Payment) -> None:
        """Nothing moved: nothing is booked (the payment keeps the provider's reason)."""


def _book_payout(
    member: MemberAccount, approval: ApprovalRequest | None, amount: int, reference: str
) -> JournalEntry:
    """The outflow a confirmed payout executes: the approved share redemption, or a savings
    withdrawal (the books refuse anything else the approval did not say)."""
    if approval is not None and approval.operation == Operation.SHARE_REDEMPTION:
        if amount != approval.amount:
            raise TreasuryError(
                _("The provider paid out another amount than the approved one."), code="amount"
            )
        return actions.redeem_shares(
            member=member,
            shares=approval.payload["shares"],
            actor=None,
            paid_from="mobile-money",
            reference=reference,
            approval=approval,
        )
    return actions.withdraw_savings(
        member=member,
        amount=amount,
        actor=None,
        paid_from="mobile-money",
        reference=reference,
        approval=approval,
    )


def _approval_of(coop: Cooperative, payment: Payment) -> ApprovalRequest | None:
    """The approved withdrawal a payout was sent for (its purpose names it), locked."""
    pk = payment.purpose.removeprefix(APPROVAL_PURPOSE)
    if not payment.purpose.startswith(APPROVAL_PURPOSE) or not pk.isdigit():
        return None
    return (
        ApprovalRequest.objects.select_for_update(of=("self",))
        .select_related("coop")
        .filter(coop=coop, pk=int(pk), status=ApprovalRequest.Status.PAYING)
        .first()
    )


def _already_booked(coop: Cooperative, reference: str) -> Booking:
    """Money another path (a statement import, an earlier settlement) booked: never twice."""
    booked = JournalEntry.objects.get(keyed(reference=reference), coop=coop)
    return Booking(Status.POSTED, booked.code, _("already in the books"))


def _receive(member: MemberAccount, payment: Payment, amount: int, reference: str) -> JournalEntry:
    purpose = payment.purpose if payment.purpose in PURPOSES else "savings"
    if purpose != "shares":
        return actions.receive_from_member(
            member=member,
            amount=amount,
            purpose=purpose,
            actor=None,
            paid_into="mobile-money",
            reference=reference,
        )
    par = Books.objects.get(coop_id=member.coop_id).share_par_value
    if par <= 0 or amount % par:
        raise TreasuryError(_("The amount paid is not a whole number of shares."))
    return actions.buy_shares(
        member=member,
        shares=amount // par,
        actor=None,
        paid_into="mobile-money",
        reference=reference,
    )


def register() -> None:
    register_handler(OWNER, Handler())


# --- actions ------------------------------------------------------------------------------------


@transaction.atomic
def add_mobile_money_account(
    *, books: Books, provider: str, account: str, actor: User
) -> PaymentAccount:
    """Receive payments at an M-PESA short code or a MoMo API user (the treasurer)."""
    permissions.require(actor, books.coop, "keep")
    account = account.strip()
    if provider not in PaymentAccount.Provider.values or not account or len(account) > 64:
        raise TreasuryError(_("Choose a provider and enter the short code or API user."))
    if PaymentAccount.objects.filter(provider=provider, account=account).exists():
        raise TreasuryError(_("This short code or API user is already registered."))
    created = PaymentAccount.objects.create(
        provider=provider, account=account, owner=owner_of(books.coop), currency=books.currency
    )
    audit.record(
        "treasury.mobile_money_account_added",
        f"coop:{books.coop.slug}",
        {"coop": books.coop.slug, "provider": provider, "account": account},
        actor,
        audience=books.coop,
    )
    return created


def payment_account(coop: Cooperative) -> PaymentAccount:
    found = PaymentAccount.objects.filter(owner=owner_of(coop), is_active=True).first()
    if found is None:
        raise TreasuryError(_("This cooperative takes no mobile money yet."), code="no_account")
    return found


def _own_phone(member: MemberAccount) -> str:
    person = member.membership.person
    if not (person.phone and person.phone_verified_at):
        raise TreasuryError(
            _("Add and verify your phone number first: payments are asked of your own number."),
            code="no_phone",
        )
    return person.phone


def _check_amount(books: Books, account: PaymentAccount, amount: int) -> None:
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise TreasuryError(_("The amount is above zero."), code="amount")
    if account.provider == "mpesa" and amount % 10 ** money.exponent(books.currency):
        raise TreasuryError(_("M-PESA takes whole amounts only."), code="amount")


@transaction.atomic
def request_payment(*, member: MemberAccount, amount: int, purpose: str, actor: User) -> Payment:
    """A member pays into their account from their own phone (STK push, request-to-pay): the
    payment waits pending until the provider confirms it, then it is booked."""
    if member.membership.person_id != actor.pk or not member.membership.is_active:
        raise TreasuryError(_("Only members pay into their own account."), code="not_own")
    if purpose not in PURPOSES:
        raise TreasuryError(_("Pay into savings, contributions or shares."), code="purpose")
    books = Books.objects.get(coop_id=member.coop_id)
    account = payment_account(member.coop)
    _check_amount(books, account, amount)
    if purpose == "shares" and (books.share_par_value <= 0 or amount % books.share_par_value):
        raise TreasuryError(_("Shares are bought in whole shares at par."), code="amount")
    payment = start(
        account=account,
        direction=Payment.Direction.IN,
        phone=_own_phone(member),
        amount=amount,
        reference=member.ref,
        purpose=purpose,
    )
    audit.record(
        "treasury.payment_requested",
        f"coop:{member.coop.slug}",
        {"coop": member.coop.slug, "provider": account.provider, "purpose": purpose},
        actor,
        private={"person": audit.person(actor), "amount": str(amount), "payment": str(payment.uid)},
        owner=actor,
        audience=member.coop,
    )
    return payment


@transaction.atomic
def pay_out(
    *,
    member: MemberAccount,
    amount: int,
    actor: User | None,
    approval: ApprovalRequest | None = None,
) -> Payment:
    """Send a member their savings, or the value of the shares they redeem, by B2C / MoMo
    transfer, to their own number; booked once the provider confirms it, as the withdrawal or
    redemption `approval` approved. Only the platform calls it, executing that approved
    request; a disbursement is sent once and queried, never repeated."""
    if actor is not None:
        permissions.require(actor, member.coop, "keep")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        raise TreasuryError(_("The amount is above zero."), code="amount")
    redeeming = approval is not None and approval.operation == Operation.SHARE_REDEMPTION
    operation = Operation.SHARE_REDEMPTION if redeeming else Operation.SAVINGS_WITHDRAWAL
    sub_ledger = "member-shares" if redeeming else "member-savings"
    actions.check_approval(
        approval,
        member.coop,
        actor,
        operation,
        [
            (actions.account_for(member.coop, sub_ledger).code, member.ref, amount),
            (actions.account_for(member.coop, "mobile-money").code, "", -amount),
        ],
    )
    assert approval is not None  # checked above
    books = Books.objects.get(coop_id=member.coop_id)
    account = payment_account(member.coop)
    _check_amount(books, account, amount)
    if not redeeming and -actions.member_balance(member, "member-savings") < amount:
        raise TreasuryError(_("The member's savings are less than this amount."), code="balance")
    payment = start(
        account=account,
        direction=Payment.Direction.OUT,
        phone=_own_phone(member),
        amount=amount,
        reference=member.ref,
        purpose=f"{APPROVAL_PURPOSE}{approval.pk}",
    )
    audit.record(
        "treasury.payout_requested",
        f"coop:{member.coop.slug}",
        {"coop": member.coop.slug, "provider": account.provider},
        actor,
        private={
            "person": audit.person(member.membership.person_id),
            "amount": str(amount),
            "payment": str(payment.uid),
        },
        owner=member.membership.person,
        audience=member.coop,
    )
    return payment


def exceptions(coop: Cooperative):
    """The treasurer's exceptions list: money in suspense, payments that failed, and those the
    provider never gave a final answer about."""
    from django.db.models import Q

    return (
        Payment.objects.filter(account__owner=owner_of(coop))
        .filter(
            Q(status__in=[Status.SUSPENSE, Status.FAILED])
            | Q(status=Status.PENDING, next_query_at__isnull=True, requested_at__isnull=False)
        )
        .select_related("account")
        .order_by("-created_at")
    )
