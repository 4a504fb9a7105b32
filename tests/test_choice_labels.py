"""get_FOO_display() of the portal's models (jige_portal/choices.py) says what Django's says."""

import pytest
from django.apps import apps
from django.db.models import Model
from django.utils import translation

APPS = ("community", "courses", "credentials", "internships")


def _choice_fields():
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            for field in model._meta.get_fields():
                if getattr(field, "model", None) is model and getattr(field, "choices", None):
                    yield model, field


def test_every_choice_field_of_the_portal_has_the_constant_time_display():
    fields = list(_choice_fields())
    assert len(fields) > 40  # statuses, kinds, countries, prefectures...
    for model, field in fields:
        assert getattr(model, f"get_{field.name}_display").__name__ == f"get_{field.name}_display"
        assert not hasattr(getattr(model, f"get_{field.name}_display"), "func"), (model, field.name)


@pytest.mark.parametrize("language", ["en", "ja"])
def test_each_label_and_an_unknown_value_read_as_with_djangos_own(language):
    compared = 0
    with translation.override(language):
        for model, field in _choice_fields():
            instance = model()
            for value in [value for value, _label in field.flatchoices] + ["not-a-choice"]:
                setattr(instance, field.attname, value)
                ours = getattr(instance, f"get_{field.name}_display")()
                djangos = Model._get_FIELD_display(instance, field)
                assert (ours, type(ours)) == (djangos, type(djangos)), (model.__name__, field.name, value)
                compared += 1
    assert compared > 500
