from tests.admin.conftest import su_client, superuser  # noqa: F401  (the admin tests' fixtures)
