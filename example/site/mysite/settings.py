"""Settings of the example site, 12-factor style: everything that differs per server comes from the
environment that djdd's site package sets up (DATABASE_URL, CELERY_BROKER_URL, STATIC_ROOT, ...)."""
import os
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent.parent

SECRET_KEY = os.environ["SECRET_KEY"]
DEBUG = os.environ.get("DEBUG") == "1"
ALLOWED_HOSTS = [host for host in os.environ.get("ALLOWED_HOSTS", "localhost").split() if host]

INSTALLED_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.staticfiles",
    "notes",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "django.middleware.common.CommonMiddleware",
]

ROOT_URLCONF = "mysite.urls"
WSGI_APPLICATION = "mysite.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": ["django.template.context_processors.request"]},
    }
]

DATABASES = {"default": dj_database_url.config(default="sqlite:///" + str(BASE_DIR / "db.sqlite3"))}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

CELERY_BROKER_URL = os.environ.get("CELERY_BROKER_URL", "memory://")
CELERY_TASK_IGNORE_RESULT = True

STATIC_URL = "/static/"
STATIC_ROOT = os.environ.get("STATIC_ROOT", str(BASE_DIR / "static"))
MEDIA_URL = "/media/"
MEDIA_ROOT = os.environ.get("MEDIA_ROOT", str(BASE_DIR / "media"))
# djdd's site package keeps uploads for the site's user and nginx's group alone (a media folder of
# mode 2750, group www-data): uploads readable by that group, not Django's default 0o644 (or 0o600,
# which nginx could not read, for a large upload when this is None).
FILE_UPLOAD_PERMISSIONS = 0o640

# djdd's site package sets HTTPS=on for a variant served over TLS: nginx then answers plain HTTP
# with a redirect and tells the scheme in X-Forwarded-Proto (its own value, never the client's).
if os.environ.get("HTTPS") == "on":
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

LANGUAGE_CODE = "en-us"
TIME_ZONE = "UTC"
USE_TZ = True

# djdd's site package sets MEMCACHED_LOCATION and CACHE_KEY_PREFIX when the variant has a cache.
if os.environ.get("MEMCACHED_LOCATION"):
    CACHES = {
        "default": {
            "BACKEND": "mysite.memcache.MemcachedCache",
            "LOCATION": os.environ["MEMCACHED_LOCATION"],
            "KEY_PREFIX": os.environ.get("CACHE_KEY_PREFIX", ""),
        }
    }
