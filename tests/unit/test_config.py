"""caldav.jmap.config.get_connection_params (python-caldav's caldav.config, plus kind: jmap
sections and the JMAP_* environment): explicit arguments, environment, config file."""

from __future__ import annotations

import json
import logging
import os
from pathlib import Path

import caldav.config
import pytest

from caldav.jmap.config import CONNKEYS, ConfigurationError, get_connection_params

CONFIG = """\
---
default:
  kind: jmap
  url: https://jmap.example.com/.well-known/jmap
  username: alice
  password: filesecret
  timeout: 12
work:
  caldav_url: https://dav.example.com/
  caldav_user: bob
  caldav_pass: workpass
"""


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No real home, no config file and no CALDAV_*/JMAP_*/CALENDARING_* variable."""
    home = tmp_path / "home"
    home.mkdir()
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    for name in list(os.environ):
        if name.startswith(("CALDAV_", "JMAP_", "CALENDARING_")):
            monkeypatch.delenv(name)
    return home


@pytest.fixture
def config_file(tmp_path: Path) -> Path:
    path = tmp_path / "calendar.yaml"
    path.write_text(CONFIG)
    path.chmod(0o600)
    return path


def test_connkeys_are_python_caldavs() -> None:
    assert CONNKEYS == frozenset(caldav.config.CONNKEYS)
    assert {"proxy", "ssl_cert", "headers", "auth_type"} <= CONNKEYS


def test_explicit_url_wins(monkeypatch: pytest.MonkeyPatch, config_file: Path) -> None:
    monkeypatch.setenv("JMAP_URL", "https://env.example.com/")
    monkeypatch.setenv("CALDAV_CONFIG_FILE", str(config_file))
    params = get_connection_params(url="https://explicit.example.com/", username="carol")
    assert params == {"url": "https://explicit.example.com/", "username": "carol"}


def test_none_kwargs_ignored_empty_string_kept() -> None:
    params = get_connection_params(
        url="https://explicit.example.com/", username=None, password="", timeout=None
    )
    assert params == {"url": "https://explicit.example.com/", "password": ""}


def test_unknown_explicit_kwargs_refused() -> None:
    with pytest.raises(TypeError, match="colour"):
        get_connection_params(url="https://x.example.com/", colour="blue")


def test_nothing_configured_returns_none() -> None:
    assert get_connection_params() is None
    assert get_connection_params(username="alice", password="pw") is None


def test_caldav_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALDAV_URL", "https://dav.example.com/")
    monkeypatch.setenv("CALDAV_USERNAME", "alice")
    monkeypatch.setenv("CALDAV_PASSWORD", "envsecret")
    assert get_connection_params() == {
        "url": "https://dav.example.com/",
        "username": "alice",
        "password": "envsecret",
    }


def test_environment_aliases(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALDAV_URL", "https://dav.example.com/")
    monkeypatch.setenv("CALDAV_USER", "alice")
    monkeypatch.setenv("CALDAV_PASS", "pw")
    assert get_connection_params() == {
        "url": "https://dav.example.com/",
        "username": "alice",
        "password": "pw",
    }


def test_environment_ignored_when_disabled(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALDAV_URL", "https://dav.example.com/")
    assert get_connection_params(environment=False) is None
    assert get_connection_params(check_config_file=False, environment=False) is None


def test_environment_without_config_file(
    monkeypatch: pytest.MonkeyPatch, config_file: Path
) -> None:
    monkeypatch.setenv("CALDAV_URL", "https://dav.example.com/")
    monkeypatch.setenv("CALDAV_CONFIG_FILE", str(config_file))
    assert get_connection_params(check_config_file=False) == {"url": "https://dav.example.com/"}
    monkeypatch.delenv("CALDAV_URL")
    assert get_connection_params(check_config_file=False) is None


def test_jmap_url_preferred(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CALDAV_URL", "https://dav.example.com/")
    monkeypatch.setenv("CALDAV_USERNAME", "davuser")
    monkeypatch.setenv("JMAP_URL", "https://jmap.example.com/")
    monkeypatch.setenv("JMAP_USERNAME", "jmapuser")
    expected = {"url": "https://jmap.example.com/", "username": "jmapuser"}
    assert get_connection_params() == expected
    assert get_connection_params(check_config_file=False) == expected


def test_environment_replaces_file(monkeypatch: pytest.MonkeyPatch, config_file: Path) -> None:
    monkeypatch.setenv("JMAP_URL", "https://env.example.com/")
    assert get_connection_params(config_file=str(config_file)) == {
        "url": "https://env.example.com/"
    }


def test_environment_string_conversions(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JMAP_URL", "https://jmap.example.com/")
    monkeypatch.setenv("JMAP_TIMEOUT", "7.5")
    monkeypatch.setenv("JMAP_SSL_VERIFY_CERT", "No")
    assert get_connection_params() == {
        "url": "https://jmap.example.com/",
        "timeout": 7.5,
        "ssl_verify_cert": False,
    }
    monkeypatch.setenv("JMAP_SSL_VERIFY_CERT", "on")
    assert get_connection_params()["ssl_verify_cert"] is True
    monkeypatch.setenv("JMAP_SSL_VERIFY_CERT", "1")
    assert get_connection_params()["ssl_verify_cert"] is True
    monkeypatch.setenv("JMAP_SSL_VERIFY_CERT", "/etc/ssl/my-ca.pem")
    assert get_connection_params()["ssl_verify_cert"] == "/etc/ssl/my-ca.pem"


def test_bad_timeout_in_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JMAP_URL", "https://jmap.example.com/")
    monkeypatch.setenv("JMAP_TIMEOUT", "soon")
    with pytest.raises(ConfigurationError, match="JMAP_TIMEOUT must be a number"):
        get_connection_params()


def test_config_file_default_section(config_file: Path) -> None:
    assert get_connection_params(config_file=str(config_file)) == {
        "url": "https://jmap.example.com/.well-known/jmap",
        "username": "alice",
        "password": "filesecret",
        "timeout": 12,
    }


def test_config_file_named_section(config_file: Path) -> None:
    assert get_connection_params(config_file=str(config_file), config_section="work") == {
        "url": "https://dav.example.com/",
        "username": "bob",
        "password": "workpass",
    }


def test_config_file_from_environment(monkeypatch: pytest.MonkeyPatch, config_file: Path) -> None:
    monkeypatch.setenv("CALDAV_CONFIG_FILE", str(config_file))
    assert get_connection_params()["username"] == "alice"
    assert get_connection_params(config_section="work") == {
        "url": "https://dav.example.com/",
        "username": "bob",
        "password": "workpass",
    }
    monkeypatch.setenv("CALDAV_CONFIG_SECTION", "work")
    assert get_connection_params()["username"] == "bob"


def test_config_file_not_read_when_disabled(
    monkeypatch: pytest.MonkeyPatch, config_file: Path
) -> None:
    monkeypatch.setenv("CALDAV_CONFIG_FILE", str(config_file))
    assert get_connection_params(check_config_file=False) is None


def test_config_file_in_home(isolated: Path) -> None:
    path = isolated / ".config" / "caldav" / "calendar.conf"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"default": {"caldav_url": "https://home.example.com/"}}))
    assert get_connection_params() == {"url": "https://home.example.com/"}


def test_explicit_kwargs_override_file(config_file: Path) -> None:
    params = get_connection_params(
        config_file=str(config_file), username="override", password="", timeout=None
    )
    assert params == {
        "url": "https://jmap.example.com/.well-known/jmap",
        "username": "override",
        "password": "",
        "timeout": 12,
    }


def test_explicit_kwargs_override_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("JMAP_URL", "https://jmap.example.com/")
    monkeypatch.setenv("JMAP_PASSWORD", "envpw")
    assert get_connection_params(password="explicit", auth_type="bearer") == {
        "url": "https://jmap.example.com/",
        "password": "explicit",
        "auth_type": "bearer",
    }


def test_missing_named_config_file(tmp_path: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(ConfigurationError, match="does not exist") as info:
        get_connection_params(config_file=str(missing))
    assert isinstance(info.value, ValueError)
    assert type(info.value.__cause__).__name__ == "ConfigError"


def test_missing_config_file_from_environment(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setenv("CALDAV_CONFIG_FILE", str(tmp_path / "nope.yaml"))
    with pytest.raises(ConfigurationError, match="nope.yaml does not exist"):
        get_connection_params()


def test_missing_named_section(config_file: Path) -> None:
    with pytest.raises(ConfigurationError, match="no section named private"):
        get_connection_params(config_file=str(config_file), config_section="private")


def test_file_without_default_section(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text("work:\n  url: https://jmap.example.com/\n")
    assert get_connection_params(config_file=str(path)) is None


def test_jmap_preferred_in_meta_section(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text(
        "dav:\n  kind: caldav\n  url: https://dav.example.com/\n"
        "jmap:\n  kind: jmap\n  url: https://jmap.example.com/\n"
        "files:\n  kind: ical\n  url: /home/alice/cal\n"
        "all:\n  contains: [dav, files, jmap]\n"
    )
    assert get_connection_params(config_file=str(path), config_section="all") == {
        "url": "https://jmap.example.com/"
    }


def test_section_without_kind(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text(
        "local:\n  url: /home/alice/calendars\n"
        "web:\n  url: https://web.example.com/\n  username: eve\n"
    )
    assert get_connection_params(config_file=str(path), config_section="local") is None
    assert get_connection_params(config_file=str(path), config_section="web") == {
        "url": "https://web.example.com/",
        "username": "eve",
    }


def test_section_inheritance_and_file_conversions(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text(
        "base:\n  kind: jmap\n  url: https://jmap.example.com/\n  ssl_verify_cert: 'false'\n"
        "child:\n  inherits: base\n  username: frank\n  timeout: '3'\n  huge_tree: true\n"
    )
    assert get_connection_params(config_file=str(path), config_section="child") == {
        "url": "https://jmap.example.com/",
        "ssl_verify_cert": False,
        "username": "frank",
        "timeout": "3",  # as python-caldav reads it; the client converts it
        "huge_tree": True,
    }


def test_unknown_file_keys(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text(
        "default:\n  kind: jmap\n  url: https://jmap.example.com/\n"
        "  calendar_name: Work\n  calendar_url: https://jmap.example.com/cal/1\n"
        "  test_flag: 1\n  x_note: mine\n  colour: blue\n"
    )
    with caplog.at_level(logging.WARNING, logger="caldav"):
        params = get_connection_params(config_file=str(path))
    assert params == {
        "url": "https://jmap.example.com/",
        "calendar_name": "Work",
        "calendar_url": "https://jmap.example.com/cal/1",
        "test_flag": 1,
        "x_note": "mine",
    }
    assert "colour" in caplog.text
    assert "test_flag" not in caplog.text
    assert "calendar_name" not in caplog.text


def test_token_used_as_password(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text("default:\n  kind: jmap\n  url: https://jmap.example.com/\n  token: t0k\n")
    assert get_connection_params(config_file=str(path)) == {
        "url": "https://jmap.example.com/",
        "password": "t0k",
    }


def test_password_command(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text(
        "default:\n  kind: jmap\n  url: https://jmap.example.com/\n"
        "  username: alice\n  password_command: [echo, fromcommand]\n"
    )
    path.chmod(0o600)
    assert get_connection_params(config_file=str(path)) == {
        "url": "https://jmap.example.com/",
        "username": "alice",
        "password": "fromcommand",
    }


def test_broken_config_file(tmp_path: Path) -> None:
    path = tmp_path / "calendar.yaml"
    path.write_text("- just\n- a list\n")
    with pytest.raises(ConfigurationError, match="must be a mapping of section names"):
        get_connection_params(config_file=str(path))


def test_password_command_runs_once(tmp_path: Path) -> None:
    runs = tmp_path / "runs"
    script = tmp_path / "secret.sh"
    script.write_text(f"#!/bin/sh\necho run >> {runs}\necho s3cret\n")
    script.chmod(0o700)
    path = tmp_path / "calendar.yaml"
    path.write_text(
        "default:\n  url: https://jmap.example.com/\n  username: alice\n"
        f"  password_command: [{script}]\n"
    )
    path.chmod(0o600)
    assert get_connection_params(config_file=str(path)) == {
        "url": "https://jmap.example.com/",
        "username": "alice",
        "password": "s3cret",
    }
    assert runs.read_text() == "run\n"  # a pinentry would not ask twice
