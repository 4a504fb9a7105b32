"""Settings of the JIGE Portal.

Everything that differs between deployments comes from environment variables (or a `.env`
file beside manage.py); `.env.example` lists them. Without any, the portal runs on SQLite with
in-process tasks and a local-memory cache, which is what `make run` gives a fresh machine.
"""

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)
# Keys that are in the repository (and the example file) sign nothing outside a developer's machine.
_PUBLIC_KEYS = {"", "dev-only-insecure-key-change-me-in-production", "change-me-to-a-long-random-string"}
SECRET_KEY = env("SECRET_KEY", default="")
if SECRET_KEY in _PUBLIC_KEYS:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY is not set. With DEBUG=0 the portal needs its own long random SECRET_KEY "
            "(e.g. python -c 'import secrets; print(secrets.token_urlsafe(50))'); "
            "only DEBUG=1 runs on the development key."
        )
    SECRET_KEY = "dev-only-insecure-key-change-me-in-production"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# The portal's public address, used in e-mails and in links that leave the portal.
SITE_URL = env("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "modeltranslation",  # before the admin, so that it can add the language tabs
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "allauth",
    "allauth.account",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.saml",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.mfa",
    "community",
    "credentials",
    "courses",
    "internships",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "community.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # After allauth's: staff and issuers' key holders set up two-factor sign-in before anything else.
    "community.middleware.RequireTwoFactorMiddleware",
]

