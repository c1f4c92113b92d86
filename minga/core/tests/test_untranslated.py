"""The check behind every "in the reader's language" page test finds English, and only that."""

from minga.core.tests.untranslated import english_msgids, untranslated, visible_texts


def test_it_finds_english_msgids_left_on_a_translated_page():
    page = (
        '<html lang="fr"><body><h1>Sign in</h1><p>3 members</p>'
        '<input type="submit" value="Save"><input placeholder="Search"></body></html>'
    )
    assert untranslated(page, "fr") == ["Sign in", "3 members", "Save", "Search"]


def test_it_leaves_translations_names_code_and_scripts_alone():
    page = (
        "<p>Se connecter</p><p>Votes</p><p>English</p><code>Sign in</code>"
        '<script>"Sign in"</script><span translate="no">Sign in</span><p>Coop Member</p>'
    )
    assert untranslated(page, "fr") == []


def test_it_reads_only_what_a_person_sees():
    texts = visible_texts('<p title="Hello"> two\n  words </p><style>p{}</style><img alt="A">')
    assert texts == ["Hello", "two words", "A"]


def test_it_knows_the_strings_of_every_app():
    """Catalogues are found under every app: a string of each one counts."""
    plain, pattern = english_msgids("pt-br")
    assert {"Sign in", "Agree", "Ballot cast"} <= plain  # core, decisions, audit
    assert pattern is not None and pattern.fullmatch("5 members")
