import pytest
from django.contrib.auth.models import Group, Permission
from django.test import Client

from orchestrator.console import PROVIDER_ADMINS


def _client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def superuser(db, django_user_model):
    return django_user_model.objects.create_superuser("root", "root@example.com", "root-pass-1")


@pytest.fixture
def su_client(superuser):
    return _client_for(superuser)


@pytest.fixture
def plain_staff(db, django_user_model):
    """Staff with every orchestrator and billing model permission, but not in the group: the
    group is what opens the provider console, not the permissions alone."""
    staff = django_user_model.objects.create_user(
        "sam", "sam@example.com", "sam-pass-123", is_staff=True
    )
    staff.user_permissions.add(
        *Permission.objects.filter(content_type__app_label__in=["orchestrator", "billing"])
    )
    return staff


@pytest.fixture
def staff_client(plain_staff):
    return _client_for(plain_staff)


@pytest.fixture
def provider_admin(db, django_user_model):
    member = django_user_model.objects.create_user(
        "pat", "pat@example.com", "pat-pass-123", is_staff=True
    )
    member.groups.add(Group.objects.get(name=PROVIDER_ADMINS))  # made by a data migration
    return member


@pytest.fixture
def provider_admin_client(provider_admin):
    return _client_for(provider_admin)


def run_action(client, model: str, action: str, ids, *, app: str = "orchestrator", **extra):
    """Posts an admin action from the changelist and follows to the page showing its message."""
    return client.post(
        f"/admin/{app}/{model}/",
        {"action": action, "_selected_action": [str(i) for i in ids], **extra},
        follow=True,
    )


def messages_of(response) -> list[tuple[str, str]]:
    return [(m.level_tag, m.message) for m in response.context["messages"]]
