from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Sign-up and token sign-in, their throttles, and the API tokens (accounts/tokens.py)."""

    name = "accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from django.contrib.auth import get_user_model
        from django.db.models.signals import pre_save

        from .tokens import revoke_tokens_on_password_change

        pre_save.connect(
            revoke_tokens_on_password_change,
            sender=get_user_model(),
            dispatch_uid="accounts.revoke_tokens_on_password_change",
        )