ROOT_URLCONF = "jige_portal.urls"
WSGI_APPLICATION = "jige_portal.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "community.context_processors.portal",
                "community.pagecache.context",
            ],
            "builtins": ["jige_portal.urltag"],  # {% url %} that remembers what it reversed
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # SQLite (the embedded default) cannot make "one active issuer key per organization" treat
    # NULLs as equal; PostgreSQL, which production and the tests use, enforces it.
    SILENCED_SYSTEM_CHECKS = ["models.W047"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env("REDIS_URL", default="")
_xdist_worker = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist_worker.startswith("gw") and REDIS_URL and not os.environ.get("JIGE_REDIS_PER_TEST_PROCESS"):
    # Tests in parallel (pytest-xdist): each test process gets a Redis database of its own, since
    # the tests clear the cache and purge the queue. The servers and workers the tests start
    # inherit the environment, so they are told the database has been chosen already.
    _url = urlsplit(REDIS_URL)
    _index = (int(_url.path.strip("/") or 0) + 1 + int(_xdist_worker[2:])) % 16
    REDIS_URL = os.environ["REDIS_URL"] = urlunsplit(_url._replace(path=f"/{_index}"))
    os.environ["JIGE_REDIS_PER_TEST_PROCESS"] = "1"
# A Redis that does not answer must cost a request milliseconds: every use of it fails open
# (jige_portal/cache.py, community/sessions.py, jige_portal/celery.py). REDIS_TIMEOUT bounds a
# connect or a reply; after a failure Redis is left alone for REDIS_RETRY_SECONDS.
REDIS_TIMEOUT = env.float("REDIS_TIMEOUT", default=0.25)
REDIS_RETRY_SECONDS = env.float("REDIS_RETRY_SECONDS", default=5)
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "jige_portal.cache.RedisCache",
            "LOCATION": env("REDIS_CACHE_URL", default=REDIS_URL),
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", default="jige"),
            "OPTIONS": {
                "socket_connect_timeout": REDIS_TIMEOUT,
                "socket_timeout": REDIS_TIMEOUT,
                "retry_seconds": REDIS_RETRY_SECONDS,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Sessions live in the database with the cache in front; with the cache down, the database alone.
SESSION_ENGINE = "community.sessions"
# An app-server process imports the code and compiles the templates when it starts, not on its
# first requests (jige_portal/warmup.py, run by jige_portal/wsgi.py).
WARM_UP = env.bool("WARM_UP", default=True)
# Rendered key pages are kept this long at most; version tokens invalidate them sooner
# (community/pagecache.py). 0 turns the page cache off, the default while developing.
PAGE_CACHE_SECONDS = env.int("PAGE_CACHE_SECONDS", default=0 if DEBUG else 300)
# Parts of pages that every viewer sees alike (a list's results, a module's description) are kept
# this long at most, under the same version tokens (pagecache.shared). 0 turns them off.
SHARED_FRAGMENT_SECONDS = env.int("SHARED_FRAGMENT_SECONDS", default=0 if DEBUG else 300)
# The reads every member's page repeats build their SQL once per process (jige_portal/prepared.py).
# On, each call is also built through the ORM and compared, raising on a difference: the tests
# run with it on; a developer may turn it on while changing a prepared query.
PREPARED_QUERIES_CHECK = env.bool("PREPARED_QUERIES_CHECK", default=False)
# On PostgreSQL they are server-side prepared statements too, parsed and planned once per
# connection: on by default with persistent connections (CONN_MAX_AGE), which keep them; off where
# a pooler hands one server session to many connections (transaction mode).
PREPARED_STATEMENTS = env.bool("PREPARED_STATEMENTS", default=DATABASES["default"]["CONN_MAX_AGE"] != 0)

AUTH_USER_MODEL = "community.User"
# Django's and allauth's backends, reading the signed-in member from the cache (community/backends.py).
AUTHENTICATION_BACKENDS = [
    "community.backends.ModelBackend",
    "community.backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
SITE_ID = 1

# django-allauth: e-mail is the login; it must be verified before the account is usable.
ACCOUNT_ADAPTER = "community.adapters.AccountAdapter"
ACCOUNT_SIGNUP_FORM_CLASS = "community.forms.SignupForm"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[JIGE] "
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip,5/5m/key",
    "login": "30/m/ip",
    "signup": "20/m/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
}

# Sign-in with a home university's account (SAML 2.0 / OpenID Connect, community/federation.py):
# identity providers are configured per organization in the admin, not here.
SOCIALACCOUNT_ADAPTER = "community.federation.SocialAccountAdapter"
# A first sign-in creates the member at once when the IdP gave an address no account has.
SOCIALACCOUNT_AUTO_SIGNUP = True
# An address the university vouches for (one of its own e-mail domains) signs in to the account
# that has it and connects the university account; allauth then wipes the password of an account
# whose address was never verified, so whoever registered it first cannot get in any more.
SOCIALACCOUNT_EMAIL_AUTHENTICATION = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = True
SOCIALACCOUNT_STORE_TOKENS = False
# The portal's own SAML key pair (PEM files), published in its SP metadata: IdPs that encrypt
# assertions (Shibboleth does by default, and GakuNin asks SPs for a certificate) encrypt to it.
SAML_SP_CERTIFICATE_FILE = env("SAML_SP_CERTIFICATE_FILE", default="")
SAML_SP_PRIVATE_KEY_FILE = env("SAML_SP_PRIVATE_KEY_FILE", default="")
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
# Two-factor sign-in (allauth.mfa): an authenticator app (TOTP) and recovery codes, for everyone;
# required for staff and for those who issue credentials (community.middleware.RequireTwoFactorMiddleware).
MFA_ADAPTER = "community.adapters.MFAAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("ja", _("Japanese"))]
# Django 6.1's label for an empty choice is missing from Django's Japanese catalogue; ours carries it.
BLANK_CHOICE_LABEL = _("- Select an option -")
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "jige_language"
LANGUAGE_COOKIE_AGE = 60 * 60 * 24 * 365
LANGUAGE_COOKIE_SAMESITE = "Lax"
USE_I18N = True
USE_TZ = True
TIME_ZONE = "Asia/Tokyo"

MODELTRANSLATION_DEFAULT_LANGUAGE = "en"
MODELTRANSLATION_LANGUAGES = ("en", "ja")
# A text missing in the reader's language falls back to English, then to Japanese.
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("en", "ja")}
# modeltranslation's admin tabs would load jQuery UI from a CDN; the portal serves its own tabs.
JQUERY_UI_URL = "js/admin-tabs.js"

FORM_RENDERER = "jige_portal.form_renderer.FormRenderer"  # the common widgets without a template each

STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", default=str(BASE_DIR / "media")))
# WhiteNoise serves static files in every mode; in production run collectstatic and set
# STATIC_MANIFEST=1 for hashed, far-future-cached names.
WHITENOISE_USE_FINDERS = not env.bool("STATIC_MANIFEST", default=False)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Whitenoise's compressed manifest storage and Django's own, remembering each file's URL.
        "BACKEND": "jige_portal.storage.ManifestStaticFilesStorage"
        if env.bool("STATIC_MANIFEST", default=False)
        else "jige_portal.storage.StaticFilesStorage"
    },
}
# Uploads (avatars, logos, covers, badge images) go to MEDIA_ROOT, which must then be a disk
# shared by every app server and worker; or, with MEDIA_S3_BUCKET, to S3-compatible object storage.
MEDIA_S3_BUCKET = env("MEDIA_S3_BUCKET", default="")
if MEDIA_S3_BUCKET:
    _media_s3 = {
        "bucket_name": MEDIA_S3_BUCKET,
        "endpoint_url": env("MEDIA_S3_ENDPOINT_URL", default="") or None,
        "region_name": env("MEDIA_S3_REGION", default="") or None,
        # Empty: boto3 finds credentials itself (AWS_* variables, the machine's or pod's role).
        "access_key": env("MEDIA_S3_ACCESS_KEY_ID", default="") or None,
        "secret_key": env("MEDIA_S3_SECRET_ACCESS_KEY", default="") or None,
        "addressing_style": env("MEDIA_S3_ADDRESSING_STYLE", default="") or None,
        # Like FileSystemStorage, never replace an existing object: a name taken gets a suffix.
        "file_overwrite": False,
    }
    _media_prefix = env("MEDIA_S3_PREFIX", default="media").strip("/")
    _private_prefix = env("MEDIA_S3_PRIVATE_PREFIX", default="private").strip("/")
    # Public read is granted on the media prefix; the CVs' prefix must not fall inside it.
    if not _media_prefix or not _private_prefix or (_private_prefix + "/").startswith(_media_prefix + "/"):
        raise ImproperlyConfigured(
            "MEDIA_S3_PREFIX and MEDIA_S3_PRIVATE_PREFIX must be two separate, non-empty prefixes."
        )
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_media_s3,
            "location": _media_prefix,
            # Media are public, as under /media/: plain URLs that pages, caches and signed credentials
            # can keep. Signed URLs (MEDIA_S3_QUERYSTRING_AUTH=1) expire, so credentials would break.
            "querystring_auth": env.bool("MEDIA_S3_QUERYSTRING_AUTH", default=False),
            "querystring_expire": env.int("MEDIA_S3_QUERYSTRING_EXPIRE", default=3600),
            "custom_domain": env("MEDIA_S3_CUSTOM_DOMAIN", default="") or None,
        },
    }
    # CVs (internships.models.PrivateStorage): same bucket, their own prefix, never given a URL;
    # only the permission-checked view reads them.
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {**_media_s3, "location": _private_prefix},
    }
