"""Reading a member list (CSV) into validated rows, without touching the database.

Secretaries export lists from spreadsheets in many shapes: comma or semicolon separated,
with or without a byte-order mark, sometimes UTF-16. Every problem is reported by row
and column so it can be fixed in the spreadsheet; the import itself is all or nothing.
"""

import csv
import functools
import io
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils import translation
from django.utils.translation import gettext as _

from minga.accounts.phones import normalize_phone

from .models import Membership

MAX_BYTES = 1_000_000
MAX_ROWS = 5000
COLUMNS = {"name", "email", "phone", "role"}
HEADER_ALIASES = {
    "nombre": "name",
    "nom": "name",
    "nome": "name",
    "full name": "name",
    "e-mail": "email",
    "correo": "email",
    "courriel": "email",
    "mail": "email",
    "telephone": "phone",
    "téléphone": "phone",
    "teléfono": "phone",
    "telefone": "phone",
    "mobile": "phone",
    "rol": "role",
    "rôle": "role",
    "papel": "role",
}


@dataclass
class Row:
    line: int
    name: str
    email: str | None
    phone: str | None
    role: str
    errors: list[str] = field(default_factory=list)


class ImportFileError(ValueError):
    """The file as a whole cannot be read (encoding, size, header)."""


def decode(data: bytes) -> str:
    if len(data) > MAX_BYTES:
        raise ImportFileError(_("The file is larger than 1 MB. Split it into smaller files."))
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            _(
                "The file is not UTF-8 text (problem at byte %(position)s). "
                "In your spreadsheet, save it as “CSV UTF-8” and try again."
            )
            % {"position": exc.start}
        ) from exc


def parse(data: bytes) -> list[Row]:
    text = decode(data)
    if not text.strip():
        raise ImportFileError(_("The file is empty."))
    sample = text[:4096]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    header = [HEADER_ALIASES.get(h.strip().lower(), h.strip().lower()) for h in next(reader)]
    if "name" not in header or not ({"email", "phone"} & set(header)):
        raise ImportFileError(
            _("The first line must name the columns: name, and email or phone (role is optional).")
        )
    rows = []
    for number, values in enumerate(reader, start=2):
        if not any(value.strip() for value in values):
            continue
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                _("The file has more than %(max)s members. Split it into smaller files.")
                % {"max": MAX_ROWS}
            )
        record = dict(zip(header, (value.strip() for value in values), strict=False))
        rows.append(_row(number, record, extra=len(values) > len(header)))
    if not rows:
        raise ImportFileError(_("The file has a header but no members."))
    _mark_duplicates(rows)
    return rows


@functools.cache
def role_names() -> dict[str, str]:
    """Role codes by every name a secretary may type: the code, or its label in any language
    ("Tesorero/a" also as "tesorero" and "tesorera")."""
    names = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            for role in Membership.Role:
                label = str(role.label).lower()
                names[label] = role.value
                stem, _slash, ending = label.partition("/")
                if ending:
                    names[stem] = role.value
                    names[stem[: -len(ending)] + ending] = role.value
    names.update({role.value: role.value for role in Membership.Role})
    return names


def _row(line: int, record: dict[str, str], *, extra: bool) -> Row:
    typed = (record.get("role") or Membership.Role.MEMBER).strip().lower()
    row = Row(
        line=line,
        name=record.get("name", ""),
        email=None,
        phone=None,
        role=role_names().get(typed, typed),
    )
    if extra:
        row.errors.append(_("This line has more values than the header has columns."))
    if not row.name:
        row.errors.append(_("The name is missing."))
    email = record.get("email", "").lower()
    if email:
        try:
            validate_email(email)
            row.email = email
        except ValidationError:
            row.errors.append(_("“%(value)s” is not an e-mail address.") % {"value": email})
    phone = record.get("phone", "")
    if phone:
        try:
            row.phone = normalize_phone(phone)
        except ValidationError as error:
            row.errors.extend(error.messages)
    if not email and not phone:
        row.errors.append(_("Give an e-mail address or a phone number."))
    if row.role not in Membership.Role.values:
        row.errors.append(
            _("Unknown role “%(value)s”; use one of: %(roles)s.")
            % {"value": row.role, "roles": ", ".join(Membership.Role.values)}
        )
    return row


def _mark_duplicates(rows: list[Row]) -> None:
    seen: dict[str, int] = {}
    for row in rows:
        for key in (row.email, row.phone):
            if not key:
                continue
            if key in seen:
                row.errors.append(
                    _("%(value)s is already on line %(line)s.") % {"value": key, "line": seen[key]}
                )
            else:
                seen[key] = row.line
