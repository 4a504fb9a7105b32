from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoursesConfig(AppConfig):
    name = "courses"
    verbose_name = _("Courses")

    def ready(self):
        from jige_portal.choices import use_constant_time_choice_labels
        from jige_portal.loading import use_plain_loading

        from . import caching

        caching.register()
        use_constant_time_choice_labels(self)
        use_plain_loading(self)
