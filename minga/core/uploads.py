"""Limits on attached files (proposals, comments): size, extension and first bytes.

The extension alone is a claim; the first bytes are checked too, so a program renamed to
.pdf is refused. OpenDocument and PowerPoint files are ZIP archives.
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_BYTES = 10 * 1024 * 1024
MAX_FILES = 10
SIGNATURES = {
    "pdf": [b"%PDF-"],
    "png": [b"\x89PNG\r\n\x1a\n"],
    "jpg": [b"\xff\xd8\xff"],
    "jpeg": [b"\xff\xd8\xff"],
    "odp": [b"PK\x03\x04"],
    "pptx": [b"PK\x03\x04"],
}
ACCEPT = ",".join(f".{extension}" for extension in SIGNATURES)


def check_upload(upload: UploadedFile) -> None:
    """Raise a clear ValidationError unless `upload` is an allowed type within the size limit."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in SIGNATURES:
        raise ValidationError(
            _("“%(name)s”: only PDF, PNG, JPEG, ODP and PPTX files can be attached.")
            % {"name": name},
            code="file_type",
        )
    size = upload.size or 0  # a file the server received has its size
    if size > MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is %(size)s; attachments can be at most %(max)s.")
            % {
                "name": name,
                "size": filesizeformat(size),
                "max": filesizeformat(MAX_BYTES),
            },
            code="file_size",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in SIGNATURES[extension]):
        raise ValidationError(
            _("“%(name)s” does not look like a %(type)s file.")
            % {"name": name, "type": extension.upper()},
            code="file_content",
        )
