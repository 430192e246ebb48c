"""The README's runnable examples, run as printed against the sandbox: only the token (and
the base URL, which the examples leave at its default) are filled in."""

from __future__ import annotations

import contextlib
import io
import re
from pathlib import Path

from contactnow import Assignment
from contactnow.testing import Sandbox

README = Path(__file__).resolve().parents[1] / "README.md"


def python_blocks() -> list[str]:
    """The README's ```python blocks, in order."""
    return re.findall(r"```python\n(.*?)```", README.read_text(encoding="utf-8"), re.S)


def run_against(sandbox: Sandbox, code: str) -> str:
    """Runs ``code`` with its ``token="..."`` argument pointed at the sandbox; returns what
    it printed."""
    placeholder = 'token="..."'
    assert placeholder in code, f"the README example no longer contains {placeholder!r}"
    code = code.replace(placeholder, f"token={sandbox.token!r}, base_url={sandbox.url!r}", 1)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, str(README), "exec"), {"__name__": "readme_example"})
    return out.getvalue()


def test_the_client_example_runs() -> None:
    block = next(b for b in python_blocks() if "with Client(" in b)
    with Sandbox() as sandbox:
        printed = run_against(sandbox, block)
        assert printed.split("\n") == ["1007 100", "1008 50", ""]
        # Everything it wrote is there: the update and the policy.
        with sandbox.client() as client:
            assert {(a.queue_id, a.level) for a in client.priority.read(agent_id=1234)} == {(1007, 100), (1008, 75)}
            [policy] = client.tod_policies.read()
            assert (policy.description, policy.default.value) == ("Night", "voicemail")


def test_the_standard_library_example_runs() -> None:
    block = next(b for b in python_blocks() if "urllib.request" in b)
    with Sandbox() as sandbox:
        assert run_against(sandbox, block) == "1\n"
        with sandbox.client() as client:
            assert [(a.agent_id, a.queue_id, a.level) for a in client.priority.read()] == [(1234, 1007, 100)]


def test_the_sender_example_runs() -> None:
    block = next(b for b in python_blocks() if "sender=send" in b)
    with Sandbox() as sandbox:
        with sandbox.client() as client:
            client.priority.create([Assignment(1234, 1007, 100), Assignment(1234, 1008, 50)])
        assert run_against(sandbox, block) == "2\n"
        assert any("action=read" in r.query for r in sandbox.requests()), "sent through the sandbox"


def test_the_generic_call_example_runs() -> None:
    block = next(b for b in python_blocks() if "client.call(" in b)
    with Sandbox() as sandbox:
        with sandbox.client() as client:
            client.priority.create([Assignment(1234, 1007, 100)])
        assert run_against(sandbox, block) == "1 ['1007']\n"


def test_the_async_example_runs() -> None:
    block = next(b for b in python_blocks() if "AsyncClient(" in b)
    with Sandbox() as sandbox:
        with sandbox.client() as client:
            client.priority.create([Assignment(1234, 1007, 100), Assignment(1234, 1008, 5), Assignment(1236, 1, 1)])
        assert run_against(sandbox, block) == "[2, 0, 1]\n"
