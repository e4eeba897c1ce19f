"""Linkwork's one settings module, driven by the environment (see `.env.example`).

Defaults are safe for production: DEBUG off, HTTPS-only cookies, HSTS. `linkwork demo` runs
with DEBUG still off but on plain HTTP (LINKWORK_HTTPS=false) and with LINKWORK_DEMO on. With
DEBUG on (development only), HTTPS defaults to off too.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url

from linkwork.core.env import Env

env = Env()

BASE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env.str("LINKWORK_DATA_DIR", str(BASE_DIR / "var")))
if not DATA_DIR.is_absolute():
    DATA_DIR = BASE_DIR / DATA_DIR

DEBUG = env.bool("DEBUG", False)
SECRET_KEY = env.str(
    "SECRET_KEY",
    "insecure-development-key-only-for-debug-mode-0123456789" if DEBUG else None,
    hint="Set it to a long random string, for example the output of "
    "`python -c 'import secrets; print(secrets.token_urlsafe(50))'`.",
)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", [])

# The organisation deploying Linkwork, shown in the header. NHS branding (logo and the word
# NHS) is a trade mark: only NHS organisations switch it on.
LINKWORK_ORGANISATION_NAME = env.str("LINKWORK_ORGANISATION_NAME", "Linkwork")
LINKWORK_SERVICE_NAME = env.str("LINKWORK_SERVICE_NAME", "Social prescribing")
LINKWORK_NHS_BRANDING = env.bool("LINKWORK_NHS_BRANDING", False)
# Only the demo shows the current two-factor code on the page, so anyone can try it.
LINKWORK_DEMO = env.bool("LINKWORK_DEMO", False)
# HTTPS is on unless said otherwise; a developer running with DEBUG on gets plain HTTP.
LINKWORK_HTTPS = env.bool("LINKWORK_HTTPS", not DEBUG)
# Postcode look-up: "table" (the offline postcode table, loaded by `linkwork import-postcodes`)
# or "postcodes.io" (the public postcodes.io service; never used in tests).
LINKWORK_GEOCODER = env.str("LINKWORK_GEOCODER", "table")
# Providers are asked to confirm a listing this many days after its last check; past the
# second limit it is stale: tagged "not checked since <date>" and ranked lower by matching;
# past the third it has expired and matching leaves it out. Nothing is ever deleted.
LINKWORK_LISTING_CONFIRM_DAYS = env.int("LINKWORK_LISTING_CONFIRM_DAYS", 183)
LINKWORK_LISTING_STALE_DAYS = env.int("LINKWORK_LISTING_STALE_DAYS", 365)
LINKWORK_LISTING_EXPIRE_DAYS = env.int("LINKWORK_LISTING_EXPIRE_DAYS", 1095)
# Bank holidays for working-day deadlines: ENG (England and Wales), SCT or NIR.
LINKWORK_BANK_HOLIDAYS = env.str("LINKWORK_BANK_HOLIDAYS", "ENG")
# The address people use to reach this service, for links in emails.
LINKWORK_BASE_URL = env.str("LINKWORK_BASE_URL", "http://127.0.0.1:8000")
# Outcome measures whose definitions say they need registration or a licence (EQ-5D, the
# WEMWBS family) can be recorded only when listed here, by instrument id, once this deployment
# holds it. Scoring (and `linkwork score`) is not recording and is never switched off. The demo
# switches all of them on, for its made-up data.
LINKWORK_LICENSED_INSTRUMENTS = env.list("LINKWORK_LICENSED_INSTRUMENTS", [])
# How recorded EQ-5D-5L states become an index: england_5l, uk_5l_2026, vanhout_crosswalk or
# dsu_2023 (needs the person's sex, male or female, and age).
LINKWORK_EQ5D_METHOD = env.str("LINKWORK_EQ5D_METHOD", "england_5l")
# A later score counts as change from the baseline only when recorded at least this many weeks
# after it: sooner, a difference says more about the day than about support. One value for the
# deployment, not per scheme, so that change means the same in every scheme's figures.
LINKWORK_CHANGE_INTERVAL_WEEKS = env.int("LINKWORK_CHANGE_INTERVAL_WEEKS", 6)
# The secret under which the pseudonymised extract (`linkwork extract`) turns person and
# referral ids into keys (HMAC-SHA256). Keys stay the same while it stays, so extracts taken
# months apart can be joined; another key gives keys that join with nothing. Optional to
# start; the extract refuses to run without it. Keep it out of the extract's recipients' hands.
LINKWORK_PSEUDONYM_KEY = env.str("LINKWORK_PSEUDONYM_KEY", "")
# Insights: counts from 1 to this less one are shown and exported as "<N" wherever someone
# without case access sees them, and in every download.
LINKWORK_SMALL_NUMBER = env.int("LINKWORK_SMALL_NUMBER", 5)
# Insights' unmet need: a need is unmet when no active, recently checked service in a category
# that meets it has a venue within this many kilometres of the person's postcode.
LINKWORK_UNMET_NEED_KM = env.int("LINKWORK_UNMET_NEED_KM", 5)
# The person's own prescription: how many days a link works, how many minutes the browser
# that opened it keeps the page, and the feedback survey a week after a connection starts.
LINKWORK_PRESCRIPTION_LINK_DAYS = env.int("LINKWORK_PRESCRIPTION_LINK_DAYS", 14)
LINKWORK_PRESCRIPTION_SESSION_MINUTES = env.int("LINKWORK_PRESCRIPTION_SESSION_MINUTES", 60)
LINKWORK_FEEDBACK_SURVEY_AFTER_DAYS = env.int("LINKWORK_FEEDBACK_SURVEY_AFTER_DAYS", 7)
LINKWORK_FEEDBACK_SURVEY_LINK_DAYS = env.int("LINKWORK_FEEDBACK_SURVEY_LINK_DAYS", 28)

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    # Only for its static files and templates: the API docs' Swagger UI is served from the
    # pinned django-ninja package, never from a CDN.
    "ninja",
    "linkwork.core",
    "linkwork.accounts",
    "linkwork.audit",
    "linkwork.people",
    "linkwork.referrals",
    # Before casework: `linkwork reminders` runs the apps' daily jobs in this order.
    "linkwork.directory",
    "linkwork.casework",
    "linkwork.notifications",
    "linkwork.api",
    "linkwork.outcomes",
    "linkwork.matching",
    "linkwork.web",
    "linkwork.insights",
    "linkwork.support",
    "linkwork.groups",
    "linkwork.evaluation_reports",
    "linkwork.interop",
    "linkwork.interop.gp_events",
    "linkwork.healthcheck",
    "linkwork.records",
    "linkwork.administration",
    "linkwork.prescription",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "linkwork.core.headers.SecurityHeadersMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # English, except on pages a person sees, which follow `?lang=` and the language cookie.
    "linkwork.core.i18n.LanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "linkwork.accounts.middleware.TwoFactorRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "linkwork.accounts.sessions.SessionLimitsMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "linkwork.urls"
WSGI_APPLICATION = "linkwork.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "linkwork" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "linkwork.web.jinja2.environment",
            "context_processors": ["linkwork.core.presenters.branding"],
        },
    },
    {
        # Django's own admin is rendered with Django templates.
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ]
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env.str("DATABASE_URL", f"sqlite:///{DATA_DIR / 'linkwork.sqlite3'}"),
        conn_max_age=env.int("DATABASE_CONN_MAX_AGE", 60),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # Just-in-time compilation pays off for long analytical queries, not for the short
    # queries of a web request, where compiling can cost more than running (seen: 0.7 s of
    # a 1 s directory search). Analytics can switch it on per session.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c jit=off"
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL and a busy timeout let the web process and the task worker share the file.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "web:home"

# Idle sessions end after 30 minutes: a request renews the 30-minute expiry, at most once a
# minute (`SESSION_RENEW_SECONDS`), so most requests write nothing to the session store. Every
# session ends 12 hours after login however busy (`linkwork.accounts.sessions`).
SESSION_IDLE_SECONDS = env.int("SESSION_IDLE_SECONDS", 30 * 60)
SESSION_ABSOLUTE_SECONDS = env.int("SESSION_ABSOLUTE_SECONDS", 12 * 60 * 60)
SESSION_RENEW_SECONDS = 60
SESSION_COOKIE_AGE = SESSION_IDLE_SECONDS
# Database sessions whose removal by `clearsessions` is audited (`accounts.session_store`).
SESSION_ENGINE = "linkwork.accounts.session_store"
SESSION_SAVE_EVERY_REQUEST = False
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"

# Lock-out after repeated failed logins, per account and address (django-axes), and per
# address across every account (`LOGIN_ADDRESS_FAILURE_LIMIT` failures in the lock-out time;
# higher than the account limit, as a whole GP practice may share one address).
AXES_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", 5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "email"
AXES_LOCKOUT_CALLABLE = "linkwork.accounts.views.locked_out"
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
# Number of proxies in front of Linkwork; the client's address is read past them.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", 0)
AXES_CLIENT_IP_CALLABLE = "linkwork.audit.auditor.client_ip"
# Password reset by email (`linkwork.accounts.passwords`): how long the emailed link works, and
# how many reset emails one account gets, and one address may ask for, in that time. Over the
# account limit nothing more is sent (the page answers the same); over the address limit the
# page says to wait.
PASSWORD_RESET_TIMEOUT = 60 * env.int("PASSWORD_RESET_MINUTES", 60)
PASSWORD_RESET_ACCOUNT_LIMIT = env.int("PASSWORD_RESET_ACCOUNT_LIMIT", 3)
PASSWORD_RESET_ADDRESS_LIMIT = env.int("PASSWORD_RESET_ADDRESS_LIMIT", 10)

# The public Open Referral UK feed: requests allowed per client address, such as "600/m".
# Counted in the cache (this process's memory unless CACHES says otherwise).
LINKWORK_ORUK_RATE = env.str("LINKWORK_ORUK_RATE", "600/m")
NINJA_NUM_PROXIES = TRUSTED_PROXY_COUNT

OTP_TOTP_ISSUER = LINKWORK_ORGANISATION_NAME

# Security headers and HTTPS. `manage.py check --deploy` passes with these defaults.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = LINKWORK_HTTPS
CSRF_COOKIE_SECURE = LINKWORK_HTTPS
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "linkwork.core.views.csrf_failure"
SECURE_SSL_REDIRECT = LINKWORK_HTTPS
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", 31_536_000) if LINKWORK_HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = LINKWORK_HTTPS
SECURE_HSTS_PRELOAD = LINKWORK_HTTPS
if env.bool("BEHIND_TLS_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]

# The most form or JSON data one request may carry (files aside), in bytes: 2.5 MB, Django's
# default, stated here because the API documents it. Above it a request is answered 413.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)

LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# Pages a person sees are in English and Welsh; the staff interface is translatable. Each app
# keeps its catalogue in its own `locale/` folder.
USE_I18N = True
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
# Where the person's choice of language (`?lang=cy`) is remembered: a cookie for a year, read
# only on the pages a person sees (`linkwork.core.i18n`).
# Our apps' Welsh catalogues come before those of Django's own apps, listed first above (whose
# "Email", "Yes" and "No" would otherwise win).
LOCALE_PATHS = sorted((BASE_DIR / "linkwork").glob("*/locale"))
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SECURE = LINKWORK_HTTPS
LANGUAGE_COOKIE_HTTPONLY = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
# The embedded database and collected static files live under DATA_DIR; make sure it exists.
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if env.bool("STATIC_MANIFEST", not DEBUG)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_MANIFEST_STRICT = False

EMAIL_BACKEND = env.str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", "localhost")
EMAIL_PORT = env.int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", "linkwork@localhost")

# Messages to referrers, GP practices and people. How each channel is sent: email by
# "django" (EMAIL_BACKEND above) or "notify" (GOV.UK Notify); text messages by "local" (kept in
# Linkwork's outbox, sent nowhere: for demos) or "notify"; letters by "pdf" (a printable PDF
# in the print queue, printed and posted by staff) or "notify" (the same PDF through Notify's
# precompiled letter API).
LINKWORK_MESSAGE_BACKENDS = {
    "email": env.str("LINKWORK_MESSAGE_EMAIL_BACKEND", "django"),
    "text": env.str("LINKWORK_MESSAGE_TEXT_BACKEND", "local"),
    "letter": env.str("LINKWORK_MESSAGE_LETTER_BACKEND", "pdf"),
}
# A message that fails for a reason that may pass is tried this many times in all, waiting
# longer each time (the first wait in seconds, then four times longer each time).
LINKWORK_MESSAGE_MAX_ATTEMPTS = env.int("LINKWORK_MESSAGE_MAX_ATTEMPTS", 5)
LINKWORK_MESSAGE_RETRY_SECONDS = env.int("LINKWORK_MESSAGE_RETRY_SECONDS", 60)
_NOTIFY_HINT = "GOV.UK Notify is chosen in LINKWORK_MESSAGE_*_BACKEND, so Notify needs it."
NOTIFY_API_KEY = env.str(
    "NOTIFY_API_KEY",
    None if "notify" in LINKWORK_MESSAGE_BACKENDS.values() else "",
    hint=f"{_NOTIFY_HINT} Create a live API key in Notify's API integration settings.",
)
# Notify templates that pass our words through: email subject ((subject)), body ((body));
# text message body ((body)).
NOTIFY_EMAIL_TEMPLATE_ID = env.str(
    "NOTIFY_EMAIL_TEMPLATE_ID",
    None if LINKWORK_MESSAGE_BACKENDS["email"] == "notify" else "",
    hint=f"{_NOTIFY_HINT} Use an email template with subject ((subject)) and body ((body)).",
)
NOTIFY_TEXT_TEMPLATE_ID = env.str(
    "NOTIFY_TEXT_TEMPLATE_ID",
    None if LINKWORK_MESSAGE_BACKENDS["text"] == "notify" else "",
    hint=f"{_NOTIFY_HINT} Use a text message template whose body is ((body)).",
)
NOTIFY_BASE_URL = env.str("NOTIFY_BASE_URL", "https://api.notifications.service.gov.uk")
# The bearer token Notify sends with its callbacks (delivery receipts, received texts), set in
# Notify's callback settings too. Empty: every callback is refused.
NOTIFY_CALLBACK_TOKEN = env.str("NOTIFY_CALLBACK_TOKEN", "")

# Webhooks (linkwork.interop.webhooks): attempts before a delivery is parked as dead, the first
# retry's delay (doubling after each failure), and how long to wait for a receiver's answer.
# Plain HTTP to this machine is allowed only with DEBUG on or LINKWORK_WEBHOOK_ALLOW_LOOPBACK.
LINKWORK_WEBHOOK_MAX_ATTEMPTS = env.int("LINKWORK_WEBHOOK_MAX_ATTEMPTS", 8)
LINKWORK_WEBHOOK_RETRY_SECONDS = env.int("LINKWORK_WEBHOOK_RETRY_SECONDS", 60)
LINKWORK_WEBHOOK_TIMEOUT_SECONDS = env.int("LINKWORK_WEBHOOK_TIMEOUT_SECONDS", 10)
LINKWORK_WEBHOOK_ALLOW_LOOPBACK = env.bool("LINKWORK_WEBHOOK_ALLOW_LOOPBACK", False)

TASKS = {
    "default": {
        "BACKEND": env.str("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "filters": {
        "refusal_without_traceback": {"()": "linkwork.core.logs.RefusalWithoutTraceback"},
        "personal_data": {"()": "linkwork.core.logs.ScrubPersonalData"},
    },
    "handlers": {
        "console": {
            "class": "linkwork.core.logs.Console",
            "formatter": "plain",
            "filters": ["refusal_without_traceback", "personal_data"],
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", "INFO")},
    "loggers": {
        # Axes would log the email address tried at login; that is personal data.
        "axes": {"level": "WARNING"},
        # The development server logs each request line, query string and all: through the
        # console handler, whose filter removes the query (a search box puts names there).
        "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
    },
}
