"""The demo's cooperatives: registered by their founders, members joining by invitation.

Loaded after the people (`minga.accounts.demo`); fills `coops`, by slug, for the demo modules
of the apps above. Idempotent: existing cooperatives and memberships are kept.
"""

from minga.accounts.demo import BASE_URL

from . import actions
from .models import Cooperative, Membership

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


def load(*, people, coops, stdout) -> None:
    for slug, founder, fields, others in COOPS:
        coop = Cooperative.objects.filter(slug=slug).first()
        if coop is None:
            coop = actions.create_cooperative(actor=people[founder], slug=slug, **fields)
        for key, role in others:
            if not Membership.objects.filter(coop=coop, person=people[key]).exists():
                _invite(coop, people[founder], people[key], role)
    coops.update({slug: Cooperative.objects.get(slug=slug) for slug, *_rest in COOPS})


def _invite(coop, inviter, person, role) -> None:
    """Add a member as on the site: the founder invites, the person accepts."""
    invitation = actions.create_invitation(coop=coop, actor=inviter, role=role, base_url=BASE_URL)
    actions.accept_invitation(token=invitation.token, person=person)
