"""Demo needs of the demo cooperatives, for `minga demo` (idempotent).

Every need goes through the same actions as on the website (drafted, saved, submitted,
followed up, decided), so the audit log and the threads tell their story. A need that exists
already (same cooperative, same title) is left as it is.
"""

from minga.coops.models import Cooperative

from . import actions
from .models import Need

ACCEPTED, DECLINED = Need.Status.ACCEPTED, Need.Status.DECLINED
CHANGES, DRAFT = Need.Status.CHANGES_REQUESTED, Need.Status.DRAFT

NEEDS = [
    {
        "coop": "twizerane-coffee",
        "by": "rw-secretary",
        "status": ACCEPTED,
        "translations": [
            (
                "ca-caisse",
                "fr",
                {
                    "title": "Livraisons de cerises de café suivies par SMS",
                    "affected": (
                        "Les 1 450 membres producteurs, dont beaucoup de femmes âgées, qui "
                        "livrent leurs cerises à la station de lavage pendant la récolte "
                        "(mars à juin)."
                    ),
                    "problem": (
                        "Les membres ne peuvent pas vérifier combien de kilos de cerises ont "
                        "été enregistrés à leur nom. Les cahiers de la station se perdent ou "
                        "s'abîment, et les désaccords sur le paiement de fin de saison "
                        "minent la confiance dans la coopérative."
                    ),
                    "how_might_we": (
                        "Comment permettre aux membres qui n'ont qu'un téléphone simple de "
                        "vérifier chaque livraison le jour même ?"
                    ),
                    "scope": (
                        "Une maquette de service SMS ou USSD : le pointeur saisit une "
                        "livraison, le membre reçoit un SMS de confirmation et peut demander "
                        "son total de la saison."
                    ),
                    "success": (
                        "Chaque livraison confirmée par SMS en moins d'une minute ; plus "
                        "aucune contestation sans trace écrite à la fin de la saison."
                    ),
                },
            )
        ],
        "fields": {
            "title": "Cherry deliveries confirmed by SMS",
            "theme": "access",
            "language": "en",
            "affected": (
                "The 1,450 grower members, many of them older women, who bring coffee cherries "
                "to the washing station during the harvest (March to June)."
            ),
            "devices": ["basic-phone", "shared"],
            "connectivity": "sms",
            "literacy": "basic",
            "scenario": (
                "A grower walks two hours with 40 kg of cherries. The clerk writes the weight "
                "in a notebook. At the end of the season she is paid for 31 kg a week and "
                "cannot prove otherwise."
            ),
            "problem": (
                "Members cannot check how many kilos were recorded in their name. The station's "
                "notebooks get lost or damaged, and disputes over the end-of-season payment "
                "wear down trust in the cooperative."
            ),
            "why_now": (
                "The new board promised members transparent records before the next harvest; "
                "two collection points opened this year and double the paperwork."
            ),
            "how_might_we": (
                "How might we let members with basic phones check every delivery on the day "
                "they make it?"
            ),
            "current_practice": (
                "Paper notebooks at each collection point, copied by hand into a spreadsheet "
                "at the office once a week."
            ),
            "tried_before": (
                "A smartphone app from a buyer: few members have smartphones and the clerks "
                "had no data bundle."
            ),
            "constraint_kinds": ["budget", "power", "connectivity", "language"],
            "constraints": (
                "Collection points have no electricity; clerks charge phones at home. SMS must "
                "be in Kinyarwanda and cost the member nothing."
            ),
            "budget": "About 40 USD a month during the harvest for SMS",
            "scope": (
                "A prototype SMS or USSD service: the clerk records a delivery, the member gets "
                "a confirmation SMS and can ask for the season's total."
            ),
            "examples": (
                "Clerk sends: D 0788100002 38.5 → member receives: “Twizerane: 38.5 kg "
                "recorded on 14/04. Season total: 412 kg.”"
            ),
            "answer_kinds": ["prototype", "design"],
            "success": (
                "Every delivery confirmed by SMS within a minute; no dispute without a record "
                "at the end of the season."
            ),
            "owner_hours": "Weekdays 08:00–12:00",
            "expert_name": "Washing-station manager (demo)",
            "expert_timezone": "Africa/Kigali",
            "expert_hours": "Weekdays 14:00–16:00",
            "members_can_test": True,
            "adopter": (
                "The cooperative's office, with the union's IT officer; the district's SACCO "
                "could reuse it for loan repayments."
            ),
            "follow_on": "The union can fund a small maintenance contract with an IT coop.",
            "licences": ["AGPL-3.0-or-later", "GPL-3.0-or-later", "CC-BY-SA-4.0"],
        },
        "documents": [
            {
                "title": "Delivery notebook, two pages photographed",
                "description": "Names and phone numbers blurred",
                "licence": "CC-BY-4.0",
                "sensitivity": "public",
                "url": "https://twizerane.demo.minga.coop/notebook-sample.pdf",
            },
            {
                "title": "Member register",
                "description": "Names, phone numbers, plots",
                "licence": "event-only",
                "sensitivity": "personal",
            },
        ],
    },
    {
        "coop": "mwangaza-sacco",
        "by": "ke-treasurer",
        "status": ACCEPTED,
        "thread": [
            (
                "organiser",
                "Thank you, this is clear. Could you share an anonymised M-PESA statement so "
                "teams see the real format?",
            ),
            (
                "ke-treasurer",
                "Yes: we will add 200 rows with names and phone numbers replaced by codes.",
            ),
        ],
        "changes": (
            "Please say which part fits in 48 hours: reconciliation of paybill deposits only, "
            "or loans too?"
        ),
        "after_changes": {
            "scope": (
                "Match one month of paybill deposits to member accounts from the statement "
                "and the member list, and list what cannot be matched for the clerk to check. "
                "Loans are out of scope."
            ),
        },
        "fields": {
            "title": "Reconciling M-PESA deposits with member accounts",
            "theme": "fintech",
            "language": "en",
            "affected": (
                "The SACCO's three clerks, and 23,000 members (teachers and farmers) who "
                "deposit savings through the paybill number."
            ),
            "devices": ["basic-phone", "smartphone", "computer"],
            "connectivity": "mobile",
            "literacy": "apps",
            "scenario": (
                "A farmer pays 2,000 shillings with the wrong account number. For three weeks "
                "the money sits in a suspense account and she is told she is in arrears."
            ),
            "problem": (
                "Each month thousands of deposits arrive with missing or wrong account numbers. "
                "Clerks match them by hand from statements; errors and delays make members "
                "doubt their balances and hide room for fraud."
            ),
            "why_now": (
                "The regulator's inspection found 4% of deposits unreconciled for over 30 days."
            ),
            "how_might_we": (
                "How might we match every mobile-money deposit to the right member within a "
                "day, and show what cannot be matched?"
            ),
            "current_practice": (
                "Monthly CSV statements from the provider, a spreadsheet per clerk, and the "
                "core banking system where entries are keyed in by hand."
            ),
            "tried_before": "A vendor module, too expensive for a SACCO of our size.",
            "constraint_kinds": ["budget", "regulation", "data-protection"],
            "constraints": (
                "SACCO regulations require maker-checker approval of every posting; member "
                "data may not leave the country."
            ),
            "budget": "Hosting up to 30 USD a month",
            "scope": "Reconciliation of paybill deposits against the member list.",
            "examples": (
                "Input: statement row “QK73…, 2000, account 10O57” → output: member 10057 "
                "(letter O read as zero), confidence high."
            ),
            "answer_kinds": ["prototype", "analysis"],
            "success": "Unreconciled deposits below 0.5% after 7 days.",
            "owner_hours": "Weekdays 09:00–13:00",
            "expert_name": "External auditor of the SACCO union (demo)",
            "expert_timezone": "Africa/Nairobi",
            "expert_hours": "Tuesday and Thursday 15:00–17:00",
            "members_can_test": False,
            "adopter": "The SACCO's operations team; the SACCO union could offer it to others.",
            "follow_on": "Budget for a follow-on contract with an IT cooperative next year.",
            "licences": ["AGPL-3.0-or-later", "MPL-2.0", "Apache-2.0"],
        },
        "documents": [
            {
                "title": "Anonymised paybill statement, 200 rows",
                "description": "Codes instead of names and numbers",
                "licence": "CC0-1.0",
                "sensitivity": "public",
                "url": "https://mwangaza.demo.minga.coop/statement-sample.csv",
            },
            {
                "title": "Reconciliation procedure",
                "description": "The clerks' current steps",
                "licence": "event-only",
                "sensitivity": "teams",
            },
        ],
    },
    {
        "coop": "kaveri-dairy",
        "by": "in-dairy",
        "status": ACCEPTED,
        "fields": {
            "title": "Milk-collection records members can check",
            "theme": "access",
            "language": "en",
            "affected": (
                "3,600 women members in 14 villages who pour milk twice a day at the village "
                "collection centre, and the centre secretaries."
            ),
            "devices": ["basic-phone", "shared"],
            "connectivity": "intermittent",
            "literacy": "low",
            "scenario": (
                "A member is paid every ten days on quantity and fat content. She cannot read "
                "the printed slip and must trust the secretary's word."
            ),
            "problem": (
                "Members cannot follow the quantity, fat and price of their own milk. Printed "
                "slips are hard to read and often not given; members suspect errors."
            ),
            "why_now": "A new cooling centre brings a price per fat unit members must understand.",
            "how_might_we": (
                "How might we let every member know, in her language and without reading, "
                "what her milk was worth each day?"
            ),
            "current_practice": (
                "An electronic milk tester and a small printer at each centre; a ledger sent "
                "to the union on paper every ten days."
            ),
            "constraint_kinds": ["power", "connectivity", "language"],
            "constraints": "Power cuts every evening; members speak Gujarati and Hindi.",
            "budget": "None beyond SMS costs",
            "scope": (
                "Design a voice or picture-based daily summary a member can get on a basic "
                "phone, from the tester's data export."
            ),
            "answer_kinds": ["design", "prototype"],
            "success": "Members at two pilot centres say they understand their payment.",
            "owner_hours": "Monday to Saturday 10:00–13:00",
            "expert_name": "Union's quality-control officer (demo)",
            "expert_timezone": "Asia/Kolkata",
            "expert_hours": "Weekdays 15:00–17:00",
            "members_can_test": True,
            "adopter": "The district milk union, which runs the centres' equipment.",
            "licences": ["GPL-3.0-or-later", "MIT", "CC-BY-4.0"],
        },
        "documents": [
            {
                "title": "Milk tester daily export (sample)",
                "description": "Quantity, fat, SNF per member code",
                "licence": "CC-BY-4.0",
                "sensitivity": "teams",
            }
        ],
    },
    {
        "coop": "umurenge-sacco-nyamata",
        "by": "rw-secretary",
        "status": ACCEPTED,
        "fields": {
            "title": "General assemblies members can join from afar",
            "theme": "decisions",
            "language": "en",
            "affected": (
                "8,200 members, many living two hours from Nyamata; fewer than one in ten "
                "attends the annual general assembly."
            ),
            "devices": ["basic-phone", "smartphone"],
            "connectivity": "intermittent",
            "literacy": "basic",
            "scenario": (
                "A member cannot afford the bus fare on assembly day; the board is elected by "
                "the 600 members who live near the office."
            ),
            "problem": (
                "Decisions are taken by the few who can travel, so most members feel the "
                "SACCO is not theirs, and quorum is hard to reach."
            ),
            "how_might_we": (
                "How might we let members who cannot travel follow the assembly and vote on "
                "its decisions?"
            ),
            "current_practice": "Assembly in the district hall; paper ballots; minutes on paper.",
            "constraint_kinds": ["regulation", "connectivity"],
            "constraints": (
                "The cooperative law requires a quorum and secret ballots for elections; "
                "voice calls are cheap, data is not."
            ),
            "scope": (
                "A process and a prototype for voting by USSD on the assembly's resolutions, "
                "with results the supervisory committee can verify."
            ),
            "answer_kinds": ["proposal", "prototype", "process"],
            "success": "A quarter of members take part in the next assembly.",
            "owner_hours": "Weekdays 09:00–11:00",
            "expert_name": "Chair of the supervisory committee (demo)",
            "expert_timezone": "Africa/Kigali",
            "expert_hours": "Saturday 09:00–12:00",
            "members_can_test": True,
            "adopter": "The SACCO, with the national cooperative agency's approval.",
            "licences": ["AGPL-3.0-or-later", "CC-BY-SA-4.0"],
        },
    },
    {
        "coop": "sertao-credito",
        "by": "br-credit",
        "status": ACCEPTED,
        "fields": {
            "title": "Recibos confiáveis quando um agente age pelo associado",
            "theme": "fintech",
            "language": "pt",
            "affected": (
                "Associados idosos sem celular que pagam parcelas por meio de agentes "
                "comunitários, e os próprios agentes."
            ),
            "devices": ["none", "basic-phone"],
            "connectivity": "sms",
            "literacy": "low",
            "scenario": (
                "Um agricultor entrega 300 reais ao agente da comunidade; semanas depois a "
                "parcela aparece em atraso e ninguém sabe onde está o dinheiro."
            ),
            "problem": (
                "Não há prova do pagamento entregue ao agente; erros e desvios só aparecem "
                "semanas depois e minam a confiança na cooperativa."
            ),
            "how_might_we": (
                "Como poderíamos dar ao associado sem celular uma prova imediata de cada "
                "pagamento feito por um agente?"
            ),
            "current_practice": "Recibos de papel em talão; conferência mensal na agência.",
            "constraint_kinds": ["regulation", "connectivity", "budget"],
            "constraints": "Normas do Banco Central para correspondentes; sinal fraco no sertão.",
            "scope": (
                "Um protótipo de recibo por SMS enviado a um familiar ou ao telefone do "
                "posto de saúde, com código de verificação."
            ),
            "answer_kinds": ["prototype", "process"],
            "success": "Nenhum pagamento por agente sem recibo verificável.",
            "owner_hours": "Dias úteis 08:00–11:00",
            "expert_name": "Coordenadora de agentes comunitários (demo)",
            "expert_timezone": "America/Bahia",
            "expert_hours": "Dias úteis 14:00–16:00",
            "members_can_test": True,
            "adopter": "A central de cooperativas de crédito solidário do estado.",
            "licences": ["AGPL-3.0-or-later", "GPL-3.0-or-later"],
        },
    },
    {
        "coop": "ponte-digitale",
        "by": "it-social",
        "status": ACCEPTED,
        "fields": {
            "title": "A booking platform owned by home-care workers",
            "theme": "platform-coops",
            "language": "en",
            "affected": (
                "85 worker members who provide home care, and the families who book them "
                "today through a commercial app taking 25% of each visit."
            ),
            "devices": ["smartphone", "computer"],
            "connectivity": "mobile",
            "literacy": "apps",
            "scenario": (
                "A carer gets a booking at the other end of the city with 30 minutes' notice "
                "and cannot refuse without losing her rating."
            ),
            "problem": (
                "Workers depend on a platform they do not control: fees, ratings and schedules "
                "are set elsewhere and the cooperative has no data about its own work."
            ),
            "how_might_we": (
                "How might we let families book care from a platform the carers own and govern?"
            ),
            "current_practice": "A commercial app, phone calls and a shared spreadsheet.",
            "tried_before": "Another cooperative's platform; it did not handle shift swaps.",
            "constraint_kinds": ["data-protection", "budget"],
            "constraints": "Health data under the GDPR; no budget for app-store fees.",
            "scope": "Design and prototype shift booking and swaps between members.",
            "answer_kinds": ["design", "prototype"],
            "success": "The first 20 families book through the cooperative's own service.",
            "owner_hours": "Weekdays 09:00–17:00",
            "expert_name": "Care coordinator of the cooperative (demo)",
            "expert_timezone": "Europe/Rome",
            "expert_hours": "Weekdays 10:00–12:00",
            "members_can_test": True,
            "adopter": "The cooperative and the regional network of social cooperatives.",
            "licences": ["AGPL-3.0-or-later"],
        },
    },
    {
        "coop": "yerba-litoral",
        "by": "ar-dev",
        "status": ACCEPTED,
        "fields": {
            "title": "Capacitación digital para productores mayores",
            "theme": "know-how",
            "language": "es",
            "affected": (
                "Productores de yerba mate de más de 55 años, que venden a la cooperativa y "
                "reciben sus liquidaciones por WhatsApp desde este año."
            ),
            "devices": ["smartphone", "shared"],
            "connectivity": "intermittent",
            "literacy": "basic",
            "scenario": (
                "Un productor pide a su nieto que le lea la liquidación y no sabe si el "
                "descuento por humedad es correcto."
            ),
            "problem": (
                "Muchos socios no saben usar las herramientas digitales que la cooperativa "
                "empezó a usar y dependen de terceros para informarse."
            ),
            "how_might_we": (
                "¿Cómo podríamos ayudar a los socios mayores a manejar solos sus liquidaciones "
                "y avisos en el teléfono?"
            ),
            "current_practice": "Reuniones presenciales esporádicas; ayuda de familiares.",
            "constraint_kinds": ["connectivity", "language"],
            "constraints": "Poca señal en las chacras; algunos socios hablan guaraní.",
            "scope": "Un plan de formación y materiales breves en audio y video livianos.",
            "answer_kinds": ["process", "design"],
            "success": "La mitad de los socios mayores lee sola su liquidación.",
            "owner_hours": "Lunes a viernes 08:00–12:00",
            "expert_name": "Técnico de extensión de la cooperativa (demo)",
            "expert_timezone": "America/Argentina/Cordoba",
            "expert_hours": "Martes 15:00–18:00",
            "members_can_test": True,
            "adopter": "La cooperativa y la federación provincial de cooperativas.",
            "licences": ["CC-BY-SA-4.0", "CC-BY-4.0"],
        },
    },
    {
        "coop": "kiambu-dairy",
        "by": "ke-treasurer",
        "status": CHANGES,
        "changes": (
            "This is two needs in one, and too large for 48 hours. Please pick one collection "
            "centre and one task (training or the new records), and say who would run it after."
        ),
        "fields": {
            "title": "Training collection clerks on the new milk records",
            "theme": "know-how",
            "language": "en",
            "affected": "62 collection clerks, many new this year, in 31 collection centres.",
            "devices": ["smartphone"],
            "connectivity": "intermittent",
            "literacy": "apps",
            "scenario": "A new clerk keys in evening milk as morning milk for a whole week.",
            "problem": (
                "Clerks make recording mistakes that members pay for; training happens once a "
                "year at the head office and most clerks cannot attend."
            ),
            "how_might_we": "How might we train clerks where they work, when they need it?",
            "current_practice": "A yearly workshop and a printed manual.",
            "constraints": "Clerks work two shifts a day, seven days a week.",
            "scope": "A training programme and a new records app.",
            "success": "Fewer corrections at the end of each month.",
            "owner_hours": "Weekdays 08:00–10:00",
            "expert_name": "Head of milk collection (demo)",
            "expert_timezone": "Africa/Nairobi",
            "expert_hours": "Weekdays 11:00–12:00",
            "adopter": "The cooperative's training officer.",
            "licences": ["CC-BY-4.0"],
        },
    },
    {
        "coop": "caisse-rivieres",
        "by": "ca-caisse",
        "status": DECLINED,
        "reason": (
            "Not solvable by software: it needs the internet provider, or a community network "
            "project, not a remote team. We suggest asking the federation's rural connectivity "
            "programme."
        ),
        "fields": {
            "title": "Internet pour les membres des rangs",
            "theme": "access",
            "language": "fr",
            "affected": "Les membres des rangs éloignés, surtout les producteurs agricoles.",
            "devices": ["smartphone", "computer"],
            "connectivity": "none",
            "literacy": "computers",
            "scenario": "Un producteur se rend au village pour consulter son compte en ligne.",
            "problem": (
                "Aucune connexion fiable dans les rangs : les services en ligne sont hors "
                "d'atteinte."
            ),
            "how_might_we": "Comment pourrions-nous brancher les rangs à Internet ?",
            "current_practice": "Les membres se déplacent au comptoir.",
            "constraints": "Le fournisseur n'a pas prévu d'investir dans la région.",
            "scope": "Une connexion haut débit pour les rangs.",
            "success": "Tous les membres branchés.",
            "owner_hours": "En semaine 09:00–12:00",
            "expert_name": "Directrice générale de la caisse (demo)",
            "expert_timezone": "America/Toronto",
            "expert_hours": "Mercredi 13:00–15:00",
            "adopter": "La caisse.",
            "licences": ["CC-BY-4.0"],
        },
    },
    {
        "coop": "energia-montseny",
        "by": "es-energy",
        "status": DRAFT,
        "fields": {
            "title": "Votar la nueva instalación solar a distancia",
            "theme": "decisions",
            "language": "es",
            "affected": "Las 2.900 socias y socios, repartidos por doce municipios.",
            "problem": (
                "La asamblea debe decidir una inversión grande y muchas socias no pueden ir "
                "a la sede un sábado."
            ),
        },
    },
]

