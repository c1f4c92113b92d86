"""The access tables' helpers, for the books' pages and those built on them (agents): who is
signed in, and what each persona gets."""

OFFICERS = {"treasurer", "checker", "supervisor"}


def as_persona(client, request, persona):
    """`client` signed in as the fixture named `persona` (None: nobody)."""
    if persona is not None:
        client.force_login(request.getfixturevalue(persona))
    return client


def expected(persona, allowed):
    """The status a persona gets: the page for those allowed, the sign-in page (or not found)
    for nobody, not found for outsiders (the books are not theirs to know of), refused for
    the cooperative's other people."""
    if persona in allowed:
        return 200
    if persona is None:
        return {302, 404}
    if persona == "outsider":
        return 404
    return 403


def check(status, want):
    assert status in want if isinstance(want, set) else status == want
