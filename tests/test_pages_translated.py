"""Every page of the foundation's access table, in Spanish, French and Brazilian Portuguese,
shows no English that the catalogues translate (see minga.core.tests.untranslated).

The apps' own access tables (decisions, credentials) run the same check on their pages.
"""

import pytest
from django.conf import settings

from minga.core.tests.untranslated import LANGUAGES, untranslated
from tests.test_pages_access import PAGE_STATUSES, ROLES, TABLE, sign_in, url_for
from tests.test_pages_access import world as world  # noqa: PLC0414 (the fixture, shared)

# The switcher is left out: it would change the language the rest is read in.
PAGES = [row for row in TABLE if row.method == "get" and row.name != "core:set-language"]


@pytest.mark.django_db
@pytest.mark.parametrize("language", list(LANGUAGES))
@pytest.mark.parametrize("role", ROLES)
def test_it_shows_every_page_in_the_readers_language(client, request, world, role, language):
    client = sign_in(client, request, role)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    found = {}
    for row in PAGES:
        url = url_for(row, world)
        response = client.get(url)
        if response.status_code not in PAGE_STATUSES:
            continue
        if "text/html" not in response["Content-Type"]:
            continue
        assert f'lang="{language}"' in response.content.decode()
        english = untranslated(response.content.decode(), language)
        if english:
            found[url] = english
    assert found == {}, f"English on {language} pages for {role}: {found}"
