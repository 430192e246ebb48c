"""Pickling and copying: every model and every exception, obtained through real calls
against the sandbox, round-trips to an equal object (same hash, same fields), also across
processes; no secret is ever in the pickled bytes."""

from __future__ import annotations

import builtins
import concurrent.futures
import copy
import importlib
import multiprocessing
import pickle
from typing import Any, Callable
from urllib.parse import quote

import pytest

import contactnow
from contactnow import (
    Assignment,
    DefaultAction,
    Listing,
    NewTodPolicy,
    TodPolicy,
    TodPolicyUpdate,
    WriteResult,
    _contactnow,
    core,
)
from contactnow.testing import Sandbox

import fakeserver
from fakeserver import Reply

PROTOCOLS = list(range(pickle.HIGHEST_PROTOCOL + 1))
COPIES: list[Callable[[Any], Any]] = [copy.copy, copy.deepcopy]

# Every public class of the package, by where it is exported.
MODEL_CLASSES = [Assignment, TodPolicy, NewTodPolicy, TodPolicyUpdate, DefaultAction, WriteResult, Listing]
ERROR_CLASSES = [
    contactnow.ContactNowError,
    contactnow.InvalidInputError,
    contactnow.ApiError,
    contactnow.DecodeError,
    contactnow.HttpStatusError,
    contactnow.TransportError,
    contactnow.TimeoutError,
]


# ---------------------------------------------------------------------------------------
# Helpers


def secrets_of(*secrets: str) -> list[bytes]:
    """The forms a secret could take in pickled bytes."""
    forms = set()
    for s in secrets:
        forms.update({s.encode(), quote(s, safe="").encode(), s.encode("utf-16-le")})
    return sorted(forms)


def assert_same_model(a: Any, b: Any) -> None:
    assert type(b) is type(a)
    assert b == a and not (b != a)
    assert hash(b) == hash(a)
    assert repr(b) == repr(a)


def assert_model_round_trips(obj: Any) -> None:
    for protocol in PROTOCOLS:
        assert_same_model(obj, pickle.loads(pickle.dumps(obj, protocol=protocol)))
    for copier in COPIES:
        assert_same_model(obj, copier(obj))


def error_state(err: BaseException) -> tuple[Any, ...]:
    return (type(err), err.args, str(err), repr(err), vars(err), getattr(err, "kind", None))


def assert_error_round_trips(err: BaseException, *secrets: str) -> None:
    for protocol in PROTOCOLS:
        data = pickle.dumps(err, protocol=protocol)
        for secret in secrets_of(*secrets):
            assert secret not in data, f"a secret is in the pickle of {err!r} (protocol {protocol})"
        back = pickle.loads(data)
        assert error_state(back) == error_state(err)
    for copier in COPIES:
        assert error_state(copier(err)) == error_state(err)


def catch(kind: type[BaseException], call: Callable[[], object]) -> Any:
    with pytest.raises(kind) as info:
        call()
    assert type(info.value) is kind, f"expected exactly {kind.__name__}, got {type(info.value).__name__}"
    return info.value


# ---------------------------------------------------------------------------------------
# Models


def test_classes_are_found_by_pickle_under_their_module() -> None:
    classes = MODEL_CLASSES + ERROR_CLASSES + [
        contactnow.Client,
        contactnow.PriorityApi,
        contactnow.TodPolicyApi,
        contactnow.AsyncClient,
        core.Request,
        core.TokenGrant,
        core.TokenStatus,
        _contactnow.Sandbox,
        Sandbox,
    ]
    for cls in classes:
        module = importlib.import_module(cls.__module__)
        assert getattr(module, cls.__qualname__) is cls, f"{cls.__module__}.{cls.__qualname__}"
    for cls in MODEL_CLASSES:
        assert cls.__module__ == "contactnow"
    for cls in [core.Request, core.TokenGrant, core.TokenStatus]:
        assert cls.__module__ == "contactnow.core"


