import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import make_person
from minga.accounts.models import User
from minga.channels.models import OutboundMessage
from minga.coops import actions
from minga.coops.models import Invitation, Membership


def upload(client, coop, content: bytes, name="members.csv"):
    return client.post(
        reverse("coops:import", args=[coop.slug]),
        {"file": SimpleUploadedFile(name, content, content_type="text/csv")},
    )


GOOD = (
    b"name,email,phone,role\n"
    b"Farmer One,,+250788200001,member\n"
    b"Farmer Two,two@example.org,,board\n"
    b"Farmer Three,three@example.org,+250788200003,\n"
)


@pytest.mark.django_db
@pytest.mark.parametrize(("who", "status"), [("outsider", 403), ("member", 403), ("owner", 200)])
def test_it_lets_only_managers_import(client, coop, who, status, request):
    client.force_login(request.getfixturevalue(who))
    assert client.get(reverse("coops:import", args=[coop.slug])).status_code == status


@pytest.mark.django_db
def test_it_imports_a_list(owner_client, coop):
    response = upload(owner_client, coop, GOOD)
    assert response.status_code == 302
    assert coop.memberships.filter(status="active").count() == 5
    assert Membership.objects.get(coop=coop, person__phone="+250788200001").role == "member"
    assert Membership.objects.get(coop=coop, person__email="two@example.org").role == "board"


@pytest.mark.django_db
def test_it_reads_semicolons_bom_and_spanish_headers(owner_client, coop):
    content = "\ufeffnombre;correo;teléfono\nSocia Uno;uno@example.org;+5493515550001\n"
    assert upload(owner_client, coop, content.encode("utf-8")).status_code == 302
    person = User.objects.get(email="uno@example.org")
    assert (person.name, person.phone) == ("Socia Uno", "+5493515550001")
    assert coop.memberships.get(person=person).status == "active"


@pytest.mark.django_db
def test_it_reads_utf16_from_spreadsheets(owner_client, coop):
    content = "name\temail\nSócio Um\tum@example.org\n".encode("utf-16")
    assert upload(owner_client, coop, content).status_code == 302
    person = User.objects.get(email="um@example.org")
    assert person.name == "Sócio Um"
    assert coop.memberships.get(person=person).status == "active"


@pytest.mark.django_db
def test_it_imports_nothing_when_a_row_is_bad_and_says_which(owner_client, coop):
    before = (User.objects.count(), Membership.objects.count())
    bad = GOOD + b"No Contact,,,\nBad Phone,,0788,\nBad Mail,nope,,\nBad Role,r@example.org,,king\n"
    response = upload(owner_client, coop, bad)
    content = response.content.decode()
    assert response.status_code == 200
    for line in ["Line 5", "Line 6", "Line 7", "Line 8"]:
        assert line in content
    assert "king" in content
    assert (User.objects.count(), Membership.objects.count()) == before


@pytest.mark.django_db
def test_it_reports_duplicates_in_the_file(owner_client, coop):
    content = b"name,email\nA,dup@example.org\nB,DUP@example.org\n"
    response = upload(owner_client, coop, content)
    assert "already on line 2" in response.content.decode()
    assert not User.objects.filter(email="dup@example.org").exists()


@pytest.mark.django_db
def test_it_invites_people_already_on_minga_instead_of_adding_them(
    owner_client, coop, outsider, member, sms_outbox, run_tasks
):
    member.memberships.update(status="left")
    content = b"name,email,phone\nOutsider,outsider@example.org,\nMember,,+250788000111\n"
    assert upload(owner_client, coop, content).status_code == 302
    run_tasks()
    assert User.objects.filter(email="outsider@example.org").count() == 1
    assert not Membership.objects.filter(coop=coop, person=outsider).exists()
    assert not Membership.objects.get(coop=coop, person=member).is_active
    assert mail.outbox[-1].to == ["outsider@example.org"]
    [sms] = [message for message in sms_outbox if message.to == "+250788000111"]
    assert "/coops/join/" in sms.text  # the link reached the phone; its record keeps no link
    assert OutboundMessage.objects.get(to="+250788000111").text == "[invitation link]"
    by_mail = Invitation.objects.get(coop=coop, email="outsider@example.org")
    by_phone = Invitation.objects.get(coop=coop, phone="+250788000111")
    actions.accept_invitation(token=by_mail.token, person=outsider)
    actions.accept_invitation(token=by_phone.token, person=member)
    assert Membership.objects.get(coop=coop, person=outsider).is_active
    assert Membership.objects.get(coop=coop, person=member).is_active


@pytest.mark.django_db
def test_it_does_not_hand_a_membership_to_whoever_signed_up_first_with_an_address(
    owner_client, coop, run_tasks
):
    """Someone signs up with a farmer's e-mail address and another's phone number, never
    confirming either; the secretary then imports the real people."""
    squatter = make_person("Squatter", "farmer@example.org")
    phone_squatter = make_person("Phone Squatter", phone="+250788300301")
    content = b"name,email,phone\nFarmer,farmer@example.org,\nGrower,,+250788300301\n"
    assert upload(owner_client, coop, content).status_code == 302
    run_tasks()
    assert not Membership.objects.filter(person__in=[squatter, phone_squatter]).exists()
    # Only the address's and the number's real holders receive the links.
    assert mail.outbox[-1].to == ["farmer@example.org"]
    assert OutboundMessage.objects.filter(to="+250788300301").count() == 1
    invitation = Invitation.objects.get(coop=coop, email="farmer@example.org")
    with pytest.raises(ValidationError):
        actions.accept_invitation(token=invitation.token, person=phone_squatter)


@pytest.mark.django_db
def test_it_only_lets_the_invited_number_accept(coop, owner, member, outsider):
    invitation = actions.create_invitation(
        coop=coop, actor=owner, phone="+250788000111", role="member", base_url="http://testserver"
    )
    with pytest.raises(ValidationError):
        actions.accept_invitation(token=invitation.token, person=outsider)
    assert not Membership.objects.filter(coop=coop, person=outsider).exists()


@pytest.mark.django_db
def test_it_refuses_an_email_and_phone_of_two_different_people(owner_client, coop, outsider):
    make_person("Phone Owner", None, phone="+250788300300")
    content = b"name,email,phone\nMixed,outsider@example.org,+250788300300\n"
    response = upload(owner_client, coop, content)
    assert "two different people" in response.content.decode()
    assert not Membership.objects.filter(coop=coop, person=outsider).exists()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("name,email\nJosé,jose@example.org\n".encode("latin-1"), "not UTF-8"),
        (b"", "empty"),
        (b"first,last\nA,B\n", "must name the columns"),
        (b"name,email\n", "no members"),
    ],
)
def test_it_explains_files_it_cannot_read(owner_client, coop, content, message):
    response = upload(owner_client, coop, content)
    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.django_db
def test_it_reports_in_the_managers_language(owner_client, coop, owner):
    owner.preferred_language = "fr"
    owner.save()
    response = upload(owner_client, coop, b"name,email\n,x@example.org\n")
    assert "Ligne 2" in response.content.decode()


@pytest.mark.django_db
def test_it_understands_roles_written_in_any_language(owner_client, coop):
    content = b"nombre,correo,rol\nSocia Dos,dos@example.org,Tesorero\n"
    assert upload(owner_client, coop, content).status_code == 302
    assert Membership.objects.get(coop=coop, person__email="dos@example.org").role == "treasurer"
