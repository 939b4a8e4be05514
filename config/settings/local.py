"""Development: the embedded default that `make run` serves."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=True)
# A developer's own model server (Ollama, vLLM) listens on this machine: a base URL may name it.
PROVIDER_ALLOWED_HOSTS = env.list(
    "PROVIDER_ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "::1"]
)