def test_models_from_the_sandbox_round_trip(sandbox: Sandbox) -> None:
    seen: set[type] = set()

    def check(obj: Any) -> None:
        seen.add(type(obj))
        assert_model_round_trips(obj)

    with sandbox.client() as client:
        created = client.priority.create([Assignment(1234, 1007, 100), Assignment(1234, 1008, 50)])
        check(created)
        assignments = client.priority.read(agent_id=1234)
        assert len(assignments) == 2
        check(assignments)
        for a in assignments:
            check(a)
        new = [
            NewTodPolicy("Night & <weekend> ☎", DefaultAction.jump(1007)),
            NewTodPolicy("Day", "queue"),
            NewTodPolicy("Lunch", DefaultAction.VOICEMAIL),
        ]
        for p in new:
            check(p)
        keyed = client.tod_policies.create(new[0])
        assert keyed.key is not None and keyed.account_id is not None
        check(keyed)
        client.tod_policies.create(new[1:])
        updates = [
            TodPolicyUpdate(keyed.key, default=DefaultAction.HANGUP),
            TodPolicyUpdate(keyed.key, description="Night"),
            TodPolicyUpdate(keyed.key, "Night", "hangup"),
        ]
        for u in updates:
            check(u)
        check(client.tod_policies.update(updates))
        policies = client.tod_policies.read()
        assert len(policies) == 3
        check(policies)
        for p in policies:
            check(p)
            check(p.default)
        (night,) = client.tod_policies.read(policy_id=keyed.key)
        assert night == TodPolicy(keyed.key, "Night", DefaultAction.HANGUP)
    assert seen == set(MODEL_CLASSES)


def test_every_default_action_round_trips() -> None:
    actions = [
        DefaultAction.QUEUE,
        DefaultAction.VOICEMAIL,
        DefaultAction.HANGUP,
        DefaultAction("jump:7"),
        DefaultAction.jump(2**64 - 1),
        DefaultAction.from_wire("transfer:9"),  # unknown: the strict constructor refuses it
        DefaultAction.from_wire("jump:0"),  # a malformed jump, kept as read
        DefaultAction.from_wire(""),
        DefaultAction.from_wire("Queue"),
    ]
    for action in actions:
        assert_model_round_trips(action)
        back = pickle.loads(pickle.dumps(action))
        assert (back.value, back.kind, back.queue_id, back.is_known) == (
            action.value,
            action.kind,
            action.queue_id,
            action.is_known,
        )
    # Models holding an unknown action, as a read returns them, round-trip too.
    unknown = DefaultAction.from_wire("transfer:9")
    assert_model_round_trips(TodPolicy(3, "x", unknown))
    assert_model_round_trips(NewTodPolicy("x", unknown))
    assert_model_round_trips(TodPolicyUpdate(3, default=unknown))
    # The helper pickle names is the module's.
    helper = _contactnow._default_action_from_wire  # type: ignore[attr-defined]
    assert helper.__module__ == "contactnow._contactnow"
    assert "_default_action_from_wire" not in _contactnow.__all__


def test_models_at_their_limits_round_trip() -> None:
    big = 2**64 - 1
    for obj in [
        Assignment(0, big, 2**32 - 1),
        TodPolicy(big, "", DefaultAction.QUEUE),
        TodPolicy(0, "tab\tnew line\n\"'\\ é ☎ \U0001f600", "jump:1"),
        TodPolicyUpdate(big),
        WriteResult(),
        WriteResult(account_id=big, total=big, bad=big, key=big),
        Listing(records=[]),
        Listing(records=[], account_id=10278, total=5),
        Listing(records=[TodPolicy(1, "a", "queue"), TodPolicy(2, "b", "hangup")], total=9),
    ]:
        assert_model_round_trips(obj)


def test_listing_records_are_copied_deeply_but_shallow_copy_shares_them() -> None:
    listing = Listing(records=[Assignment(1, 2, 3), Assignment(4, 5, 6)], account_id=7, total=2)
    deep = copy.deepcopy(listing)
    assert deep == listing and deep.records == listing.records
    back = pickle.loads(pickle.dumps(listing))
    assert (back.account_id, back.total, back.records) == (7, 2, listing.records)
    # A Listing of something other than models (it is generic) pickles its records as they are.
    plain: Listing[tuple[int, str]] = Listing(records=[(1, "a")])
    assert pickle.loads(pickle.dumps(plain)) == plain


def test_token_status_round_trips_but_secrets_refuse_pickling() -> None:
    status = core.parse_response("token.validate", 200, "application/json", b'{"success":true,"expire":1700000000}')
    assert status == core.TokenStatus(1700000000)
    assert_model_round_trips(status)

    secret = "tok-PICKLE-SECRET-41"
    grant = core.parse_response("token.get", 200, "application/json", b'{"success":true,"token":"%s","expire":9}' % secret.encode())
    request = core.build_request("priority.read", {"agent_id": 7}, token=secret)
    for obj in [grant, request]:
        assert copy.copy(obj) is obj and copy.deepcopy(obj) is obj
        for protocol in PROTOCOLS:
            with pytest.raises(TypeError, match="cannot pickle") as e:
                pickle.dumps(obj, protocol=protocol)
            assert secret not in str(e.value)


