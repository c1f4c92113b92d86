import pytest
from django.urls import reverse

from conftest import client_of
from minga.audit.models import Entry
from minga.challenges import actions
from minga.challenges.models import NeedTranslation

SPANISH = {
    "language": "es",
    "title": "Entregas de cereza confirmadas por SMS",
    "problem": "Los socios no pueden comprobar los kilos registrados a su nombre.",
    "how_might_we": "¿Cómo podríamos confirmar cada entrega?",
}


def url(need):
    return reverse("challenges:translate", args=[need.pk])


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"),
    [("anonymous", 302), ("outsider", 403), ("translator", 200), ("member", 200), ("owner", 200)],
)
def test_it_lets_translators_and_members_translate_public_needs(request, accepted, who, status):
    client = request.getfixturevalue("client")
    if who != "anonymous":
        client = client_of(request.getfixturevalue(who))
    assert client.get(url(accepted)).status_code == status
    client.post(url(accepted), SPANISH)
    assert accepted.translations.filter(language="es").exists() == (status == 200)


@pytest.mark.django_db
def test_it_keeps_drafts_from_translators_outside_the_cooperative(translator, member, draft):
    assert client_of(translator).get(url(draft)).status_code == 403
    assert client_of(member).post(url(draft), SPANISH).status_code == 302
    assert draft.translations.get().title == SPANISH["title"]


@pytest.mark.django_db
def test_it_shows_the_original_beside_each_field(client, translator, accepted):
    content = client_of(translator).get(url(accepted)).content.decode()
    assert accepted.problem in content
    assert 'name="problem"' in content


@pytest.mark.django_db
def test_it_refuses_the_needs_own_language(translator, accepted):
    response = client_of(translator).post(url(accepted), {**SPANISH, "language": accepted.language})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    assert not NeedTranslation.objects.exists()


@pytest.mark.django_db
def test_it_replaces_a_translation_in_the_same_language(translator, member, accepted):
    client_of(translator).post(url(accepted), SPANISH)
    client_of(member).post(url(accepted), {**SPANISH, "title": "Entregas por SMS"})
    translation = accepted.translations.get()
    assert (translation.title, translation.translator) == ("Entregas por SMS", member)
    assert Entry.objects.filter(kind="need.translated").count() == 2


@pytest.mark.django_db
def test_it_shows_the_viewers_language_with_a_link_to_the_original(client, translator, accepted):
    actions.translate_need(need=accepted, actor=translator, language="es", texts=SPANISH)
    response = client.get(accepted.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="es")
    content = response.content.decode()
    assert SPANISH["title"] in content
    assert SPANISH["problem"] in content
    assert accepted.scope in content  # left empty by the translator: the original shows
    assert f'href="?lang={accepted.language}"' in content
    original = client.get(f"{accepted.get_absolute_url()}?lang={accepted.language}")
    assert accepted.problem in original.content.decode()
    assert SPANISH["problem"] not in original.content.decode()


@pytest.mark.django_db
def test_it_shows_the_original_when_there_is_no_translation(client, accepted):
    response = client.get(accepted.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="fr")
    assert response.context["shown"] is None
    assert accepted.problem in response.content.decode()


@pytest.mark.django_db
def test_it_lists_needs_in_the_viewers_language(client, translator, accepted):
    catalogue = reverse("challenges:catalogue")
    assert accepted.title in client.get(catalogue, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    actions.translate_need(need=accepted, actor=translator, language="es", texts=SPANISH)
    assert SPANISH["title"] in client.get(catalogue, HTTP_ACCEPT_LANGUAGE="es").content.decode()
    assert accepted.title in client.get(catalogue, HTTP_ACCEPT_LANGUAGE="en").content.decode()


@pytest.mark.django_db
def test_it_finds_needs_by_words_of_their_translations(client, translator, accepted):
    actions.translate_need(need=accepted, actor=translator, language="es", texts=SPANISH)
    response = client.get(reverse("challenges:catalogue") + "?q=cereza")
    assert [need.pk for need in response.context["page"]] == [accepted.pk]
