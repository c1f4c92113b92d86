"""Strings of Django itself that its catalogues do not translate yet into our languages.

Listing them here puts them in the core catalogue; Minga's apps come first in
INSTALLED_APPS, so these translations are the ones shown.
"""

from django.utils.translation import gettext_lazy as _

DJANGO_STRINGS = [
    _("- Select an option -"),
]
