"""caldav.requests.HTTPBearerAuth with requests and niquests."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import niquests
import pytest
import requests

import caldav.requests
from caldav.requests import HTTPBearerAuth

MODULE_PATH = Path(caldav.requests.__file__)


def _load_without(monkeypatch: pytest.MonkeyPatch, *blocked: str) -> ModuleType:
    """caldav/requests.py loaded afresh, as if the ``blocked`` packages were not installed."""
    for name in blocked:
        for loaded in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
            monkeypatch.delitem(sys.modules, loaded)
        monkeypatch.setitem(sys.modules, name, None)  # import raises ImportError
    spec = importlib.util.spec_from_file_location("_caldav_requests_copy", MODULE_PATH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_sets_header_on_prepared_requests_request() -> None:
    prepared = requests.Request(
        "GET", "https://jmap.example.com/", auth=HTTPBearerAuth("tok")
    ).prepare()
    assert prepared.headers["Authorization"] == "Bearer tok"


def test_call_returns_the_request() -> None:
    prepared = requests.Request("GET", "https://jmap.example.com/").prepare()
    assert HTTPBearerAuth("abc")(prepared) is prepared
    assert prepared.headers["Authorization"] == "Bearer abc"


def test_requests_session_auth() -> None:
    session = requests.Session()
    session.auth = HTTPBearerAuth("sess")
    prepared = session.prepare_request(requests.Request("GET", "https://jmap.example.com/"))
    assert prepared.headers["Authorization"] == "Bearer sess"


def test_sets_header_on_niquests_request() -> None:
    prepared = niquests.Request(
        "GET", "https://jmap.example.com/", auth=HTTPBearerAuth("ntok")
    ).prepare()
    assert prepared.headers["Authorization"] == "Bearer ntok"


def test_niquests_session_auth() -> None:
    session = niquests.Session()
    session.auth = HTTPBearerAuth("nsess")
    prepared = session.prepare_request(niquests.Request("POST", "https://jmap.example.com/api"))
    assert prepared.headers["Authorization"] == "Bearer nsess"


def test_subclasses_requests_auth_base() -> None:
    assert isinstance(HTTPBearerAuth("t"), requests.auth.AuthBase)


def test_equality_by_token() -> None:
    assert HTTPBearerAuth("a") == HTTPBearerAuth("a")
    assert HTTPBearerAuth("a") != HTTPBearerAuth("b")
    assert HTTPBearerAuth("a") != "a"
    assert hash(HTTPBearerAuth("a")) == hash(HTTPBearerAuth("a"))
    assert HTTPBearerAuth("a").token == "a"


def test_repr_hides_token() -> None:
    auth = HTTPBearerAuth("supersecret")
    assert repr(auth) == "HTTPBearerAuth(***)"
    assert str(auth) == "HTTPBearerAuth(***)"
    assert "supersecret" not in repr([auth])


def test_import_without_requests(monkeypatch: pytest.MonkeyPatch) -> None:
    module = _load_without(monkeypatch, "requests")
    assert module.HTTPBearerAuth.__mro__[1] is niquests.auth.AuthBase
    prepared = niquests.Request(
        "GET", "https://jmap.example.com/", auth=module.HTTPBearerAuth("x")
    ).prepare()
    assert prepared.headers["Authorization"] == "Bearer x"


def test_import_without_niquests(monkeypatch: pytest.MonkeyPatch) -> None:
    module = _load_without(monkeypatch, "niquests")
    assert module.HTTPBearerAuth.__mro__[1] is requests.auth.AuthBase
    assert repr(module.HTTPBearerAuth("y")) == "HTTPBearerAuth(***)"


def test_import_without_either(monkeypatch: pytest.MonkeyPatch) -> None:
    module = _load_without(monkeypatch, "requests", "niquests")
    assert module.HTTPBearerAuth.__mro__[1] is object
    assert module.HTTPBearerAuth("z") == module.HTTPBearerAuth("z")
