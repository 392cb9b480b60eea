"""Dataclasses for the JMAP objects the clients hand out."""
