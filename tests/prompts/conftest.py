import json
from pathlib import Path

import pytest
from django.test import Client

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "root-pass-1")


@pytest.fixture
def su_client(superuser):
    client = Client()
    client.force_login(superuser)
    return client


@pytest.fixture
def profile():
    return json.loads((DATA / "profiles" / "rich.json").read_text())


@pytest.fixture
def job_data():
    return {
        "title": "Senior Backend Engineer",
        "company": "Acme Freight",
        "location": "Berlin",
        "description": "Build the freight platform in Python and PostgreSQL.",
        "requirements": ["Python", "PostgreSQL", "AWS"],
    }
