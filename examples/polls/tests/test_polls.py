import os

import django
import pytest

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "polls.settings")
os.environ.setdefault("POLLS_DB", ":memory:")
django.setup()

from django.db import connection  # noqa: E402
from django.test import RequestFactory  # noqa: E402

from polls import views  # noqa: E402
from polls.models import Choice, Question  # noqa: E402
from polls.results import summarise  # noqa: E402


@pytest.fixture(scope="module", autouse=True)
def tables():
    with connection.schema_editor() as editor:
        editor.create_model(Question)
        editor.create_model(Choice)


def test_summarise_picks_the_winner_and_shares():
    summary = summarise({"yes": 3, "no": 1})
    assert summary["winner"] == "yes"
    assert summary["total"] == 4
    assert summary["shares"] == {"yes": 0.75, "no": 0.25}


def test_summarise_without_votes():
    assert summarise({})["winner"] is None


def test_results_view_reads_the_database():
    question = Question.objects.create(text="Tea or coffee?")
    Choice.objects.create(question=question, text="tea", votes=2)
    Choice.objects.create(question=question, text="coffee", votes=6)
    response = views.results(RequestFactory().get("/"), question.pk)
    assert response.status_code == 200
    assert b'"winner": "coffee"' in response.content


def test_database_driver_is_installed():
    import pymysql

    assert pymysql.VERSION[0] >= 1
