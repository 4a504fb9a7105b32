from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from community import federation
from community import media as community_media
from community import views as community_views

from . import views

# The admin signs in through allauth, with its rate limits and e-mail verification.
admin.site.login = secure_admin_login(admin.site.login)
admin.site.site_header = _("JIGE Portal")
admin.site.site_title = _("JIGE Portal")

urlpatterns = [
    # Browsers (and the admin's pages) ask for /favicon.ico whatever the page links.
    path("favicon.ico", views.favicon),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("", community_views.home, name="home"),
    path("i18n/setlang/", community_views.set_language, name="set_language"),
    # allauth's SAML and OpenID Connect views, answering a translated page when the university's IdP
    # cannot be reached, and verifying every ID token's signature (community/federation.py).
    path("accounts/saml/<str:organization_slug>/login/", federation.saml_login, name="saml_login"),
    path("accounts/saml/<str:organization_slug>/acs/finish/", federation.saml_finish_acs, name="saml_finish_acs"),
    path("accounts/oidc/<str:provider_id>/login/", federation.oidc_login, name="openid_connect_login"),
    path("accounts/oidc/<str:provider_id>/login/callback/", federation.oidc_callback, name="openid_connect_callback"),
    path("accounts/", include("allauth.urls")),
    path("admin/", admin.site.urls),
    path("community/", include("community.urls")),
    path("courses/", include("courses.urls")),
    path("internships/", include("internships.urls")),
    path("credentials/", include("credentials.urls")),
    path("bench/floor/", views.bench_floor, name="bench_floor"),
]

# Files of groups (post images, covers) go through the group's own check, whoever serves the
# rest of /media/ (community/media.py).
urlpatterns += [re_path(community_media.group_file_pattern(), community_media.group_file, name="group_file")]

if settings.SERVE_MEDIA:
    urlpatterns += [
        re_path(r"^media/(?P<path>.*)$", community_media.serve_public),
    ]
