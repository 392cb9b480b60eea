"""A tiny event store behind the hostile server's JMAP peer: /set creates, updates and
destroys, /query finds by uid, /get returns what is stored.  Enough for the client's bulk
and retry paths; the data itself is never interpreted."""

from __future__ import annotations

from typing import Any


class EventStore:
    """CalendarEvent/get, /query and /set handlers over a dict (``events``)."""

    def __init__(self) -> None:
        self.events: dict[str, dict[str, Any]] = {}
        self.state = 0

    def handlers(self) -> dict[str, Any]:
        return {
            "CalendarEvent/get": self.get,
            "CalendarEvent/query": self.query,
            "CalendarEvent/set": self.set,
            "Calendar/get": lambda args: {
                "state": "c",
                "notFound": [],
                "list": [{"id": "c1", "name": "Home"}],
            },
        }

    def get(self, args: dict[str, Any]) -> dict[str, Any]:
        ids = args.get("ids")
        ids = list(self.events) if ids is None else ids
        return {
            "state": str(self.state),
            "list": [self.events[i] for i in ids if i in self.events],
            "notFound": [i for i in ids if i not in self.events],
        }

    def query(self, args: dict[str, Any]) -> dict[str, Any]:
        flt = args.get("filter") or {}
        conditions = flt.get("conditions", [flt] if flt else [])
        uids = {c["uid"] for c in conditions if isinstance(c, dict) and "uid" in c}
        ids = [i for i, e in self.events.items() if not uids or e.get("uid") in uids]
        return {"queryState": str(self.state), "ids": ids, "position": 0, "total": len(ids)}

    def set(self, args: dict[str, Any]) -> dict[str, Any]:
        old = str(self.state)
        created = {}
        for key, event in (args.get("create") or {}).items():
            new_id = f"e{len(self.events) + 1}"
            self.events[new_id] = {**event, "id": new_id}
            created[key] = {"id": new_id}
        updated = {}
        for event_id, patch in (args.get("update") or {}).items():
            if event_id in self.events:
                self.events[event_id].update(patch)
                updated[event_id] = None
        destroyed = [i for i in args.get("destroy") or [] if self.events.pop(i, None)]
        self.state += 1
        return {
            "oldState": old,
            "newState": str(self.state),
            "created": created,
            "updated": updated,
            "destroyed": destroyed,
        }
