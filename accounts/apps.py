from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-up and token sign-in, their throttles and the Bearer form of the API token."""

    name = "accounts"
    verbose_name = "Accounts"
