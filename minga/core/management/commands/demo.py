"""`minga demo`: load a believable world of cooperatives and people (idempotent).

Run it as often as you like: existing people and cooperatives are kept, missing ones are
added. Everything is built through the same actions as on the website: people sign up,
cooperatives are registered by their founders (with their keys), members join by invitation,
so every demo row has its audit entries and the log and the database agree.
"""

import importlib
import importlib.util
import io
import time
import urllib.error
import urllib.request

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings

from minga.accounts.actions import (
    record_phone_verified,
    set_staff_access,
    sign_up,
    update_profile,
)
from minga.accounts.models import User
from minga.coops import actions
from minga.coops.models import Cooperative, Membership

PASSWORD = "minga-demo-2026"
BASE_URL = "https://demo.minga.coop"

# Apps that add to the demo world, in dependency order. Each has a `demo.py` with an
# idempotent `load(*, people, coops, stdout)`; people and coops are keyed as below.
DEMO_MODULES = [
    "minga.challenges.demo",
    "minga.events.demo",
    "minga.judging.demo",
    "minga.decisions.demo",
    "minga.credentials.demo",
    "minga.credentials.demo_trainings",
    "minga.identity.demo",
    "minga.treasury.demo",
]

# (key, name, email, phone, preferred language, time zone, languages, skills, roles)
PEOPLE = [
    (
        "organiser",
        "ICA coop-a-thon organiser (demo)",
        "organiser@demo.minga.coop",
        None,
        "en",
        "Europe/Brussels",
        ["en", "fr", "es"],
        ["governance", "training"],
        ["facilitator"],
    ),
    (
        "rw-secretary",
        "Coffee co-op secretary, Huye (demo)",
        "secretary@twizerane.demo.minga.coop",
        "+250788100001",
        "fr",
        "Africa/Kigali",
        ["rw", "fr", "en"],
        ["accounting"],
        ["domain-expert"],
    ),
    (
        "rw-farmer",
        "Coffee farmer, phone only (demo)",
        None,
        "+250788100002",
        "en",
        "Africa/Kigali",
        ["rw"],
        [],
        [],
    ),
    (
        "ke-treasurer",
        "SACCO treasurer, Nyeri (demo)",
        "treasurer@mwangaza.demo.minga.coop",
        "+254712100003",
        "en",
        "Africa/Nairobi",
        ["sw", "en"],
        ["accounting", "payments"],
        ["domain-expert"],
    ),
    (
        "ke-dev",
        "USSD developer, Nairobi (demo)",
        "dev@nairobitech.demo.minga.coop",
        None,
        "en",
        "Africa/Nairobi",
        ["sw", "en"],
        ["ussd-sms", "backend", "payments"],
        ["developer"],
    ),
    (
        "ar-dev",
        "Developer, Córdoba (demo)",
        "dev@codigosur.demo.minga.coop",
        None,
        "es",
        "America/Argentina/Cordoba",
        ["es", "en"],
        ["backend", "frontend", "devops"],
        ["developer"],
    ),
    (
        "br-designer",
        "Designer, Porto Alegre (demo)",
        "design@tecnoapoio.demo.minga.coop",
        None,
        "pt-br",
        "America/Sao_Paulo",
        ["pt", "es"],
        ["ux", "frontend"],
        ["designer"],
    ),
    (
        "br-credit",
        "Credit union board member, Bahia (demo)",
        "board@sertao.demo.minga.coop",
        None,
        "pt-br",
        "America/Bahia",
        ["pt"],
        ["governance"],
        ["domain-expert"],
    ),
    (
        "in-dairy",
        "Dairy co-op administrator, Gujarat (demo)",
        "admin@kaveri.demo.minga.coop",
        "+919812100004",
        "en",
        "Asia/Kolkata",
        ["hi", "en"],
        ["data"],
        ["domain-expert"],
    ),
    (
        "in-dev",
        "Developer, Kochi (demo)",
        "dev@keralait.demo.minga.coop",
        None,
        "en",
        "Asia/Kolkata",
        ["en", "hi"],
        ["mobile", "backend"],
        ["developer"],
    ),
    (
        "ca-dev",
        "Developer, Winnipeg (demo)",
        "dev@prairietech.demo.minga.coop",
        None,
        "en",
        "America/Winnipeg",
        ["en", "fr"],
        ["security", "devops"],
        ["developer", "facilitator"],
    ),
    (
        "ca-caisse",
        "Caisse populaire secretary (demo)",
        "secretaire@rivieres.demo.minga.coop",
        None,
        "fr",
        "America/Toronto",
        ["fr", "en"],
        ["accounting"],
        ["translator"],
    ),
    (
        "es-energy",
        "Energy co-op administrator, Catalonia (demo)",
        "admin@montseny.demo.minga.coop",
        None,
        "es",
        "Europe/Madrid",
        ["ca", "es", "en"],
        ["governance"],
        ["domain-expert"],
    ),
    (
        "it-social",
        "Social co-op coordinator, Bologna (demo)",
        "info@pontedigitale.demo.minga.coop",
        None,
        "en",
        "Europe/Rome",
        ["it", "en", "fr"],
        ["training", "translation"],
        ["translator", "facilitator"],
    ),
]

