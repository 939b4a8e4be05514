"""The doubles' model lists, read through each real SDK's models.list() (plain pytest)."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterator

import anthropic
import openai
import pytest
from google import genai
from google.genai import types as genai_types

from tests.support.doubles import Reply, VendorDouble

KEY = "sk-test-abcdefghijklmnop1234"


@pytest.fixture(scope="module")
def doubles() -> Iterator[dict[str, VendorDouble]]:
    started = {vendor: VendorDouble(vendor).start() for vendor in ("openai", "anthropic", "gemini")}
    yield started
    for double in started.values():
        double.stop()


@pytest.fixture
def fresh(doubles):
    def get(vendor: str) -> VendorDouble:
        double = doubles[vendor]
        double.reset()
        double.models = {f"model-{i}": None for i in range(5)} | {"old-model": "2026-12-31"}
        return double

    return get


def test_openai_lists_every_model_with_its_shutdown_date(fresh):
    double = fresh("openai")
    client = openai.OpenAI(api_key=KEY, base_url=double.base_url, max_retries=0)

    models = {m.id: m for m in client.models.list()}

    assert list(models) == [*(f"model-{i}" for i in range(5)), "old-model"]
    assert models["old-model"].shutdown_date == "2026-12-31"
    assert models["model-0"].shutdown_date is None and models["model-0"].object == "model"
    assert [(s.method, s.path) for s in double.requests] == [("GET", "/v1/models")]


def test_anthropic_pages_by_after_id_and_reports_the_lifecycle(fresh):
    double = fresh("anthropic")
    client = anthropic.Anthropic(api_key=KEY, base_url=double.base_url, max_retries=0)

    models = list(client.models.list(limit=2))  # the SDK follows has_more/last_id

    assert [m.id for m in models] == [*(f"model-{i}" for i in range(5)), "old-model"]
    old = models[-1]
    assert (old.lifecycle, f"{old.retires_at:%Y-%m-%d}") == ("deprecated", "2026-12-31")
    assert models[0].lifecycle == "active" and models[0].retires_at is None
    assert [s.query.get("after_id") for s in double.requests] == [
        None,
        "model-1",
        "model-3",
    ]


def test_gemini_pages_by_page_token_on_the_v1_path(fresh):
    double = fresh("gemini")
    client = genai.Client(
        api_key=KEY,
        http_options=genai_types.HttpOptions(
            base_url=double.base_url, retry_options=genai_types.HttpRetryOptions(attempts=1)
        ),
    )

    names = [m.name for m in client.models.list(config={"page_size": 4})]

    assert names == [*(f"models/model-{i}" for i in range(5)), "models/old-model"]
    assert {s.path for s in double.requests} == {"/v1/models"}  # google-genai 3.x: v1
    assert [s.query.get("pageToken") for s in double.requests] == [None, "4"]


@pytest.mark.parametrize("vendor", ["openai", "anthropic", "gemini"])
def test_a_wrong_key_cannot_list_and_a_listing_spends_no_script(fresh, vendor):
    double = fresh(vendor)
    double.expect_key = "the-right-key"
    double.script(Reply.error(500))
    status, body = _get(double, key="wrong")

    assert status in (400, 401)  # Gemini answers a bad key with 400 API_KEY_INVALID
    double.expect_key = None
    status, body = _get(double, key=KEY)
    assert status == 200
    assert double._script  # the scripted 500 still waits for a generate call


def _get(double: VendorDouble, *, key: str) -> tuple[int, bytes]:
    origin = double.base_url.removesuffix("/v1")
    headers = {"authorization": f"Bearer {key}", "x-goog-api-key": key, "x-api-key": key}
    request = urllib.request.Request(f"{origin}/v1/models", headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=5) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.read()
