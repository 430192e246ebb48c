"""Call events on the ``contactnow`` logger: in order, at their levels, with their fields as
``extra``, and never a token or a password (raw or percent-encoded)."""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator

import pytest

import contactnow
from contactnow.testing import Sandbox

USER = "ops"
PASSWORD = "pw-EVENTS-SECRET &9/+"


class Records(logging.Handler):
    """Keeps every record it handles."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def records() -> Iterator[Records]:
    logger = logging.getLogger("contactnow")
    handler = Records()
    before = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)


def forms(secret: str) -> list[str]:
    """Every form of ``secret`` that must not appear."""
    return [
        secret,
        urllib.parse.quote(secret, safe=""),
        urllib.parse.quote_plus(secret),
        "".join(f"%{b:02X}" for b in secret.encode()),
    ]


def test_a_503_then_success_logs_every_step_in_order(records: Records) -> None:
    with Sandbox(seed="demo") as sandbox:
        client = sandbox.client()
        sandbox.push_fault("status", status=503, method="priority")
        listing = client.priority.read(agent_id=1234)
        assert len(listing.records) == 2
    events = [(r.event, r.levelno) for r in records.records]  # type: ignore[attr-defined]
    assert events == [
        ("call.start", logging.DEBUG),
        ("call.attempt", logging.DEBUG),
        ("call.retry", logging.WARNING),
        ("call.attempt", logging.DEBUG),
        ("call.end", logging.INFO),
    ]
    start, first, retry, second, end = records.records
    assert start.operation == "priority.read"  # type: ignore[attr-defined]
    assert (first.attempt, first.method, first.status) == (1, "GET", 503)  # type: ignore[attr-defined]
    assert "token=***&method=priority&action=read" in first.url  # type: ignore[attr-defined]
    assert isinstance(first.duration_ms, float)  # type: ignore[attr-defined]
    assert (retry.attempt, retry.reason) == (2, "HTTP 503")  # type: ignore[attr-defined]
    assert second.status == 200  # type: ignore[attr-defined]
    assert (end.result, end.outcome_unknown, end.attempts) == ("ok", False, 2)  # type: ignore[attr-defined]
    assert len({r.call for r in records.records}) == 1  # type: ignore[attr-defined]
    assert end.getMessage().endswith("ok after 2 attempts in " + end.getMessage().rsplit(" in ", 1)[1])
    assert all(r.name == "contactnow" for r in records.records)


def test_credentials_refresh_and_give_up_never_show_a_secret(records: Records) -> None:
    with Sandbox(seed="demo", users=[(USER, PASSWORD)]) as sandbox:
        client = contactnow.Client(username=USER, password=PASSWORD, base_url=sandbox.url, retries=1)
        sandbox.push_fault("api_error", error="Expired token", method="priority")
        client.priority.read()
        sandbox.push_fault("status", status=500, times=2, method="tod_policy")
        with pytest.raises(contactnow.HttpStatusError):
            client.tod_policies.read()
    names = [r.event for r in records.records]  # type: ignore[attr-defined]
    assert "call.refresh" in names and "call.give_up" in names, names
    purposes = [r.purpose for r in records.records if r.event == "call.attempt"]  # type: ignore[attr-defined]
    assert purposes == ["token", "call", "token", "call", "call", "call"]
    text = "\n".join(f"{r.getMessage()} {r.__dict__}" for r in records.records)
    for form in forms(PASSWORD):
        assert form not in text


def test_the_async_client_logs_too(records: Records) -> None:
    async def main() -> None:
        with Sandbox(seed="demo") as sandbox:
            async with sandbox.async_client() as client:
                await client.tod_policies.read()

    asyncio.run(main())
    assert [r.event for r in records.records] == ["call.start", "call.attempt", "call.end"]  # type: ignore[attr-defined]


def test_nothing_is_logged_above_the_level() -> None:
    logger = logging.getLogger("contactnow")
    handler = Records()
    logger.addHandler(handler)
    before = logger.level
    logger.setLevel(logging.ERROR)
    try:
        with Sandbox(seed="demo") as sandbox:
            sandbox.push_fault("status", status=503)
            sandbox.client().priority.read()
    finally:
        logger.removeHandler(handler)
        logger.setLevel(before)
    assert handler.records == []


def test_nothing_is_printed_until_the_application_configures_logging() -> None:
    # A retried call logs a WARNING; without a handler of the application's, logging's
    # "last resort" would print it on stderr. The package's NullHandler keeps it silent.
    code = """
from contactnow.testing import Sandbox
with Sandbox() as sandbox:
    sandbox.push_fault("status", status=503)
    with sandbox.client() as client:
        client.priority.read()
    assert [r.fault for r in sandbox.requests()] == ["status 503", None]
"""
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr
