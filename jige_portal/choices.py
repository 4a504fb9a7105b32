"""`get_FOO_display()` in constant time for the portal's models.

Django's own builds a dict of the field's choices on every call and hashes each label to do it:
a lazily translated label is translated to be hashed, so a status with eight choices costs eight
gettext calls and a country field about 250. An application's page showed twenty-odd labels (its
status and each audit event's two) and spent about 130 gettext calls on them. Here each field's
choices become a dict once, keyed by value (the labels stay lazy, translated only when shown), and
`get_FOO_display()` reads it; it returns what Django's returns (the label, or the value itself
when it is not a choice).
"""

from functools import partialmethod

from django.utils.encoding import force_str
from django.utils.hashable import make_hashable


def _display(field):
    labels = {make_hashable(value): label for value, label in field.flatchoices}

    def get_display(self):
        value = getattr(self, field.attname)
        return force_str(labels.get(make_hashable(value), value), strings_only=True)

    get_display.__name__ = f"get_{field.name}_display"
    return get_display


def use_constant_time_choice_labels(app_config) -> None:
    """For each field of the app's models with fixed choices (a list or tuple, not a callable)
    whose `get_FOO_display` is Django's (a partialmethod), not one the model defines."""
    for model in app_config.get_models():
        for field in model._meta.get_fields():
            fixed = isinstance(getattr(field, "choices", None), list | tuple)
            name = f"get_{field.name}_display"
            if fixed and getattr(field, "model", None) is model and isinstance(model.__dict__.get(name), partialmethod):
                setattr(model, name, _display(field))
