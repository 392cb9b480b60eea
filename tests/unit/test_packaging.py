"""Import-time and construction behaviour: python-caldav's modules underneath, the peers'
names, auth choices, config keys, secrets kept out of reprs.  (The install matrix of the
built wheel beside python-caldav is tests/packaging/test_install_matrix.py.)"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import textwrap
from importlib.metadata import version

import caldav.config
import caldav.lib.error
import niquests
import pytest
from caldav.requests import HTTPBearerAuth

import caldav
import caldav.jmap
from caldav.jmap import AsyncJMAPClient, JMAPClient, get_async_jmap_client, get_jmap_client
from caldav.jmap._transport import DigestCredentials, build_auth
from caldav.jmap.config import ConfigurationError
from caldav.jmap.error import (
    JMAPAuthError,
    JMAPCapabilityError,
    JMAPConnectionError,
    JMAPError,
    JMAPMethodError,
    JMAPNotFoundError,
    JMAPRateLimitError,
    JMAPStateMismatchError,
    method_error_class,
)
from caldav.jmap.session import Session


def run_isolated(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True
    )


def test_caldav_is_python_caldav_and_caldav_jmap_is_ours():
    assert version("caldav").startswith("3.")
    assert caldav.DAVClient.__module__ == "caldav.davclient"
    assert caldav.jmap.JMAPClient is JMAPClient
    assert caldav.jmap.__version__ == version("caldav-jmap")


def test_errors_are_python_caldavs():
    assert issubclass(JMAPError, caldav.lib.error.DAVError)
    assert issubclass(JMAPAuthError, caldav.lib.error.AuthorizationError)
    assert issubclass(JMAPNotFoundError, caldav.lib.error.NotFoundError)
    assert issubclass(JMAPRateLimitError, caldav.lib.error.RateLimitError)
    assert issubclass(JMAPStateMismatchError, caldav.lib.error.ETagMismatchError)
    assert caldav.error is caldav.lib.error  # python-caldav's own alias


def test_error_constructors_take_the_peers_forms():
    bare = JMAPError()
    assert bare.error_type == "serverError" and isinstance(bare, caldav.lib.error.DAVError)
    assert str(bare) and bare.args == (bare.reason,)
    peer = JMAPError("https://x.example/api", "went wrong", "unknownMethod")
    assert (peer.url, peer.reason, peer.error_type) == (
        "https://x.example/api",
        "went wrong",
        "unknownMethod",
    )
    assert JMAPAuthError().error_type == "forbidden"
    assert JMAPAuthError(url="https://x.example/", reason="HTTP 401").reason == "HTTP 401"
    assert JMAPConnectionError().error_type == "connectionFailed"
    cap = JMAPCapabilityError()
    assert cap.error_type == "capabilityNotSupported" and "calendars" in cap.reason
    ours = JMAPCapabilityError("urn:ietf:params:jmap:calendars", url="https://x.example/")
    assert ours.capability == "urn:ietf:params:jmap:calendars" and ours.url == "https://x.example/"
    theirs = JMAPCapabilityError("https://x.example/", "no calendars")
    assert theirs.url == "https://x.example/" and theirs.reason == "no calendars"
    assert theirs.capability is None
    # the method error: this package's (reason, error_type), the peers' (url, reason, type)
    mine = JMAPMethodError("it failed", "invalidArguments", method="CalendarEvent/get")
    assert (mine.reason, mine.error_type, mine.url) == ("it failed", "invalidArguments", None)
    three = JMAPMethodError("https://x.example/api", "it failed", "notFound")
    assert (three.url, three.reason, three.error_type) == (
        "https://x.example/api",
        "it failed",
        "notFound",
    )
    two = JMAPMethodError("https://x.example/api", "it failed")
    assert (two.url, two.reason, two.error_type) == (
        "https://x.example/api",
        "it failed",
        "serverError",
    )
    keywords = JMAPMethodError(url="https://x.example/api", reason="r", error_type="forbidden")
    assert keywords.error_type == "forbidden"
    assert JMAPMethodError().error_type == "serverError"
    state = method_error_class("stateMismatch")("changed", "stateMismatch")
    assert isinstance(state, JMAPStateMismatchError) and state.error_type == "stateMismatch"
    with pytest.raises(TypeError, match="reason twice"):
        JMAPMethodError("a", reason="b")


def test_auth_choice():
    assert build_auth("alice", "pw") == ("alice", "pw")
    assert build_auth(None, "token") == HTTPBearerAuth("token")
    assert build_auth("alice", "token", auth_type="bearer") == HTTPBearerAuth("token")
    assert build_auth("alice", "pw", auth_type="digest") == DigestCredentials("alice", "pw")
    custom = object()
    assert build_auth("alice", "pw", auth=custom) is custom


@pytest.mark.parametrize(
    "username, password, auth_type, message",
    [
        ("alice", "pw", "ntlm", "auth_type"),
        (None, None, None, "no credentials"),
        ("alice", None, None, "needs a password"),
        (None, "pw", "basic", "needs a username"),
        ("alice", None, "bearer", "needs a token"),
        (None, "pw", "digest", "needs a username"),
    ],
)
def test_auth_misconfiguration_is_a_dav_error(username, password, auth_type, message):
    with pytest.raises(JMAPAuthError, match=message) as info:
        JMAPClient("https://example.invalid/", username, password, auth_type=auth_type)
    assert isinstance(info.value, caldav.lib.error.AuthorizationError)
    # also a ValueError: the caller's mistake, named (JMAPCredentialsError)
    assert isinstance(info.value, ValueError)
    with pytest.raises(JMAPAuthError, match=message):
        AsyncJMAPClient("https://example.invalid/", username, password, auth_type=auth_type)


def test_digest_proxy_client_certificate_and_headers_reach_the_sessions(tmp_path):
    cert = str(tmp_path / "client.pem")
    sync = JMAPClient(
        "https://example.invalid/",
        "alice",
        "pw",
        auth_type="digest",
        proxy="proxy.example.invalid:3128",
        ssl_cert=cert,
        headers={"X-Trace": "1"},
    )
    session = sync._transport._session
    # the auth goes with each request to the client's origin, never session-wide
    assert session.auth is None
    assert isinstance(sync._transport._request_auth, niquests.auth.HTTPDigestAuth)
    assert session.proxies["https"] == "http://proxy.example.invalid:3128"
    assert session.cert == cert and session.headers["X-Trace"] == "1"
    asynchronous = AsyncJMAPClient(
        "https://example.invalid/", "alice", "pw", auth_type="digest", ssl_cert=(cert, cert)
    )
    assert isinstance(asynchronous._transport._request_auth, niquests.auth.AsyncHTTPDigestAuth)
    assert asynchronous._transport._session.cert == (cert, cert)


def test_package_imports_and_sync_client_works_without_niquests():
    result = run_isolated(
        """
        import sys
        sys.modules["niquests"] = None          # as if it were not installed
        import caldav.jmap
        from caldav.jmap import JMAPClient
        client = JMAPClient("https://example.invalid/.well-known/jmap", "u", "p")
        print(type(client._transport._session).__module__)
        try:
            caldav.jmap.AsyncJMAPClient("https://example.invalid/", "u", "p")
        except caldav.jmap.JMAPError as e:
            print("async:", e.reason)
        """
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[0].startswith("requests")
    assert "needs niquests" in result.stdout


def test_library_prints_nothing_without_logging_configured():
    result = run_isolated(
        """
        import logging
        import caldav.jmap
        logging.getLogger("caldav.jmap").warning("not shown")
        print([type(h).__name__ for h in logging.getLogger("caldav.jmap").handlers])
        """
    )
    assert result.returncode == 0 and result.stderr == ""
    assert "NullHandler" in result.stdout
    assert any(
        isinstance(h, logging.NullHandler) for h in logging.getLogger("caldav.jmap").handlers
    )


def test_repr_never_shows_credentials():
    client = JMAPClient("https://example.invalid/", "alice", "s3cret-pw")
    assert "s3cret-pw" not in repr(client)
    assert "s3cret-pw" not in repr(client._transport)
    assert "s3cret-pw" not in repr(DigestCredentials("alice", "s3cret-pw"))


@pytest.fixture
def no_config(monkeypatch, tmp_path):
    for name in ("CALDAV_URL", "JMAP_URL", "CALDAV_CONFIG_FILE", "CALENDARING_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    return tmp_path


def test_get_jmap_client_passes_auth_through_and_returns_none_unconfigured(no_config):
    assert get_jmap_client() is None
    auth = HTTPBearerAuth("tok")
    client = get_jmap_client(url="https://example.invalid/.well-known/jmap", auth=auth)
    assert isinstance(client, JMAPClient)
    assert client._transport.auth is auth


def test_get_jmap_client_reads_config_section(no_config):
    config = no_config / "calendar.conf"
    config.write_text(
        "default:\n  caldav_url: https://a.example/\n"
        "work:\n  caldav_url: https://work.example/.well-known/jmap\n"
        "  caldav_username: bob\n  caldav_password: pw\n"
    )
    client = get_jmap_client(config_file=str(config), config_section="work")
    assert client.url == "https://work.example/.well-known/jmap"
    assert client.username == "bob"


def test_every_key_of_python_caldavs_config_is_used_or_refused(no_config):
    config = no_config / "calendar.conf"
    config.write_text(
        "default:\n  caldav_url: https://a.example/.well-known/jmap\n"
        "  caldav_username: bob\n  caldav_password: pw\n"
        "  caldav_proxy: http://proxy.example.invalid:8080\n"
        f"  caldav_ssl_cert: {no_config}/client.pem\n"
        "  caldav_ssl_verify_cert: 'false'\n  caldav_timeout: '7'\n"
        "  caldav_headers: {X-App: mine}\n  caldav_auth_type: digest\n"
        "  caldav_huge_tree: true\n  caldav_enable_rfc6764: false\n  caldav_require_tls: true\n"
        "  caldav_protocol: jmap\n"
        "hinted:\n  caldav_url: https://a.example/\n  caldav_features: synology\n"
        "davonly:\n  caldav_url: https://a.example/\n  caldav_protocol: caldav\n"
    )
    for factory in (get_jmap_client, get_async_jmap_client):
        client = factory(config_file=str(config))
        transport = client._transport
        assert transport.proxies["https"] == "http://proxy.example.invalid:8080"
        assert transport.cert == f"{no_config}/client.pem"
        assert transport.verify is False and transport.timeout == 7.0
        assert transport.headers["X-App"] == "mine"
        assert isinstance(transport.auth, DigestCredentials)
        for section, word in (("hinted", "features"), ("davonly", "protocol")):
            with pytest.raises(ConfigurationError, match=word):
                factory(config_file=str(config), config_section=section)
        with pytest.raises(TypeError, match="colour"):
            factory(url="https://a.example/", colour="blue")


def test_session_has_the_peers_names():
    session = Session.from_jmap(
        {
            "capabilities": {"urn:ietf:params:jmap:core": {}, "urn:ietf:params:jmap:calendars": {}},
            "accounts": {
                "A1": {
                    "name": "alice",
                    "accountCapabilities": {"urn:ietf:params:jmap:calendars": {"x": 1}},
                }
            },
            "primaryAccounts": {"urn:ietf:params:jmap:calendars": "A1"},
            "username": "alice",
            "apiUrl": "/api/",
            "downloadUrl": "/d/{accountId}/{blobId}/{name}?type={type}",
            "uploadUrl": "/u/{accountId}/",
            "eventSourceUrl": "/es/",
            "state": "s1",
        },
        "https://jmap.example/.well-known/jmap",
    )
    assert session.account_id == "A1"
    assert session.account_capabilities == {"urn:ietf:params:jmap:calendars": {"x": 1}}
    assert session.server_capabilities is session.capabilities
    assert session.api_url == "https://jmap.example/api/"


def test_async_client_has_aclose():
    async def main():
        client = AsyncJMAPClient("https://example.invalid/", "alice", "pw")
        await client.aclose()

    asyncio.run(main())


def test_credentials_in_the_url_are_taken_as_the_auth():
    # python-caldav's form: user and (percent-encoded) password in the URL
    client = JMAPClient("https://alice:p%40ss@jmap.example.invalid/.well-known/jmap")
    assert client.username == "alice"
    assert client.url == "https://jmap.example.invalid/.well-known/jmap"
    assert client._transport.auth == ("alice", "p@ss")
    # explicit credentials win over the URL's, which are still removed from the URL
    other = JMAPClient("https://alice:pw@jmap.example.invalid/", "bob", "secret")
    assert other._transport.auth == ("bob", "secret")
    assert other.url == "https://jmap.example.invalid/"