# (slug, founder key, fields, other members as (person key, role))
COOPS = [
    (
        "ica",
        "organiser",
        dict(
            name="International Cooperative Alliance",
            legal_form="federation",
            country="BE",
            region="Brussels",
            sector="federation",
            founded_year=1895,
            member_count=306,
            website="https://ica.coop",
            languages=["en", "fr", "es"],
            is_organiser=True,
            description="The global voice of cooperatives. Organiser of Minga coop-a-thons.",
        ),
        [("ca-dev", "member"), ("it-social", "member")],
    ),
    (
        "twizerane-coffee",
        "rw-secretary",
        dict(
            name="Twizerane Coffee Growers Cooperative",
            legal_form="primary",
            country="RW",
            region="Southern Province",
            sector="agriculture",
            founded_year=2001,
            member_count=1450,
            languages=["rw", "fr", "en"],
            description="Smallholder coffee growers who wash, dry and sell their coffee together.",
        ),
        [("rw-farmer", "member")],
    ),
    (
        "umurenge-sacco-nyamata",
        "rw-secretary",
        dict(
            name="Umurenge SACCO Nyamata",
            legal_form="sacco",
            country="RW",
            region="Eastern Province",
            sector="savings-credit",
            founded_year=2009,
            member_count=8200,
            languages=["rw", "en"],
            description="Savings and credit for the households of Nyamata.",
        ),
        [("rw-farmer", "member")],
    ),
    (
        "mwangaza-sacco",
        "ke-treasurer",
        dict(
            name="Mwangaza Savings and Credit Cooperative",
            legal_form="sacco",
            country="KE",
            region="Nyeri",
            sector="savings-credit",
            founded_year=1987,
            member_count=23000,
            website="https://mwangaza.demo.minga.coop",
            languages=["sw", "en"],
            description="Deposits, loans and M-PESA services for teachers and farmers of Nyeri.",
        ),
        [],
    ),
    (
        "kiambu-dairy",
        "ke-treasurer",
        dict(
            name="Kiambu Dairy Farmers Cooperative",
            legal_form="primary",
            country="KE",
            region="Kiambu",
            sector="agriculture",
            founded_year=1961,
            member_count=27000,
            languages=["sw", "en"],
            description="Milk collection, cooling and processing.",
        ),
        [],
    ),
    (
        "nairobi-tech",
        "ke-dev",
        dict(
            name="Nairobi Tech Workers Cooperative",
            legal_form="worker",
            country="KE",
            region="Nairobi",
            sector="it",
            founded_year=2019,
            member_count=14,
            languages=["sw", "en"],
            description="USSD, SMS and mobile-money integrations.",
        ),
        [],
    ),
    (
        "codigo-sur",
        "ar-dev",
        dict(
            name="Cooperativa de Trabajo Código Sur",
            legal_form="worker",
            country="AR",
            region="Córdoba",
            sector="it",
            founded_year=2012,
            member_count=31,
            website="https://codigosur.demo.minga.coop",
            languages=["es", "en"],
            description="Cooperativa de software libre de la federación de tecnología.",
        ),
        [],
    ),
    (
        "yerba-litoral",
        "ar-dev",
        dict(
            name="Cooperativa Agrícola Yerba del Litoral",
            legal_form="primary",
            country="AR",
            region="Misiones",
            sector="agriculture",
            founded_year=1948,
            member_count=640,
            languages=["es", "gn"],
            description="Productores de yerba mate.",
        ),
        [],
    ),
    (
        "sertao-credito",
        "br-credit",
        dict(
            name="Cooperativa de Crédito Solidário do Sertão",
            legal_form="sacco",
            country="BR",
            region="Bahia",
            sector="savings-credit",
            founded_year=2004,
            member_count=5100,
            languages=["pt"],
            description="Crédito solidário para agricultores familiares.",
        ),
        [],
    ),
    (
        "tecnoapoio",
        "br-designer",
        dict(
            name="Tecnoapoio Cooperativa de Software Livre",
            legal_form="worker",
            country="BR",
            region="Rio Grande do Sul",
            sector="it",
            founded_year=2008,
            member_count=22,
            languages=["pt", "es"],
            description="Design e desenvolvimento para cooperativas.",
        ),
        [],
    ),
    (
        "kaveri-dairy",
        "in-dairy",
        dict(
            name="Kaveri Women's Dairy Cooperative",
            legal_form="primary",
            country="IN",
            region="Gujarat",
            sector="agriculture",
            founded_year=1974,
            member_count=3600,
            languages=["hi", "en"],
            description="Village milk collection run by women members.",
        ),
        [],
    ),
    (
        "kerala-it",
        "in-dev",
        dict(
            name="Kerala IT Workers Cooperative",
            legal_form="worker",
            country="IN",
            region="Kerala",
            sector="it",
            founded_year=2016,
            member_count=48,
            languages=["en", "hi"],
            description="Mobile apps and data services for cooperatives.",
        ),
        [],
    ),
    (
        "prairie-tech",
        "ca-dev",
        dict(
            name="Prairie Tech Co-operative",
            legal_form="worker",
            country="CA",
            region="Manitoba",
            sector="it",
            founded_year=2014,
            member_count=11,
            languages=["en", "fr"],
            description="Security and hosting for co-ops.",
        ),
        [],
    ),
    (
        "caisse-rivieres",
        "ca-caisse",
        dict(
            name="Caisse populaire des Rivières",
            legal_form="sacco",
            country="CA",
            region="Québec",
            sector="savings-credit",
            founded_year=1910,
            member_count=12000,
            languages=["fr", "en"],
            description="Caisse d'épargne et de crédit.",
        ),
        [],
    ),
    (
        "energia-montseny",
        "es-energy",
        dict(
            name="Cooperativa Eléctrica del Montseny",
            legal_form="primary",
            country="ES",
            region="Catalunya",
            sector="energy",
            founded_year=2011,
            member_count=2900,
            languages=["ca", "es"],
            description="Energía renovable de sus socias y socios.",
        ),
        [],
    ),
    (
        "ponte-digitale",
        "it-social",
        dict(
            name="Cooperativa Sociale Ponte Digitale",
            legal_form="primary",
            country="IT",
            region="Emilia-Romagna",
            sector="platform",
            founded_year=2017,
            member_count=85,
            languages=["it", "en"],
            description="Formazione digitale e piattaforme cooperative.",
        ),
        [("ca-dev", "member")],
    ),
]


