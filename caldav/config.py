"""Connection parameters from explicit arguments, the environment or the config file.

:func:`get_connection_params` resolves them as python-caldav 3.6 does, for a JMAP client:

1. explicit keyword arguments with a ``url`` are used as they are;
2. otherwise ``JMAP_URL`` / ``CALDAV_URL`` (with ``JMAP_USERNAME``, ``CALDAV_PASSWORD``, ...)
   in the environment, else a section of the config file, found and read by
   the calendaring-config package
   (``CALDAV_CONFIG_FILE``, ``CALDAV_CONFIG_SECTION``, ``~/.config/caldav/calendar.conf``,
   ``inherits``, ``password_command``, ...);
3. explicit keyword arguments without a ``url`` override the keys found in step 2.

Example::

    from caldav.config import get_connection_params

    params = get_connection_params(config_section="work", timeout=10)
    if params is None:
        raise SystemExit("no server configured: set JMAP_URL or write a config file")
    print(params["url"], params.get("username"))

A config file (YAML or JSON) for it::

    ---
    default:
      kind: jmap
      url: https://jmap.example.com/.well-known/jmap
      username: alice
      password_command: [pass, show, jmap/alice]
    work:
      caldav_url: https://dav.example.com/
      caldav_user: alice
      caldav_pass: secret
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from typing import Any

import calendaring_config

__all__ = [
    "CONNKEYS",
    "KINDS",
    "ConfigurationError",
    "get_connection_params",
]

log = logging.getLogger("caldav")

#: The connection parameters :func:`get_connection_params` returns (and accepts explicitly).
CONNKEYS: tuple[str, ...] = (
    "url",
    "username",
    "password",
    "auth",
    "auth_type",
    "timeout",
    "ssl_verify_cert",
    "proxy",
    "headers",
    "huge_tree",
    "features",
)

#: The connection kinds read from the environment and the config file, the preferred one first.
KINDS: tuple[str, ...] = ("jmap", "caldav")

#: Keys of a config section passed through to the caller, although no connection parameter.
EXTRA_KEYS: tuple[str, ...] = ("calendar_name", "calendar_url")
#: Prefixes of section keys passed through silently (test settings, user extensions).
EXTRA_PREFIXES: tuple[str, ...] = ("test_", "x_")

_TRUE = frozenset(("true", "yes", "on", "1"))
_FALSE = frozenset(("false", "no", "off", "0"))


class ConfigurationError(ValueError):
    """The environment or the config file cannot be used.

    Raised for a named config file that does not exist, a section that does not exist,
    a file that is neither YAML nor JSON, a failing ``password_command`` and the like.
    The original :class:`calendaring_config.ConfigError` is its ``__cause__``.
    """


def get_connection_params(
    check_config_file: bool = True,
    config_file: str | None = None,
    config_section: str | None = None,
    environment: bool = True,
    **explicit_params: Any,
) -> dict[str, Any] | None:
    """The connection parameters for a JMAP (or CalDAV) client, or ``None`` when none are set.

    :param check_config_file: read the config file (``config_file``, else ``CALDAV_CONFIG_FILE``
        or ``CALENDARING_CONFIG_FILE``, else the first of the standard paths that exists).
    :param config_file: path of the config file; it must exist.
    :param config_section: section of the config file (else ``CALDAV_CONFIG_SECTION``, else
        ``default``); a section that does not exist is an error when named.
    :param environment: read the ``JMAP_*``, ``CALDAV_*`` and ``CALENDARING_*`` variables.
    :param explicit_params: connection parameters (:data:`CONNKEYS`).  ``None`` counts as not
        given; an empty string is kept.  With a ``url`` they are returned as they are;
        without one they override the keys found in the environment or the file.
    :returns: a dict of :data:`CONNKEYS` entries (plus ``calendar_name``, ``calendar_url``,
        ``test_*`` and ``x_*`` keys of a config section), or ``None``.
    :raises ConfigurationError: when the environment or the config file cannot be used.

    A connection of kind ``jmap`` is preferred over one of kind ``caldav`` or of no kind;
    a section without a kind counts only when its url is http(s).  String values from the
    environment are converted: ``timeout`` to a float, ``ssl_verify_cert`` and ``huge_tree``
    ``true/yes/on/1`` / ``false/no/off/0`` to a bool (another ``ssl_verify_cert`` string is a
    CA bundle path).  A section's ``token`` is used as the ``password`` (a Bearer token).

    Example::

        get_connection_params(url="https://jmap.example.com/", username="alice", password="pw")
        get_connection_params(config_file="~/jmap.yaml", config_section="work")
    """
    explicit = _explicit(explicit_params)
    if "url" in explicit:
        return explicit

    found = _find(check_config_file, config_file, config_section, environment)
    if found is None:
        return None
    found.update(explicit)
    return found


def _explicit(params: dict[str, Any]) -> dict[str, Any]:
    """The explicit keyword arguments that are connection parameters and not ``None``."""
    unknown = sorted(k for k, v in params.items() if k not in CONNKEYS and v is not None)
    if unknown:
        log.warning("ignoring unknown connection parameters: %s", ", ".join(unknown))
    return {k: v for k, v in params.items() if k in CONNKEYS and v is not None}


def _find(
    check_config_file: bool,
    config_file: str | None,
    config_section: str | None,
    environment: bool,
) -> dict[str, Any] | None:
    """The preferred connection of the environment or the config file, cleaned."""
    try:
        if check_config_file:
            connections = [
                (c.name, c.kind, c.params)
                for c in calendaring_config.load(
                    config_file, config_section, environment=environment, kinds=KINDS
                )
            ]
        elif environment:
            connections = [
                ("environment", kind, params)
                for kind, params in calendaring_config.environment_connections(KINDS)
            ]
        else:
            connections = []
    except calendaring_config.ConfigError as e:
        raise ConfigurationError(str(e)) from e
    chosen = _choose(connections)
    if chosen is None:
        return None
    name, params = chosen
    return _clean(name, params)


def _is_http(url: Any) -> bool:
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))


def _choose(
    connections: Iterable[tuple[str, str | None, dict[str, Any]]],
) -> tuple[str, dict[str, Any]] | None:
    """``(name, params)`` of the first ``jmap`` connection, else of the first other usable one."""
    usable: list[tuple[int, int, str, dict[str, Any]]] = []
    for position, (name, kind, params) in enumerate(connections):
        url = params.get("url")
        if kind is None and not _is_http(url):
            log.debug("section %s has no kind and no http(s) url; skipped", name)
            continue
        if kind is not None and kind not in KINDS:
            continue
        if not url:
            log.warning("section %s has no url; skipped", name)
            continue
        rank = 0 if kind == "jmap" else 1
        usable.append((rank, position, name, params))
    if not usable:
        return None
    _, _, name, params = min(usable, key=lambda u: (u[0], u[1]))
    return name, params


def _to_bool(key: str, value: Any, path_allowed: bool) -> Any:
    """``value`` as a bool when it is a string spelling one; else unchanged."""
    if not isinstance(value, str):
        return value
    word = value.strip().lower()
    if word in _TRUE:
        return True
    if word in _FALSE:
        return False
    if path_allowed:
        return value  # a CA bundle
    raise ConfigurationError(f"{key} must be true or false, not {value!r}")


def _to_float(key: str, value: Any) -> Any:
    if not isinstance(value, str):
        return value
    try:
        return float(value)
    except ValueError:
        raise ConfigurationError(f"{key} must be a number of seconds, not {value!r}") from None


def _clean(name: str, params: dict[str, Any]) -> dict[str, Any]:
    """The connection parameters of section ``name``, converted; unknown keys dropped."""
    params = dict(params)
    if "token" in params:
        token = params.pop("token")
        if "password" in params:
            raise ConfigurationError(f"section {name} gives both password and token")
        params["password"] = token
    result: dict[str, Any] = {}
    dropped: list[str] = []
    for key, value in params.items():
        if key in CONNKEYS or key in EXTRA_KEYS or key.startswith(EXTRA_PREFIXES):
            result[key] = value
        else:
            dropped.append(key)
    if dropped:
        log.warning("ignoring unknown keys in connection %s: %s", name, ", ".join(sorted(dropped)))
    if "timeout" in result:
        result["timeout"] = _to_float("timeout", result["timeout"])
    if "ssl_verify_cert" in result:
        result["ssl_verify_cert"] = _to_bool("ssl_verify_cert", result["ssl_verify_cert"], True)
    if "huge_tree" in result:
        result["huge_tree"] = _to_bool("huge_tree", result["huge_tree"], False)
    return result