def test_clients_refuse_pickling(sandbox: Sandbox) -> None:
    with sandbox.client() as client:
        for obj in [client, client.priority, client.tod_policies]:
            with pytest.raises(TypeError) as e:
                pickle.dumps(obj)
            assert sandbox.token not in str(e.value)


# ---------------------------------------------------------------------------------------
# Exceptions


def test_every_exception_from_the_sandbox_round_trips(sandbox: Sandbox) -> None:
    token = sandbox.token
    errors: list[contactnow.ContactNowError] = []

    with sandbox.client(retries=0, timeout=0.3) as client:
        # InvalidInputError: rejected before sending.
        bad = catch(contactnow.InvalidInputError, lambda: client.priority.create({"agent_id": -1, "queue_id": 1, "level": 1}))
        assert bad.field == "records[0].agent_id" or bad.field.endswith("agent_id")
        errors.append(bad)
        errors.append(catch(contactnow.InvalidInputError, lambda: DefaultAction("voicemial")))

        # ApiError: the server said no; a partial batch; a rejected token.
        sandbox.push_fault("api_error", error="Database busy")
        busy = catch(contactnow.ApiError, lambda: client.priority.read())
        assert busy.message == "Database busy" and not busy.partial
        errors.append(busy)
        key = client.tod_policies.create(description="Night", default="queue").key
        assert key is not None
        partial = catch(
            contactnow.ApiError,
            lambda: client.tod_policies.update([TodPolicyUpdate(key, description="N"), TodPolicyUpdate(987654, description="M")]),
        )
        assert (partial.partial, partial.total, partial.bad) == (True, 1, 1)
        errors.append(partial)

        # A body cut short (the connection closes early): a TransportError.
        sandbox.push_fault("truncate")
        errors.append(catch(contactnow.TransportError, lambda: client.priority.read()))

        # HttpStatusError; a 502 after a TOD create is outcome_unknown.
        sandbox.push_fault("status", status=503)
        status = catch(contactnow.HttpStatusError, lambda: client.priority.read())
        assert status.status == 503 and status.outcome_unknown is False
        errors.append(status)
        sandbox.push_fault("status", status=502, method="tod_policy", action="create")
        maybe = catch(contactnow.HttpStatusError, lambda: client.tod_policies.create(description="y", default="queue"))
        assert maybe.status == 502 and maybe.outcome_unknown is True
        errors.append(maybe)

        # TransportError: the connection reset.
        sandbox.push_fault("reset")
        errors.append(catch(contactnow.TransportError, lambda: client.priority.read()))

        # TimeoutError (also the built-in one); a TOD create that timed out is outcome_unknown.
        sandbox.push_fault("delay", ms=1000)
        timeout = catch(contactnow.TimeoutError, lambda: client.tod_policies.create(description="x", default="queue"))
        assert timeout.outcome_unknown and isinstance(timeout, builtins.TimeoutError)
        errors.append(timeout)

        sandbox.expire_token()
        expired = catch(contactnow.ApiError, lambda: client.priority.read())
        assert expired.token_rejected
        errors.append(expired)

        client.close()
        closed = catch(contactnow.InvalidInputError, lambda: client.priority.read())
        assert closed.field == "client" and "closed" in str(closed)
        # ContactNowError itself, as the binding raises it for a state of its own.
        errors.append(contactnow.ContactNowError("the interpreter is exiting: the AsyncClient no longer calls"))

    # The sandbox always answers well-formed bodies: DecodeError comes from the fake server
    # and the sans-IO parser below.
    assert {type(e) for e in errors} == set(ERROR_CLASSES) - {contactnow.DecodeError}
    for err in errors:
        if hasattr(err, "add_note"):  # Python >= 3.11: notes are attributes, kept too
            err.add_note("seen in a test")
        assert_error_round_trips(err, token)
        back = pickle.loads(pickle.dumps(err))
        assert isinstance(back, contactnow.ContactNowError)
        assert back.kind == err.kind
        for name, value in vars(err).items():
            assert getattr(back, name) == value, name
    timeout_back = pickle.loads(pickle.dumps(timeout))
    assert isinstance(timeout_back, builtins.TimeoutError) and isinstance(timeout_back, contactnow.TransportError)
    assert timeout_back.outcome_unknown is True
    maybe_back = pickle.loads(pickle.dumps(maybe))
    assert (maybe_back.status, maybe_back.outcome_unknown) == (502, True)


