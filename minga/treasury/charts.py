"""Charts of accounts a cooperative starts from, in the four languages (no Django).

Each template is a list of accounts: (code, root type, role, names by language). A role names
an account the code relies on (where a member's shares are kept, where unidentified receipts
wait); the treasurer may rename, add and deactivate accounts afterwards, within the five root
types, but the roled accounts stay (see `actions.update_account`).
"""

from __future__ import annotations

from typing import NamedTuple

ROOT_TYPES = ("asset", "liability", "equity", "income", "expense")
# Debit-normal root types: a positive balance (debits exceed credits) is the normal one.
DEBIT_NORMAL = {"asset", "expense"}
# beancount's five root names, in the same order.
BEANCOUNT_ROOTS = {
    "asset": "Assets",
    "liability": "Liabilities",
    "equity": "Equity",
    "income": "Income",
    "expense": "Expenses",
}

# Roles the code relies on: every template has each of them once.
ROLES = (
    "cash",
    "bank",
    "mobile-money",
    "member-shares",
    "member-savings",
    "member-contributions",
    "suspense",
    "reserve",
    "surplus",
    "dividends-payable",
    "patronage-payable",
    "fees",
    "charges",
)
MEMBER_ROLES = ("member-shares", "member-savings", "member-contributions")


class Template(NamedTuple):
    code: str
    root: str
    role: str
    names: dict[str, str]  # en, es, fr, pt


def _a(code: str, root: str, role: str, en: str, es: str, fr: str, pt: str) -> Template:
    return Template(code, root, role, {"en": en, "es": es, "fr": fr, "pt": pt})


COMMON = [
    _a("1000", "asset", "cash", "Cash", "Caja", "Caisse", "Caixa"),
    _a("1010", "asset", "bank", "Bank", "Banco", "Banque", "Banco"),
    _a(
        "1020",
        "asset",
        "mobile-money",
        "Mobile money",
        "Dinero móvil",
        "Monnaie mobile",
        "Dinheiro móvel",
    ),
    _a(
        "2100",
        "liability",
        "member-savings",
        "Members' savings and deposits",
        "Ahorros y depósitos de los socios",
        "Épargne et dépôts des membres",
        "Poupanças e depósitos dos associados",
    ),
    _a(
        "2200",
        "liability",
        "member-contributions",
        "Members' contributions",
        "Aportes periódicos de los socios",
        "Cotisations des membres",
        "Contribuições dos associados",
    ),
    _a(
        "2300",
        "liability",
        "dividends-payable",
        "Dividends payable",
        "Dividendos por pagar",
        "Dividendes à payer",
        "Dividendos a pagar",
    ),
    _a(
        "2310",
        "liability",
        "patronage-payable",
        "Patronage refunds payable",
        "Retornos cooperativos por pagar",
        "Ristournes à payer",
        "Retornos cooperativos a pagar",
    ),
    _a(
        "2900",
        "liability",
        "suspense",
        "Suspense (unidentified receipts)",
        "Cuenta transitoria (cobros sin identificar)",
        "Compte d'attente (encaissements non identifiés)",
        "Conta transitória (recebimentos não identificados)",
    ),
    _a(
        "3000",
        "equity",
        "member-shares",
        "Members' share capital",
        "Capital social de los socios",
        "Parts sociales des membres",
        "Capital social dos associados",
    ),
    _a(
        "3100",
        "equity",
        "reserve",
        "Statutory reserve (indivisible)",
        "Reserva legal (irrepartible)",
        "Réserve statutaire (impartageable)",
        "Reserva legal (indivisível)",
    ),
    _a(
        "3200",
        "equity",
        "surplus",
        "Retained surplus",
        "Excedentes acumulados",
        "Excédents reportés",
        "Sobras acumuladas",
    ),
    _a(
        "4000",
        "income",
        "fees",
        "Entrance and membership fees",
        "Cuotas de ingreso y membresía",
        "Droits d'adhésion",
        "Joias e taxas de adesão",
    ),
    _a(
        "4900", "income", "", "Other income", "Otros ingresos", "Autres produits", "Outras receitas"
    ),
    _a(
        "5000",
        "expense",
        "",
        "Salaries and allowances",
        "Sueldos y dietas",
        "Salaires et indemnités",
        "Salários e ajudas de custo",
    ),
    _a("5100", "expense", "", "Rent", "Alquiler", "Loyer", "Aluguel"),
    _a(
        "5200",
        "expense",
        "charges",
        "Bank and mobile money charges",
        "Comisiones bancarias y de dinero móvil",
        "Frais bancaires et de monnaie mobile",
        "Tarifas bancárias e de dinheiro móvel",
    ),
    _a(
        "5300",
        "expense",
        "",
        "Office and communication",
        "Oficina y comunicaciones",
        "Bureau et communications",
        "Escritório e comunicações",
    ),
    _a(
        "5400",
        "expense",
        "",
        "Meetings and training",
        "Asambleas y capacitación",
        "Réunions et formation",
        "Assembleias e formação",
    ),
    _a(
        "5900", "expense", "", "Other expenses", "Otros gastos", "Autres charges", "Outras despesas"
    ),
]

