"""The demo's people: each signs up as anyone would, then fills in a profile (idempotent).

Loaded first by `minga demo` (see `minga.core.management.commands.demo`): fills `people`, by
the keys below, for the demo modules of the apps above.
"""

from minga.accounts.actions import (
    record_phone_verified,
    set_staff_access,
    sign_up,
    update_profile,
)
from minga.accounts.models import User

PASSWORD = "minga-demo-2026"
BASE_URL = "https://demo.minga.coop"

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


def load(*, people, coops, stdout) -> None:
    people.update({key: person(*row) for key, *row in PEOPLE})
    # The operator at the command line (actor None) makes the organiser a superuser.
    set_staff_access(person=people["organiser"], actor=None, is_staff=True, is_superuser=True)


def sign_in_notes() -> list[str]:
    return [
        f"Demo sign-ins (password for all: {PASSWORD}):",
        *(f"  {email or phone:42} {name}" for _key, name, email, phone, *_rest in PEOPLE),
        "The organiser is also staff: /admin/",
    ]


def person(
    name, email, phone, language="en", zone="Africa/Nairobi", languages=(), skills=(), roles=()
) -> User:
    """The demo person, signed up as anyone would be, then with their profile filled in (the
    other apps' demos make their people here too); their phone counts as verified."""
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
        if languages or skills or roles:
            profile = {"languages": list(languages), "skills": list(skills), "roles": list(roles)}
            update_profile(user=user, actor=user, changes=profile)
    if phone and not user.is_phone_verified:
        # The demo's numbers are made up: nobody could type back a code sent to them.
        user = record_phone_verified(user=user, actor=None)
    return user
