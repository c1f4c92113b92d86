"""The credentials a cooperative should re-issue after declaring a key compromised."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .permissions import get_issuer
from .queries import signed_before_compromise


@login_required
def reissue_list(request, slug):
    """Signed by a key later declared compromised, before the compromise: still trusted by
    Minga's log, no longer by plain did:web verifiers, so each should be issued again."""
    coop = get_issuer(request.user, slug)
    return render(
        request,
        "credentials/reissue_list.html",
        {"coop": coop, "credentials": signed_before_compromise(coop)},
    )