ACCEPT_NOTE = "Accepted: clear to outsiders, scoped for the time box, owner available."


def load(*, people, coops, stdout) -> None:
    organiser = people["organiser"]
    created = 0
    with actions.notifications_off():
        for spec in NEEDS:
            coop: Cooperative = coops[spec["coop"]]
            if Need.objects.filter(coop=coop, title=spec["fields"]["title"]).exists():
                continue
            _load_one(spec, coop=coop, people=people, organiser=organiser)
            created += 1
    if created:
        stdout.write(f"Needs: {created} added to the catalogue and the organisers' follow-up.")


def _load_one(spec, *, coop, people, organiser) -> None:
    author = people[spec["by"]]
    fields = dict(spec["fields"])
    first = {name: fields.pop(name) for name in ("title", "language")}
    need = actions.create_need(coop=coop, actor=author, fields=first)
    fields["owner_timezone"] = author.timezone
    need = actions.save_need_draft(
        need=need, actor=author, changes=fields, documents=spec.get("documents", [])
    )
    if spec["status"] == DRAFT:
        return
    need = actions.submit_need(need=need, actor=author)
    for key, body in spec.get("thread", []):
        actions.add_comment(need=need, actor=people[key], body=body)
    if spec.get("changes"):
        need = actions.request_changes(need=need, actor=organiser, message=spec["changes"])
        if spec["status"] == CHANGES:
            return
        need = actions.save_need_draft(need=need, actor=author, changes=spec["after_changes"])
        need = actions.submit_need(need=need, actor=author)
    if spec["status"] == ACCEPTED:
        need = actions.accept_need(need=need, actor=organiser, message=ACCEPT_NOTE)
    elif spec["status"] == DECLINED:
        need = actions.decline_need(need=need, actor=organiser, reason=spec["reason"])
    for key, language, texts in spec.get("translations", []):
        actions.translate_need(need=need, actor=people[key], language=language, texts=texts)
