"""Which of Minga's languages a code names."""

from django.utils import translation


def supported_language(code: str | None) -> str | None:
    """The listed language a stored or requested code means ("pt" and "pt-PT" -> "pt-br").

    Profiles, cookies and links made before Minga's Portuguese became Brazil's say "pt";
    Django's fallback from a generic code to its first listed variant reads them as "pt-br".
    """
    if not code:
        return None
    try:
        return translation.get_supported_language_variant(code)
    except LookupError:
        return None