# Media are served by the portal itself unless a front server or object storage does it.
SERVE_MEDIA = env.bool("SERVE_MEDIA", default=not MEDIA_S3_BUCKET)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024


def _mailer_from_url(url: str) -> dict:
    """EMAIL_URL → a MAILERS entry: smtp://, smtp+tls://, smtps://, consolemail://,
    filemail:///path, memorymail://, dummymail://."""
    from urllib.parse import unquote, urlparse

    parsed = urlparse(url)
    scheme = parsed.scheme
    backends = "django.core.mail.backends."
    if scheme in ("smtp", "smtp+tls", "smtps", "smtp+ssl"):
        return {
            "BACKEND": backends + "smtp.EmailBackend",
            "OPTIONS": {
                "host": parsed.hostname or "localhost",
                "port": parsed.port
                or (465 if scheme in ("smtps", "smtp+ssl") else 587 if scheme == "smtp+tls" else 25),
                "username": unquote(parsed.username or ""),
                "password": unquote(parsed.password or ""),
                "use_tls": scheme == "smtp+tls",
                "use_ssl": scheme in ("smtps", "smtp+ssl"),
                "timeout": 15,
            },
        }
    if scheme == "filemail":
        return {"BACKEND": backends + "filebased.EmailBackend", "OPTIONS": {"file_path": parsed.path}}
    simple = {"consolemail": "console", "memorymail": "locmem", "dummymail": "dummy"}
    if scheme in simple:
        return {"BACKEND": backends + simple[scheme] + ".EmailBackend"}
    raise ValueError(f"EMAIL_URL: unsupported scheme {scheme!r}")


MAILERS = {"default": _mailer_from_url(env("EMAIL_URL", default="consolemail://"))}
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", default="JIGE Portal <no-reply@jige.example.org>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: without a broker the tasks run in-process (the embedded default).
CELERY_BROKER_URL = env("CELERY_BROKER_URL", default=REDIS_URL or "memory://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
# A worker killed mid-task must not lose it: acknowledge only when the task has finished.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# A publish while Redis is down must fail fast: the work is already in the database and a
# periodic sweep sends it later. max_retries=0: a connection that cannot be made is given up at
# once (kombu would otherwise retry for CELERY_BROKER_CONNECTION_TIMEOUT, sleeping between tries);
# a worker's own reconnection loop has its own retries. send_after_commit then stops publishing
# for REDIS_RETRY_SECONDS.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = 2
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": REDIS_TIMEOUT,
    "socket_timeout": 5,
    "max_retries": 0,
    "visibility_timeout": 3600,
}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE = {}  # each app's schedule.py adds its entries (see jige_portal/celery.py)

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_SECURE = env.bool("SECURE_COOKIES", default=False)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# Behind HTTPS: redirect plain HTTP, and tell browsers to use HTTPS only (HSTS). Off by default,
# because a browser that saw HSTS refuses plain HTTP for that long (and preload lists are slow to leave).
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=False)
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=False)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=False)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}

