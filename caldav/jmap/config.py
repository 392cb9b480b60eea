"""Connection parameters for a JMAP client, read by python-caldav's own :mod:`caldav.config`.

:func:`get_connection_params` is python-caldav's ``caldav.config.get_connection_params``
(same config file, same ``CALDAV_*`` environment, same sections, same conversions of
``ssl_verify_cert``, ``headers``, ``features``, ...), with two additions for JMAP:

- a section of ``kind: jmap`` (and the ``JMAP_*`` environment, ``JMAP_URL`` first) is
  preferred over a CalDAV one; python-caldav itself skips them.  Its keys are converted by
  python-caldav's ``extract_conn_params_from_section``, so they mean what they mean there.
- an explicit keyword that is no connection parameter is a :class:`TypeError` naming it,
  not silently dropped.

Example::

    from caldav.jmap.config import get_connection_params

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
import os
from typing import Any

import calendaring_config

from caldav import config as caldav_config
from caldav.jmap._jsontypes import JSONObject

__all__ = ["CONNKEYS", "ConfigurationError", "get_connection_params"]

log = logging.getLogger("caldav.jmap")

#: The connection parameters python-caldav's config returns (and accepts explicitly).
CONNKEYS: frozenset[str] = frozenset(caldav_config.CONNKEYS)

#: Keys of a ``kind: jmap`` section passed to the caller although no connection parameter.
EXTRA_KEYS: tuple[str, ...] = tuple(caldav_config.CALENDAR_KEYS)
EXTRA_PREFIXES: tuple[str, ...] = tuple(caldav_config.PASSED_PREFIXES)


class ConfigurationError(ValueError):
    """The environment or the config file cannot be used.

    Raised for a named config file that does not exist, a section that does not exist,
    a file that is neither YAML nor JSON, a failing ``password_command`` and the like.
    The original ``calendaring_config.ConfigError`` is its ``__cause__``.
    """


def get_connection_params(
    check_config_file: bool = True,
    config_file: str | None = None,
    config_section: str | None = None,
    environment: bool = True,
    **explicit_params: Any,
) -> JSONObject | None:
    """The connection parameters for a JMAP client, or ``None`` when none are set.

    :param check_config_file: read the config file (``config_file``, else
        ``CALDAV_CONFIG_FILE`` or ``CALENDARING_CONFIG_FILE``, else the standard paths).
    :param config_file: path of the config file; it must exist.
    :param config_section: section of the config file (else ``CALDAV_CONFIG_SECTION``,
        else ``default``); a section that does not exist is an error when named.
    :param environment: read the ``JMAP_*``, ``CALDAV_*`` and ``CALENDARING_*`` variables.
    :param explicit_params: connection parameters (:data:`CONNKEYS`).  ``None`` counts as
        not given.  With a ``url`` they are returned as they are; without one they
        override the keys found in the environment or the file.
    :returns: a dict of :data:`CONNKEYS` entries (plus a ``kind: jmap`` section's
        ``calendar_name``, ``calendar_url``, ``test_*`` and ``x_*`` keys), or ``None``.
    :raises TypeError: for an explicit keyword that is no connection parameter.
    :raises ConfigurationError: when the environment or the config file cannot be used.
    """
    unknown = sorted(k for k in explicit_params if k not in CONNKEYS)
    if unknown:
        raise TypeError(f"unknown connection parameter(s): {', '.join(unknown)}")
    explicit = {k: v for k, v in explicit_params.items() if v is not None}
    try:
        if "url" not in explicit:
            found = _jmap_connection(check_config_file, config_file, config_section, environment)
            if found is not None:
                return {**found, **explicit}
        return caldav_config.get_connection_params(
            check_config_file=check_config_file,
            config_file=config_file,
            config_section=config_section,
            environment=environment,
            **explicit,
        )
    except calendaring_config.ConfigError as e:
        raise ConfigurationError(str(e)) from e
    except ValueError as e:  # python-caldav's own refusals (headers, feature profiles)
        if isinstance(e, ConfigurationError):
            raise
        raise ConfigurationError(str(e)) from e


def _jmap_connection(
    check_config_file: bool, config_file: str | None, section: str | None, environment: bool
) -> JSONObject | None:
    """The connection of the environment or the file that python-caldav's reader would not
    find (``kind: jmap``), or that it would find with the same result; converted."""
    if environment and os.environ.get("CALDAV_URL") and not os.environ.get("JMAP_URL"):
        return None  # a CALDAV_URL replaces the file, as in python-caldav
    if check_config_file:
        connections = calendaring_config.load(
            config_file, section, environment=environment, kinds=("jmap",)
        )
    elif environment:
        connections = [
            calendaring_config.Connection("environment", kind, params)
            for kind, params in calendaring_config.environment_connections(("jmap",))
        ]
    else:
        return None
    # A kind: jmap connection first; else a section without a kind whose URL is http(s),
    # which python-caldav would take as a CalDAV one: converted here by its own rules
    # rather than by reading the file again (that would run a password_command twice).
    chosen = next((c for c in connections if c.kind == "jmap"), None) or next(
        (c for c in connections if c.kind is None and _is_http(c.params.get("url"))), None
    )
    return None if chosen is None else _converted(chosen)


def _is_http(url: Any) -> bool:
    # python-caldav's test for a section without a kind (caldav.config._is_caldav)
    return isinstance(url, str) and url.startswith(("http://", "https://"))


def _converted(conn: calendaring_config.Connection) -> JSONObject:
    """A ``kind: jmap`` connection's keys as python-caldav converts a section's."""
    params = dict(conn.params)
    if "token" in params:  # a Bearer token
        if "password" in params:
            raise ConfigurationError(f"section {conn.name} gives both password and token")
        params["password"] = params.pop("token")
    extra = {k: v for k, v in params.items() if k in EXTRA_KEYS or k.startswith(EXTRA_PREFIXES)}
    dropped = sorted(set(params) - CONNKEYS - set(extra))
    if dropped:
        log.warning("config section %s: unknown keys %s", conn.name, ", ".join(dropped))
    known = {k: v for k, v in params.items() if k in CONNKEYS}
    converted = caldav_config.extract_conn_params_from_section(known, section_name=conn.name)
    return {**(converted or {}), **extra}


#: Keys python-caldav's config may return that mean nothing to a JMAP client, and why
#: they can be let go: nothing is lost by not passing them on.
NO_EFFECT: dict[str, str] = {
    "huge_tree": "lxml's limit for large XML; JMAP is JSON",
    "enable_rfc6764": "DNS discovery of a CalDAV server from a domain; JMAP takes the URL",
    "require_tls": "applies to RFC 6764 discovery, which JMAP does not do",
}


def _seconds(value: str) -> float:
    """A timeout a config file gave as a string (python-caldav passes it on as it is)."""
    try:
        return float(value)
    except ValueError:
        raise ConfigurationError(f"timeout must be a number of seconds, not {value!r}") from None


def client_kwargs(params: JSONObject, accepted: frozenset[str]) -> JSONObject:
    """The keyword arguments for a client constructor taking ``accepted``, from ``params``
    (an answer of :func:`get_connection_params`).

    Every key is used, or has no effect on JMAP (:data:`NO_EFFECT`; calendar selectors and
    ``test_*``/``x_*`` keys are the application's), or is refused with a
    :class:`ConfigurationError` naming it: none is dropped silently.
    """
    kwargs: JSONObject = {}
    refused: list[str] = []
    for key, value in params.items():
        if value is None or key in NO_EFFECT or key in EXTRA_KEYS:
            continue
        if key.startswith(EXTRA_PREFIXES) or key.startswith("_"):
            continue  # the application's keys, python-caldav's test-server bookkeeping
        if key == "protocol":
            if str(value).lower() != "jmap":
                refused.append(f"protocol={value!r} (this is the JMAP client)")
            continue
        if key == "timeout" and isinstance(value, str):
            value = _seconds(value)
        if key in accepted:
            kwargs[key] = value
        elif key == "features":
            refused.append("features (CalDAV compatibility hints; a JMAP server has none)")
        else:
            refused.append(key)
    if refused:
        raise ConfigurationError(
            f"the JMAP client cannot use these connection parameters: {'; '.join(refused)}"
        )
    return kwargs