class Command(BaseCommand):
    help = "Load the demo world of cooperatives and people (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-sign-ins",
            action="store_true",
            help="Load the demo without listing its sign-ins (`make demo` lists them last).",
        )
        parser.add_argument(
            "--sign-ins-after",
            metavar="URL",
            help=(
                "Load nothing: wait until URL answers (the demo's server has started), then "
                "list the sign-ins, so they are the last thing in the terminal."
            ),
        )

    def handle(self, *args, **options):
        if options["sign_ins_after"]:
            self._wait_for(options["sign_ins_after"])
            self._sign_ins()
            return
        # The demo world is loaded, not lived: keep its invitations and notices out of the
        # console (SMS stay with the console provider, which only records them).
        quiet = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
        with override_settings(MAILERS=quiet, SMS_PROVIDER="console"):
            self._load()
        if not options["no_sign_ins"]:
            self._sign_ins()

    def _wait_for(self, url: str, seconds: float = 120) -> None:
        """Until `url` answers at all (any status) or `seconds` pass."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(url, timeout=2).close()  # noqa: S310 (our own server)
                return
            except urllib.error.HTTPError:
                return  # it answered
            except OSError:
                time.sleep(0.5)

    def _sign_ins(self) -> None:
        self.stdout.write("")
        self.stdout.write(f"Minga's demo is served at {settings.MINGA_PUBLIC_URL}/")
        self.stdout.write(f"Demo sign-ins (password for all: {PASSWORD}):")
        for _key, name, email, phone, *_rest in PEOPLE:
            self.stdout.write(f"  {email or phone:42} {name}")
        self.stdout.write("The organiser is also staff: /admin/")
        for name in DEMO_MODULES:
            if importlib.util.find_spec(name) is not None:
                notes = getattr(importlib.import_module(name), "sign_in_notes", None)
                for line in notes() if notes else []:
                    self.stdout.write(line)

    def _load(self):
        with transaction.atomic():
            people = {key: self._person(*row) for key, *row in PEOPLE}
            for slug, founder, fields, others in COOPS:
                coop = Cooperative.objects.filter(slug=slug).first()
                if coop is None:
                    coop = actions.create_cooperative(actor=people[founder], slug=slug, **fields)
                for key, role in others:
                    if not Membership.objects.filter(coop=coop, person=people[key]).exists():
                        self._invite(coop, people[founder], people[key], role)
            coops = {slug: Cooperative.objects.get(slug=slug) for slug, *_rest in COOPS}
            for name in DEMO_MODULES:
                if importlib.util.find_spec(name) is not None:
                    importlib.import_module(name).load(
                        people=people, coops=coops, stdout=self.stdout
                    )
            # The operator at the command line (actor None) makes the organiser a superuser.
            set_staff_access(
                person=people["organiser"], actor=None, is_staff=True, is_superuser=True
            )
        # Sign a checkpoint so the public log and every receipt verify at once.
        call_command("log", "checkpoint", verbosity=0, stdout=io.StringIO())
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo world ready: {Cooperative.objects.count()} cooperatives, "
                f"{User.objects.count()} people."
            )
        )

    def _person(self, name, email, phone, language, zone, languages, skills, roles) -> User:
        """The demo person, signed up as anyone would be, then with their profile filled in."""
        user = User.objects.filter(email=email).first() if email else None
        user = user or (User.objects.filter(phone=phone).first() if phone else None)
        if user is None:
            user = sign_up(
                name=name,
                email=email,
                phone=phone,
                password=PASSWORD,
                preferred_language=language,
                timezone_name=zone,
                base_url=BASE_URL,
            )
            profile = {"languages": languages, "skills": skills, "roles": roles}
            update_profile(user=user, actor=user, changes=profile)
        if phone and not user.is_phone_verified:
            # The demo's numbers are made up: nobody could type back a code sent to them.
            user = record_phone_verified(user=user, actor=None)
        return user

    def _invite(self, coop, inviter, person, role) -> None:
        """Add a member as on the site: the founder invites, the person accepts."""
        invitation = actions.create_invitation(
            coop=coop, actor=inviter, role=role, base_url=BASE_URL
        )
        actions.accept_invitation(token=invitation.token, person=person)