SAVINGS_CREDIT = [
    _a(
        "1300",
        "asset",
        "",
        "Investments in other cooperatives",
        "Inversiones en otras cooperativas",
        "Placements dans d'autres coopératives",
        "Investimentos em outras cooperativas",
    ),
    _a(
        "4100",
        "income",
        "",
        "Interest and commissions",
        "Intereses y comisiones",
        "Intérêts et commissions",
        "Juros e comissões",
    ),
    _a(
        "5500",
        "expense",
        "",
        "Interest paid on deposits",
        "Intereses pagados sobre depósitos",
        "Intérêts versés sur les dépôts",
        "Juros pagos sobre depósitos",
    ),
]

PRODUCER = [
    _a(
        "1100",
        "asset",
        "",
        "Receivables from buyers",
        "Cuentas por cobrar a compradores",
        "Créances sur les acheteurs",
        "Contas a receber de compradores",
    ),
    _a(
        "1200",
        "asset",
        "",
        "Produce in stock",
        "Existencias de productos",
        "Stocks de produits",
        "Estoque de produtos",
    ),
    _a(
        "2400",
        "liability",
        "",
        "Payable to members for deliveries",
        "Por pagar a los socios por entregas",
        "Dû aux membres pour leurs livraisons",
        "A pagar aos associados pelas entregas",
    ),
    _a(
        "4100",
        "income",
        "",
        "Sales of produce",
        "Ventas de productos",
        "Ventes de produits",
        "Vendas de produtos",
    ),
    _a(
        "5500",
        "expense",
        "",
        "Produce bought from members",
        "Productos comprados a los socios",
        "Produits achetés aux membres",
        "Produtos comprados aos associados",
    ),
    _a(
        "5600",
        "expense",
        "",
        "Processing and transport",
        "Procesamiento y transporte",
        "Transformation et transport",
        "Processamento e transporte",
    ),
]

WORKER = [
    _a(
        "1100",
        "asset",
        "",
        "Receivables from clients",
        "Cuentas por cobrar a clientes",
        "Créances clients",
        "Contas a receber de clientes",
    ),
    _a(
        "2400",
        "liability",
        "",
        "Worker-members' accounts",
        "Cuentas de los socios trabajadores",
        "Comptes des membres travailleurs",
        "Contas dos associados trabalhadores",
    ),
    _a(
        "4100",
        "income",
        "",
        "Sales of services",
        "Ventas de servicios",
        "Ventes de services",
        "Vendas de serviços",
    ),
    _a(
        "5500",
        "expense",
        "",
        "Worker-members' advances",
        "Anticipos a socios trabajadores",
        "Avances aux membres travailleurs",
        "Antecipações aos associados trabalhadores",
    ),
    _a(
        "5600",
        "expense",
        "",
        "Tools and materials",
        "Herramientas y materiales",
        "Outils et matériel",
        "Ferramentas e materiais",
    ),
]

TEMPLATES: dict[str, list[Template]] = {
    "savings-credit": sorted(COMMON + SAVINGS_CREDIT),
    "producer": sorted(COMMON + PRODUCER),
    "worker": sorted(COMMON + WORKER),
}