def test_errors_echoing_the_token_pickle_without_it() -> None:
    """A server that echoes the request URL (with the token) in its answers: the errors'
    texts are scrubbed, so are their pickles."""
    secret = "tok-PICKLE-ECHO-SECRET-5e1f"
    fake = fakeserver.start()
    try:
        with contactnow.Client(token=secret, base_url=fake.url, retries=0) as client:
            fake.default = Reply(status=500, echo_path=True)
            status = catch(contactnow.HttpStatusError, lambda: client.priority.read())
            assert status.status == 500 and "database.php" in status.excerpt
            fake.default = Reply(status=200, echo_path=True)
            decode = catch(contactnow.DecodeError, lambda: client.priority.read())
            fake.default = Reply(body=b'{"success":false,"error":"Invalid token ' + secret.encode() + b'"}')
            api = catch(contactnow.ApiError, lambda: client.priority.read())
    finally:
        fake.server.shutdown()
        fake.server.server_close()
    # The sans-IO parser (which is never given the token) raises the same class.
    parsed = catch(contactnow.DecodeError, lambda: core.parse_response("priority.read", 200, "application/json", b"<html>"))
    assert parsed.format == "json" and parsed.excerpt == "<html>"
    for err in [status, decode, api, parsed]:
        assert secret not in str(err) and secret not in repr(vars(err))
        assert_error_round_trips(err, secret)


def test_password_is_not_in_a_pickled_error(sandbox: Sandbox) -> None:
    username, _ = sandbox.users[0]
    password = "wrong-PASSWORD-ff21"
    with contactnow.Client(username=username, password=password, base_url=sandbox.url, retries=0) as client:
        err = catch(contactnow.ApiError, lambda: client.priority.read())
    assert_error_round_trips(err, password, sandbox.token)


def test_errors_built_directly_round_trip() -> None:
    for err in [
        contactnow.ContactNowError("base"),
        contactnow.InvalidInputError("t", field="f", reason="r"),
        contactnow.ApiError("t", message="m", account_id=1, total=2, bad=1, key=3, expire=4, partial=True, token_rejected=True),
        contactnow.DecodeError("t", format="xml", reason="r", excerpt="<x"),
        contactnow.DecodeError("t", format="json", reason="r", excerpt="<html>", outcome_unknown=True),
        contactnow.HttpStatusError("t", status=502, excerpt="Bad gateway"),
        contactnow.HttpStatusError("t", status=502, excerpt="Bad gateway", outcome_unknown=True),
        contactnow.TransportError("t", outcome_unknown=True),
        contactnow.TimeoutError("t"),
    ]:
        assert_error_round_trips(err)


def test_errors_pickled_before_outcome_unknown_existed_load() -> None:
    """HttpStatusError and DecodeError gained ``outcome_unknown``: a pickle without it (an
    older version's) loads with the default, False."""
    for err in [
        contactnow.HttpStatusError("t", status=502, excerpt="Bad gateway", outcome_unknown=True),
        contactnow.DecodeError("t", format="json", reason="r", excerpt="<html>", outcome_unknown=True),
    ]:
        del err.__dict__["outcome_unknown"]
        back = pickle.loads(pickle.dumps(err))
        assert type(back) is type(err) and back.outcome_unknown is False
        assert "outcome_unknown" not in vars(back)


# ---------------------------------------------------------------------------------------
# Across processes


def _echo(value: Any) -> Any:
    return value


def _raise(err: BaseException) -> None:
    raise err


def test_models_and_errors_cross_process_boundaries(sandbox: Sandbox) -> None:
    with sandbox.client(retries=0) as client:
        client.priority.create([Assignment(1, 2, 3), Assignment(4, 5, 6)])
        client.tod_policies.create(description="Night", default=DefaultAction.jump(12))
        listing = client.priority.read()
        policies = client.tod_policies.read()
        sandbox.push_fault("api_error", error="Database busy")
        with pytest.raises(contactnow.ApiError) as busy:
            client.priority.read()
    sandbox.push_fault("delay", ms=1000)
    with sandbox.client(retries=0, timeout=0.2) as client, pytest.raises(contactnow.TimeoutError) as late:
        client.priority.read()
    unknown = DefaultAction.from_wire("transfer:9")
    values = [listing, policies, WriteResult(total=1, key=9), TodPolicyUpdate(1, "a"), TodPolicy(5, "x", unknown), unknown]

    ctx = multiprocessing.get_context("spawn")
    with concurrent.futures.ProcessPoolExecutor(max_workers=1, mp_context=ctx) as pool:
        for value in values:
            back = pool.submit(_echo, value).result(timeout=60)
            assert_same_model(value, back)
        for err in [busy.value, late.value]:
            with pytest.raises(type(err)) as raised:
                pool.submit(_raise, err).result(timeout=60)
            assert error_state(raised.value)[:5] == error_state(err)[:5]

    queue: Any = ctx.SimpleQueue()
    queue.put(listing)
    assert_same_model(listing, queue.get())
