"""Django settings for running the polls app on its own (gunicorn polls.wsgi)."""

import os
from pathlib import Path

BASE_DIR = Path(os.environ.get("POLLS_DATA", "/tmp"))
SECRET_KEY = os.environ.get("POLLS_SECRET_KEY", "insecure-example-key")
DEBUG = os.environ.get("POLLS_DEBUG", "") == "1"
ALLOWED_HOSTS = ["*"]
INSTALLED_APPS = ["django.contrib.contenttypes", "polls"]
MIDDLEWARE = ["django.middleware.common.CommonMiddleware"]
ROOT_URLCONF = "polls.urls"
DATABASES = {
    "default": {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": os.environ.get("POLLS_DB", str(BASE_DIR / "polls.sqlite3")),
    }
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
USE_TZ = True
TEMPLATES = [{"BACKEND": "django.template.backends.django.DjangoTemplates", "APP_DIRS": True}]
