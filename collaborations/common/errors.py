"""The two errors every service may raise; their messages are for the user (Norwegian)."""

from django.core.exceptions import ValidationError


class DomainError(ValidationError):
    """A rule of the domain was broken; the message is for the user (Norwegian)."""


class ConcurrentEditError(Exception):
    """Someone else saved the object after the form was opened.

    `changes` lists (field label, old, new) so the form can show what they
    changed while keeping what this user typed.
    """

    def __init__(self, changes: list[tuple[str, str, str]], changed_by: str | None = None):
        self.changes = changes
        self.changed_by = changed_by
        super().__init__("concurrent edit")
