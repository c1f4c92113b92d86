"""Discussions: threads with replies and attachments, open to members and associates only."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from minga.decisions.models import Comment, Discussion

PDF = b"%PDF-1.4\n%minimal\n"


def comment_url(coop, discussion):
    return reverse("decisions:comment-add", args=[coop.slug, discussion.pk])


def test_members_start_discussions_and_reply(member_client, coop):
    response = member_client.post(
        reverse("decisions:discussion-new", args=[coop.slug]),
        {"title": "A second drying table set", "body": "Cherries waited too long."},
    )
    discussion = Discussion.objects.get()
    assert response.status_code == 302 and response.url == discussion.get_absolute_url()
    member_client.post(comment_url(coop, discussion), {"body": "How much would it cost?"})
    first = Comment.objects.get()
    member_client.post(
        comment_url(coop, discussion), {"body": "About 2 million.", "parent": first.pk}
    )
    reply = Comment.objects.exclude(pk=first.pk).get()
    assert reply.parent == first
    page = member_client.get(discussion.get_absolute_url()).content.decode()
    assert "How much would it cost?" in page and "About 2 million." in page


def test_an_attachment_is_kept_and_served_to_members_only(
    member_client, client, coop, discussion, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile("quote.pdf", PDF, content_type="application/pdf")
    member_client.post(
        comment_url(coop, discussion), {"body": "The supplier's quote.", "attachment": upload}
    )
    comment = Comment.objects.get()
    url = reverse("decisions:attachment", args=[coop.slug, discussion.pk, comment.pk])
    assert b"".join(member_client.get(url).streaming_content) == PDF
    client.logout()
    assert client.get(url).status_code == 302  # to sign in, and back


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("tool.exe", b"MZ\x90\x00", "only PDF, PNG, JPEG, ODP and PPTX files"),
        ("fake.pdf", b"MZ\x90\x00", "does not look like a PDF file"),
    ],
)
def test_a_bad_attachment_is_refused_and_nothing_is_saved(
    member_client, coop, discussion, settings, tmp_path, name, content, message
):
    settings.MEDIA_ROOT = tmp_path
    upload = SimpleUploadedFile(name, content)
    response = member_client.post(
        comment_url(coop, discussion), {"body": "See attached.", "attachment": upload}, follow=True
    )
    assert message in response.content.decode()
    assert not Comment.objects.exists()
    assert not any(tmp_path.rglob("*"))


def test_an_empty_comment_is_a_clear_error(member_client, coop, discussion):
    response = member_client.post(comment_url(coop, discussion), {"body": "   "}, follow=True)
    assert (
        "This field is required." in response.content.decode()
        or "Write something" in response.content.decode()
    )
    assert not Comment.objects.exists()


def test_outsiders_cannot_comment(outsider_client, coop, discussion):
    assert outsider_client.post(comment_url(coop, discussion), {"body": "Hello"}).status_code == 403
    assert not Comment.objects.exists()


def test_errors_speak_the_members_language(member_client, member, coop, discussion):
    member.preferred_language = "fr"
    member.save()
    response = member_client.post(comment_url(coop, discussion), {"body": ""}, follow=True)
    assert "Ce champ est obligatoire." in response.content.decode()


def test_only_managers_record_outcomes(member_client, coop, discussion, owner):
    from minga.decisions import actions

    from .conftest import make_poll

    poll = actions.close_poll(poll=make_poll(discussion, owner, kind="single"))
    url = reverse("decisions:poll-outcome", args=[coop.slug, poll.pk])
    assert member_client.post(url, {"outcome": "Done"}).status_code == 403
    poll.refresh_from_db()
    assert poll.outcome == ""


def test_the_cooperative_page_links_to_decisions_for_members(member_client, client, coop):
    link = reverse("decisions:index", args=[coop.slug])
    assert link in member_client.get(coop.get_absolute_url()).content.decode()
    client.logout()
    assert link not in client.get(coop.get_absolute_url()).content.decode()


def test_a_new_poll_starts_from_the_statutes(owner_client, coop, discussion):
    from minga.decisions.models import Statutes

    Statutes.objects.create(coop=coop, quorum_kind="percent", quorum_value=30)
    page = owner_client.get(reverse("decisions:poll-new", args=[coop.slug, discussion.pk]))
    form = page.context["form"]
    assert form.initial["quorum_kind"] == "percent" and form.initial["quorum_value"] == 30
