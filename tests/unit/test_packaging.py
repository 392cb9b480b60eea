"""Import-time and construction behaviour: fallbacks, auth choices, secrets kept out of reprs."""

from __future__ import annotations

import subprocess
import sys
import textwrap

import pytest

import caldav
import caldav.error
import caldav.lib.error
from caldav.jmap import JMAPClient, get_jmap_client
from caldav.jmap.transport import build_auth
from caldav.requests import HTTPBearerAuth


def run_isolated(code: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], capture_output=True, text=True
    )


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


def test_caldav_error_is_the_same_module():
    assert caldav.error is caldav.lib.error
    assert caldav.error.DAVError is caldav.lib.error.DAVError


def test_auth_choice():
    assert build_auth("alice", "pw") == ("alice", "pw")
    assert build_auth(None, "token") == HTTPBearerAuth("token")
    assert build_auth("alice", "token", auth_type="bearer") == HTTPBearerAuth("token")
    custom = object()
    assert build_auth("alice", "pw", auth=custom) is custom
    with pytest.raises(ValueError, match="auth_type"):
        build_auth("alice", "pw", auth_type="ntlm")


def test_repr_never_shows_credentials():
    client = JMAPClient("https://example.invalid/", "alice", "s3cret-pw")
    assert "s3cret-pw" not in repr(client)
    assert "s3cret-pw" not in repr(client._transport)
    assert "tok-123" not in repr(HTTPBearerAuth("tok-123"))


def test_get_jmap_client_passes_auth_through_and_returns_none_unconfigured(monkeypatch, tmp_path):
    for name in ("CALDAV_URL", "JMAP_URL", "CALDAV_CONFIG_FILE", "CALENDARING_CONFIG_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path))
    assert get_jmap_client() is None
    auth = HTTPBearerAuth("tok")
    client = get_jmap_client(url="https://example.invalid/.well-known/jmap", auth=auth)
    assert isinstance(client, JMAPClient)
    assert client._transport.auth is auth


def test_get_jmap_client_reads_config_section(monkeypatch, tmp_path):
    for name in ("CALDAV_URL", "JMAP_URL", "CALDAV_USERNAME", "CALDAV_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    config = tmp_path / "calendar.conf"
    config.write_text(
        "default:\n  caldav_url: https://a.example/\n"
        "work:\n  caldav_url: https://work.example/.well-known/jmap\n"
        "  caldav_username: bob\n  caldav_password: pw\n"
    )
    client = get_jmap_client(config_file=str(config), config_section="work")
    assert client.url == "https://work.example/.well-known/jmap"
    assert client.username == "bob"
