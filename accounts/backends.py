"""Sign-in by username and password, with the password checked while no database connection
is held (core/db.py): PBKDF2 is deliberately slow, and a burst of wrong passwords must not
take the connection pool from everyone else's requests."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

from core.db import connection_release

from .hashing import hashing_slot


class PasswordBackend(ModelBackend):
    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            user = None
        connection_release()
        with hashing_slot():
            if user is None:
                # As Django's backend: hash anyway, so an unknown username takes as long to
                # refuse as a wrong password (no user enumeration by timing).
                user_model().set_password(password)
                return None
            # (A hash of an older kind is upgraded and saved here: a short write, no wait.)
            right = user.check_password(password)
        return user if right and self.user_can_authenticate(user) else None
