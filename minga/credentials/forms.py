"""Forms for achievements, issuing, and status changes: validation only."""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .actions import MAX_REASON
from .models import AchievementType, AlignmentTargetType

MAX_IMAGE_BYTES = 512 * 1024
IMAGE_SIGNATURES = {"png": b"\x89PNG\r\n\x1a\n", "jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff"}
SKILL_ROWS = 3


def check_image(upload) -> None:
    """PNG or JPEG only (never SVG, which can carry scripts), checked by its first bytes."""
    name = upload.name or ""
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in IMAGE_SIGNATURES:
        raise ValidationError(_("The image must be a PNG or JPEG file."), code="image_type")
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image can be at most %(max)s.") % {"max": filesizeformat(MAX_IMAGE_BYTES)},
            code="image_size",
        )
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(IMAGE_SIGNATURES[extension]):
        raise ValidationError(_("The image is not a real PNG or JPEG file."), code="image_type")


class AchievementForm(forms.Form):
    """The achievement in its main language, optional other languages, up to three skills."""

    achievement_type = forms.ChoiceField(
        label=gettext_lazy("Type"), choices=AchievementType.choices, initial="Badge"
    )
    language = forms.ChoiceField(
        label=gettext_lazy("Main language"), choices=settings.LANGUAGES, initial="en"
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    description = forms.CharField(
        label=gettext_lazy("Description"), max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )
    criteria = forms.CharField(
        label=gettext_lazy("Criteria"),
        max_length=3000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy("What a person must do to earn it, in plain words."),
    )
    image = forms.FileField(
        label=gettext_lazy("Image (PNG or JPEG, at most 512 KB)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": ".png,.jpg,.jpeg"}),
    )
    is_active = forms.BooleanField(
        label=gettext_lazy("Can be issued"), required=False, initial=True
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.language_codes = [code for code, _name in settings.LANGUAGES]
        for code in self.language_codes:
            self.fields[f"name_{code}"] = forms.CharField(
                label=gettext_lazy("Name"), max_length=200, required=False
            )
            self.fields[f"description_{code}"] = forms.CharField(
                label=gettext_lazy("Description"),
                max_length=3000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
            self.fields[f"criteria_{code}"] = forms.CharField(
                label=gettext_lazy("Criteria"),
                max_length=3000,
                required=False,
                widget=forms.Textarea(attrs={"rows": 2}),
            )
        for row in range(1, SKILL_ROWS + 1):
            self.fields[f"skill_{row}_name"] = forms.CharField(
                label=gettext_lazy("Skill"), max_length=200, required=False
            )
            self.fields[f"skill_{row}_url"] = forms.URLField(
                label=gettext_lazy("Link to the skill's definition"),
                max_length=500,
                required=False,
                assume_scheme="https",
            )
            self.fields[f"skill_{row}_framework"] = forms.CharField(
                label=gettext_lazy("Framework"), max_length=200, required=False
            )
            self.fields[f"skill_{row}_code"] = forms.CharField(
                label=gettext_lazy("Code in the framework"), max_length=100, required=False
            )
            self.fields[f"skill_{row}_type"] = forms.ChoiceField(
                label=gettext_lazy("Kind"),
                choices=[("", "—"), *AlignmentTargetType.choices],
                required=False,
            )

    def main_fields(self):
        names = ("achievement_type", "language", "name", "description", "criteria", "image")
        return [self[name] for name in names]

    def language_rows(self):
        """(language name, its three bound fields) for every language but the main one."""
        main = self.data.get("language") or self.initial.get("language") or "en"
        return [
            (
                name,
                [self[f"name_{code}"], self[f"description_{code}"], self[f"criteria_{code}"]],
            )
            for code, name in settings.LANGUAGES
            if code != main
        ]

    def skill_rows(self):
        return [
            [self[f"skill_{row}_{part}"] for part in ("name", "url", "framework", "code", "type")]
            for row in range(1, SKILL_ROWS + 1)
        ]

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if image:
            check_image(image)
        return image

    def clean(self):
        data = super().clean()
        main = data.get("language")
        for code in self.language_codes:
            if code == main:
                continue
            parts = [
                data.get(f"{field}_{code}", "") for field in ("name", "description", "criteria")
            ]
            if any(parts) and not all(parts):
                self.add_error(
                    f"name_{code}",
                    _("Give the name, description and criteria in this language, or none of them."),
                )
        for row in range(1, SKILL_ROWS + 1):
            name = data.get(f"skill_{row}_name")
            url = data.get(f"skill_{row}_url")
            if (name or url) and not (name and url):
                self.add_error(
                    f"skill_{row}_name", _("A skill needs both its name and a link to it.")
                )
        return data

    def translations(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {
                "language": code,
                "name": data[f"name_{code}"],
                "description": data[f"description_{code}"],
                "criteria": data[f"criteria_{code}"],
            }
            for code in self.language_codes
            if code != data["language"] and data.get(f"name_{code}")
        ]

    def alignments(self) -> list[dict[str, str]]:
        data = self.cleaned_data
        return [
            {
                "target_name": data[f"skill_{row}_name"],
                "target_url": data[f"skill_{row}_url"],
                "target_framework": data[f"skill_{row}_framework"],
                "target_code": data[f"skill_{row}_code"],
                "target_type": data[f"skill_{row}_type"],
            }
            for row in range(1, SKILL_ROWS + 1)
            if data.get(f"skill_{row}_name")
        ]

    @classmethod
    def initial_for(cls, achievement) -> dict:
        initial = {
            "achievement_type": achievement.achievement_type,
            "language": achievement.language,
            "name": achievement.name,
            "description": achievement.description,
            "criteria": achievement.criteria,
            "is_active": achievement.is_active,
        }
        for translation in achievement.translations.all():
            initial[f"name_{translation.language}"] = translation.name
            initial[f"description_{translation.language}"] = translation.description
            initial[f"criteria_{translation.language}"] = translation.criteria
        for row, alignment in enumerate(achievement.alignments.all()[:SKILL_ROWS], start=1):
            initial[f"skill_{row}_name"] = alignment.target_name
            initial[f"skill_{row}_url"] = alignment.target_url
            initial[f"skill_{row}_framework"] = alignment.target_framework
            initial[f"skill_{row}_code"] = alignment.target_code
            initial[f"skill_{row}_type"] = alignment.target_type
        return initial


class IssueForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Recipient's name"), max_length=150)
    email = forms.EmailField(label=gettext_lazy("E-mail address"), required=False)
    phone = forms.CharField(
        label=gettext_lazy("or phone number, in international form (+…)"),
        max_length=20,
        required=False,
    )
    valid_until = forms.DateTimeField(
        label=gettext_lazy("Valid until (optional)"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
    )

    def clean(self):
        data = super().clean()
        if not data.get("email") and not data.get("phone"):
            raise ValidationError(_("Give the recipient's e-mail address or phone number."))
        if data.get("email") and data.get("phone"):
            raise ValidationError(_("Give an e-mail address or a phone number, not both."))
        return data


class StatusForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (published with the change)"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
