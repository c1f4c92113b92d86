"""Demo credentials for `minga demo` (idempotent): an IT cooperative's competency badge.

Código Sur (an IT cooperative in Argentina) recognises "Accessible web forms" in four
languages, aligned to two W3C accessibility references, and has issued it to three people of other
cooperatives: each reads it in their own language. One was suspended while a portfolio
link is checked, so the page, the status list and the verification page show a suspension
with its reason. Coop-a-thon certificates come from the judging demo (recording awards
issues them) and training certificates from the trainings demo. A demo database made by an
earlier version has credentials whose subject is a hash of a contact: they are re-issued.
"""

from minga.core.lookups import keyed

from .actions import (
    define_achievement,
    issue_credential,
    reissue_contact_hashes,
    suspend_credential,
)
from .models import Achievement, Credential

KEY = "demo:accessible-forms"
TEXTS = {
    "en": (
        "Accessible web forms",
        "Builds web forms that work with a screen reader, a keyboard and a 320 px phone.",
        "Show two forms you built that pass an accessibility review by a member of Código Sur.",
    ),
    "es": (
        "Formularios web accesibles",
        "Construye formularios web que funcionan con lector de pantalla, teclado y un "
        "teléfono de 320 px.",
        "Mostrar dos formularios propios que aprueben una revisión de accesibilidad hecha por "
        "una persona de Código Sur.",
    ),
    "fr": (
        "Formulaires web accessibles",
        "Construit des formulaires web utilisables avec un lecteur d'écran, un clavier et un "
        "téléphone de 320 px.",
        "Présenter deux formulaires réalisés qui passent une revue d'accessibilité par un "
        "membre de Código Sur.",
    ),
    "pt-br": (
        "Formulários web acessíveis",
        "Cria formulários web que funcionam com leitor de tela, teclado e um celular de 320 px.",
        "Mostrar dois formulários próprios aprovados em uma revisão de acessibilidade feita por "
        "um membro da Código Sur.",
    ),
}
SKILLS = [
    {
        "target_name": "Web Content Accessibility Guidelines",
        "target_url": "https://www.w3.org/WAI/standards-guidelines/wcag/",
        "target_framework": "WCAG 2.2",
    },
    {
        "target_name": "Accessible forms",
        "target_url": "https://www.w3.org/WAI/tutorials/forms/",
        "target_framework": "W3C WAI tutorials",
    },
]
RECIPIENTS = ["br-designer", "ke-dev", "in-dev"]
SUSPENDED = "in-dev"


def load(*, people, coops, stdout) -> None:
    coop = coops["codigo-sur"]
    founder = people["ar-dev"]
    achievement = Achievement.objects.filter(keyed(key=KEY), coop=coop).first()
    if achievement is None:
        name, description, criteria = TEXTS["es"]
        achievement = define_achievement(
            coop=coop,
            actor=founder,
            key=KEY,
            language="es",
            achievement_type="Competency",
            name=name,
            description=description,
            criteria=criteria,
            translations=[
                {"language": code, "name": n, "description": d, "criteria": c}
                for code, (n, d, c) in TEXTS.items()
                if code != "es"
            ],
            alignments=SKILLS,
        )
    for key in RECIPIENTS:
        source = f"{KEY}:{key}"
        if Credential.objects.filter(keyed(source=source)).exists():
            continue
        credential = issue_credential(
            achievement=achievement,
            recipient=people[key],
            evidence=[
                {
                    "id": "https://codigosur.demo.minga.coop/portfolio/forms",
                    "name": "Portfolio",
                    "genre": "Portfolio",
                }
            ],
            source=source,
            actor=founder,
        )
        if key == SUSPENDED:
            suspend_credential(
                credential=credential,
                reason="Under review: the portfolio link does not open.",
                actor=founder,
            )
    replaced = reissue_contact_hashes(actor=None)
    if replaced:
        stdout.write(f"Credentials: {len(replaced)} re-issued without a hash of a contact.")
    issued = Credential.objects.count()
    stdout.write(f"Credentials: {issued} issued in all (competency badges, awards, trainings).")
