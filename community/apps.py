from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from allauth.socialaccount.signals import social_account_added
        from django.db.models.signals import post_migrate

        from . import caching, checks, federation, sites  # noqa: F401  (checks registers itself)

        caching.register()
        post_migrate.connect(sites.sync_site_after_migrate, dispatch_uid="community.sync_site")
        social_account_added.connect(federation.on_social_account_added, dispatch_uid="community.federation")
