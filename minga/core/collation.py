"""Sorting names as readers expect, in any of Minga's languages, without the C library's
locales (which servers seldom have): accents and case do not decide the order ("Émirats
arabes unis" among the E, not after "Zambie")."""

import unicodedata


def collation_key(text: str) -> tuple[str, str]:
    """Letters without their accents and case first, the exact text to break ties."""
    bare = "".join(
        c for c in unicodedata.normalize("NFKD", str(text)) if not unicodedata.combining(c)
    )
    return bare.casefold(), str(text)


def by_name(choices):
    """(value, name) pairs sorted by name in the active language."""
    return sorted(choices, key=lambda choice: collation_key(choice[1]))
