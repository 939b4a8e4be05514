"""`runserver` as `make run` serves the embedded default: Django's development server (with
static files) listening with room for a crowd.

Django's WSGIServer asks the kernel for a backlog of 10 connections waiting to be accepted. A
burst of more new connections than that (twenty sign-ups at once, each client opening its own)
overflows it, and some clients see "connection reset by peer" before the server reads their
request (tests/config/test_embedded_concurrency.py failed so about one run in four). The same
server with the backlog gunicorn uses by default.
"""

from django.contrib.staticfiles.management.commands.runserver import Command as RunserverCommand
from django.core.servers.basehttp import WSGIServer


class CrowdWSGIServer(WSGIServer):
    request_queue_size = 2048  # gunicorn's default --backlog; the kernel caps it at somaxconn


class Command(RunserverCommand):
    server_cls = CrowdWSGIServer
