"""Every write to the domain goes through a function here: keyword-only,
taking the acting user and a reason, atomic, leaving history."""

from .errors import ConcurrentEditError, DomainError  # noqa: F401