# --- internships ---
# CVs live outside MEDIA_ROOT and are served only by a permission-checked view. Empty: a
# "private" directory beside MEDIA_ROOT. Put it on storage shared by all app servers.
INTERNSHIPS_PRIVATE_ROOT = env("INTERNSHIPS_PRIVATE_ROOT", default="")

# --- credentials (Open Badges 3.0) ---
# Encrypts the issuers' Ed25519 private keys at rest (AES-256-GCM). At least 32 random characters,
# never in the repository; losing it loses the issuer keys. CREDENTIALS_KEY_ENCRYPTION_KEY_PREVIOUS
# (comma-separated) is read by credentials.openbadges for decryption only, while keys are re-encrypted.
# Without it, awards are issued unsigned and the sweep signs them once it is set.
CREDENTIALS_KEY_ENCRYPTION_KEY = env("CREDENTIALS_KEY_ENCRYPTION_KEY", default="")
# Requests per minute per client address to the verify JSON endpoint (credentials:verify_api).
CREDENTIALS_VERIFY_RATE = env.int("CREDENTIALS_VERIFY_RATE", default=30)
# Reverse proxies in front of the portal that append to X-Forwarded-For (0: count clients by REMOTE_ADDR).
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
# allauth's per-address limits (failed sign-ins) count the same client address: otherwise every
# client behind the proxy shares the proxy's address, and ten failures by anyone lock out everyone.
ALLAUTH_TRUSTED_PROXY_COUNT = TRUSTED_PROXY_COUNT

# --- community: files of groups (community/media.py) ---
# Post images and group covers are served only by a view that applies the group's own rule.
# Behind nginx, MEDIA_ACCEL_REDIRECT_PREFIX (e.g. /protected-media/) names an `internal` location
# aliased to MEDIA_ROOT: the view answers with X-Accel-Redirect and nginx sends the file.
MEDIA_ACCEL_REDIRECT_PREFIX = env("MEDIA_ACCEL_REDIRECT_PREFIX", default="")
# With a media bucket, members are redirected to a link signed for this many seconds.
MEDIA_PROTECTED_URL_EXPIRE = env.int("MEDIA_PROTECTED_URL_EXPIRE", default=60)
# Files members attach to group posts (community/attachments.py): the largest accepted, in MB.
GROUP_FILE_MAX_MB = env.int("GROUP_FILE_MAX_MB", default=10)
# Per-member limits on posts, comments and messages (community/ratelimit.py), as JSON
# {"post": [count, seconds], ...}; an action left out keeps its default.
COMMUNITY_RATE_LIMITS = env.json("COMMUNITY_RATE_LIMITS", default={})
if STORAGES["default"]["BACKEND"] == "storages.backends.s3.S3Storage":
    # The same bucket, with group files under the private prefix, outside the public media prefix.
    STORAGES["default"]["BACKEND"] = "community.media.S3MediaStorage"
# --- end of community: files of groups ---

# --- dates: one date and time style per language (jige_portal/formats/<language>/formats.py) ---
FORMAT_MODULE_PATH = "jige_portal.formats"
# --- end of dates ---

# Days after a module closes before its community group becomes read-only (0: at once).
COURSES_GROUP_ARCHIVE_DAYS = env.int("COURSES_GROUP_ARCHIVE_DAYS", default=30)
# How long before an event starts its members who are going get a reminder.
EVENT_REMINDER_HOURS = env.int("EVENT_REMINDER_HOURS", default=24)

# --- privacy: data archives and account deletion (community/privacy.py) ---
# Days a member's data archive can be downloaded before it is deleted.
DATA_EXPORT_DAYS = env.int("DATA_EXPORT_DAYS", default=7)
# Days between a request to delete an account and its erasure; signing in meanwhile cancels it.
ACCOUNT_DELETION_GRACE_DAYS = env.int("ACCOUNT_DELETION_GRACE_DAYS", default=14)
# Staff and those who issue credentials must set up two-factor sign-in before anything else.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)
# --- end of privacy ---
