"""A small list-of-choices field that filters the same way on SQLite and PostgreSQL.

Languages, skills, roles and sectors are short lists drawn from fixed vocabularies. A
JSONField cannot be filtered by membership on SQLite, so the list is stored as text
delimited by commas on both sides (",en,fr,"), and the `has` lookup
(`languages__has="fr"`) becomes a LIKE that matches one whole item.
"""

from django import forms
from django.core import checks, exceptions
from django.db import models
from django.db.models import lookups
from django.utils.text import capfirst


class ChoiceListField(models.CharField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("max_length", 400)
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", list)
        super().__init__(*args, **kwargs)

    def _check_choices(self):
        return [] if self.choices else [checks.Error("ChoiceListField needs choices.", obj=self)]

    def contribute_to_class(self, cls, name, *args, **kwargs):
        super().contribute_to_class(cls, name, *args, **kwargs)
        # Replace the single-choice display helper with one that returns every label.
        labels = dict(self.flatchoices)

        def display(instance):
            return [labels.get(item, item) for item in getattr(instance, self.attname)]

        setattr(cls, f"get_{name}_display", display)

    def from_db_value(self, value, expression, connection):
        return self.to_python(value)

    def to_python(self, value):
        if value is None or value == "":
            return []
        if isinstance(value, list | tuple):
            return list(value)
        return [item for item in value.split(",") if item]

    def get_prep_value(self, value):
        items = self.to_python(value)
        return f",{','.join(items)}," if items else ""

    def validate(self, value, model_instance):
        allowed = {str(key) for key, _label in self.flatchoices}
        for item in self.to_python(value):
            if item not in allowed:
                raise exceptions.ValidationError(
                    self.error_messages["invalid_choice"],
                    code="invalid_choice",
                    params={"value": item},
                )
        if not self.blank and not value:
            raise exceptions.ValidationError(self.error_messages["blank"], code="blank")

    def value_to_string(self, obj):
        return self.get_prep_value(self.value_from_object(obj))

    def formfield(self, **kwargs):
        defaults = {
            "choices": self.choices,
            "required": not self.blank,
            "widget": forms.CheckboxSelectMultiple,
            "coerce": str,
            "label": capfirst(self.verbose_name),
            "help_text": self.help_text,
        }
        defaults.update(kwargs)
        defaults.pop("form_class", None)
        defaults.pop("choices_form_class", None)
        return forms.TypedMultipleChoiceField(**defaults)


@ChoiceListField.register_lookup
class Has(lookups.Contains):
    """`field__has="fr"`: the list contains exactly the item "fr"."""

    lookup_name = "has"

    def get_prep_lookup(self):
        return f",{self.rhs},"

    def get_rhs_op(self, connection, rhs):
        return connection.operators["contains"] % rhs
