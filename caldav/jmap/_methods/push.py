"""Push (RFC 8620 §7, RFC 8887): the client's watch/listen methods over
:mod:`caldav.jmap._push`, and PushSubscription operations (RFC 8620 §7.2): registering a Web
Push endpoint.

A push subscription belongs to the user's credentials, not to an account: its calls carry
no ``accountId`` (its spec, :data:`~caldav.jmap._registry.PUSH_SUBSCRIPTION`, says so).  The
server first POSTs a PushVerification (with a verification code) to the URL; the
subscription delivers StateChanges only once the code is set on it with
:meth:`PushMethods.verify_push_subscription`.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

from caldav.jmap._jsontypes import JSONObject
from caldav.jmap._operation import ClientCore, operation
from caldav.jmap._protocol.connection import Connection
from caldav.jmap._protocol.eventsource import StateChange
from caldav.jmap._protocol.objects import read_objects
from caldav.jmap._protocol.standard import SetResult, parse_set, raise_set_errors
from caldav.jmap._protocol.steps import Steps
from caldav.jmap._push import DEFAULT_TYPES, Listener, ReconnectPolicy, Watcher
from caldav.jmap._registry import PUSH_SUBSCRIPTION
from caldav.jmap._websocket import websocket_channel
from caldav.jmap.error import JMAPError
from caldav.jmap.objects.push import GET, PushSubscription

__all__ = ["PushMethods", "PushSubscription"]

SET = "PushSubscription/set"


def _utc_date(value: datetime | str) -> str:
    """A UTCDate (RFC 8620 §1.4): naive datetimes are taken as UTC."""
    if isinstance(value, str):
        return value
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return value.replace(tzinfo=None, microsecond=0).isoformat() + "Z"


def _set(conn: Connection, **arguments: Any) -> Steps[SetResult]:
    responses = yield from conn.call(PUSH_SUBSCRIPTION.set(None, **arguments))
    result = parse_set(responses.get("c0", SET), SET)
    raise_set_errors(result, SET)
    return result


class PushMethods(ClientCore):
    """The client's push methods: watching and listening for changes (EventSource, or
    WebSocket push), and Web Push subscriptions."""

    _transport: Any

    def watch(
        self,
        types: tuple[str, ...] | list[str] | None = DEFAULT_TYPES,
        ping: int = 30,
        *,
        policy: ReconnectPolicy | None = None,
        stop: Any = None,
    ) -> Iterator[StateChange]:
        """The account's changes as they happen: an iterator (async iterator in the async
        client) of :class:`~caldav.jmap._protocol.eventsource.StateChange`, from the
        session's EventSource, or from WebSocket push after :meth:`use_websocket`.

        ``types``: the data types to watch (None: all); ``ping``: seconds between the
        server's keep-alives (a stream silent for twice as long is reconnected).  A dropped
        stream is reconnected as ``policy`` says (exponential backoff with jitter, the
        server's ``retry:`` honoured), with Last-Event-ID; what changed meanwhile is
        reported by a ``synthetic`` StateChange even when the server does not replay it.
        Ends when the caller breaks out (close it, or ``with closing(...)`` /
        ``async with aclosing(...)``, to release the connection at once) or ``stop`` (a
        threading.Event or asyncio.Event) is set.
        """
        return self._watch(
            Watcher(self._conn, types, ping, policy=policy, stop=stop, channel=self._pushes())
        )

    def listen(
        self,
        on_change: Any,
        types: tuple[str, ...] | list[str] = ("CalendarEvent", "Calendar", "Task"),
        ping: int = 30,
        *,
        max_events: int | None = None,
        stop: Any = None,
        policy: ReconnectPolicy | None = None,
    ) -> None:
        """Call ``on_change(type_name, added, modified, deleted_ids)`` with the objects
        (JMAPEvent, JMAPCalendar, JMAPTask) that changed, as changes happen, from the
        state at the start on.  Types the server does not offer are skipped (Task needs
        urn:ietf:params:jmap:tasks).  Returns after ``max_events`` calls, or when ``stop``
        is set; the async client awaits ``on_change`` when it is a coroutine function."""
        listener = Listener(
            self._conn,
            self,
            types,
            ping,
            max_events=max_events,
            stop=stop,
            policy=policy,
            channel=self._pushes(),
        )
        return self._listen(listener, on_change)

    @operation
    def use_websocket(self) -> Steps[None]:
        """Send the API requests over a WebSocket from now on (RFC 8887; needs the
        ``caldav-jmap[websocket]`` extra and a server advertising urn:ietf:params:jmap:websocket,
        else JMAPCapabilityError); :meth:`watch` then uses WebSocket push when the server
        supports it.  Views made before (:meth:`for_account`) stay on HTTP."""
        channel = yield from websocket_channel(self._conn)
        if getattr(self._transport, "channel", None) is None:
            self._transport = self._websocket_transport_class(self._transport, channel)
        return None

    @operation
    def create_push_subscription(
        self,
        device_client_id: str,
        url: str,
        types: list[str] | None = None,
        keys: dict[str, str] | None = None,
        expires: Any = None,
    ) -> Steps[str]:
        """Register a Web Push ``url`` (https) for the changes of ``types`` (None: all);
        ``keys``: its p256dh and auth keys; ``expires``: a datetime (UTC when naive).
        Returns the subscription id; it delivers once verified
        (:meth:`verify_push_subscription`)."""
        if not url.lower().startswith("https://"):
            raise ValueError(f"a push subscription URL must be https (RFC 8620 §7.2), not {url!r}")
        subscription: JSONObject = {"deviceClientId": device_client_id, "url": url}
        if types is not None:
            subscription["types"] = list(types)
        if keys is not None:
            subscription["keys"] = dict(keys)
        if expires is not None:
            subscription["expires"] = _utc_date(expires)
        result = yield from _set(self._conn, create={"push": subscription})
        if "push" not in result.created:
            raise JMAPError(reason=f"{SET} neither created the subscription nor said why not")
        return str(result.created["push"]["id"])

    @operation
    def verify_push_subscription(self, subscription_id: str, verification_code: str) -> Steps[None]:
        """Set the code the server POSTed to the subscription's URL, which activates it."""
        update = {subscription_id: {"verificationCode": verification_code}}
        yield from _set(self._conn, update=update)
        return None

    @operation
    def get_push_subscriptions(self) -> Steps[list[PushSubscription]]:
        """The push subscriptions of these credentials."""
        responses = yield from self._conn.call(PUSH_SUBSCRIPTION.get(None))
        # no parse_get: this /get has no state (RFC 8620 §7.2.1)
        objects = responses.get("c0", GET).get("list")
        if not isinstance(objects, list):
            raise JMAPError(reason=f"the {GET} response has no 'list' array")
        return read_objects(self._conn, PUSH_SUBSCRIPTION, objects)

    @operation
    def delete_push_subscription(self, subscription_id: str) -> Steps[None]:
        """Remove a push subscription."""
        yield from _set(self._conn, destroy=[subscription_id])
        return None

    _websocket_transport_class: Any = None

    def _pushes(self) -> Any:
        """The WebSocket channel when the client is on a socket that pushes, else None."""
        channel = getattr(self._transport, "channel", None)
        return channel if channel is not None and channel.supports_push else None

    def _watch(self, watcher: Watcher) -> Iterator[StateChange]:
        raise NotImplementedError

    def _listen(self, listener: Listener, on_change: Any) -> None:
        raise NotImplementedError
