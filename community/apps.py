from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommunityConfig(AppConfig):
    name = "community"
    verbose_name = _("Community")

    def ready(self):
        from allauth.socialaccount.signals import social_account_added
        from django.db.models.signals import post_migrate

        from jige_portal.choices import use_constant_time_choice_labels
        from jige_portal.loading import use_plain_loading

        from . import caching, checks, federation, sites  # noqa: F401  (checks registers itself)

        caching.register()
        use_constant_time_choice_labels(self)
        use_plain_loading(self)
        post_migrate.connect(sites.sync_site_after_migrate, dispatch_uid="community.sync_site")
        social_account_added.connect(federation.on_social_account_added, dispatch_uid="community.federation")
        self._delete_files_with_their_rows()

    def _delete_files_with_their_rows(self):
        """Stored files go with their rows. A signal, not the services: rows also go by cascades
        (a conversation, a group, an account deleted) that no service of ours sees."""
        from django.db.models.signals import post_delete

        from .models import GroupFile, MessageAttachment, Post
        from .services.messaging import delete_stored_files

        for model in (Post, GroupFile, MessageAttachment):
            post_delete.connect(delete_stored_files, sender=model, dispatch_uid=f"community.files.{model.__name__}")
