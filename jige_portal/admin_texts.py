"""Texts of Django's admin templates that Django's own Japanese catalogue leaves untranslated.

Marking them here puts them in our catalogue (`make makemessages` extracts them), where the
portal's translation takes precedence over Django's empty one.
"""

from django.utils.translation import gettext_noop

ADMIN_TEXTS = [
    # admin/date_hierarchy.html ("Filter by 開始日" otherwise)
    gettext_noop("Filter by %(field_name)s"),
]
