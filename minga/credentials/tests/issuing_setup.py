"""A cooperative's achievement, defined as an administrator would, for the issuing tests."""

from minga.credentials import actions


def define_bookkeeping(coop, owner):
    return actions.define_achievement(
        coop=coop,
        actor=owner,
        name="Bookkeeping basics",
        description="Keeps a cooperative's books by double entry.",
        criteria="Attend four sessions and pass the assessment.",
        achievement_type="CertificateOfCompletion",
        translations=[
            {
                "language": "es",
                "name": "Contabilidad básica",
                "description": "Lleva los libros de una cooperativa por partida doble.",
                "criteria": "Asistir a cuatro sesiones y aprobar la evaluación.",
            }
        ],
        alignments=[{"target_name": "Bookkeeping", "target_url": "https://example.org/skills/1"}],
    )
