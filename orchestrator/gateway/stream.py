"""The gateway's streaming door: generate()'s routing, cache, quota, retries and logging, with
the answer handed on piece by piece while the vendor writes it.

Up to the first piece a stream is an ordinary call: the cache may answer, the quota is
reserved, and a provider that fails is retried or skipped for the next one, each attempt with
its row; those failures raise AppError as generate()'s do. From the first piece on, the
answer belongs to that provider: a failure then (the vendor breaking off, an unusable answer,
the client hanging up) is logged as an error attempt with what was used, and the caller gets
a `StreamBroken`; never a shortened answer as a success.
"""

from __future__ import annotations

import functools
import inspect
import re
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass
from inspect import GEN_CREATED
from typing import Any

from core import errors

from ..models import UsageLog
from ..providers import (
    BAD_REQUEST,
    TIMEOUT,
    ProviderError,
    ProviderReply,
    StreamStopped,
    broken_stream,
)
from ..request import AIRequest
from ..resilience import breaker_record_failure, stream_slot
from ..snapshot import Route
from .attempt import (
    ANSWERED,
    AttemptFailed,
    adapter_for,
    attempt_done,
    attempt_failed,
    release_db_connection,
    with_remembered,
)
from .call import AIResult, Call, ms_since
from .serve import run_chain

# What the offline provider (no `stream`) is replayed in: each JSON string value, or each
# paragraph of plain text, is one piece, as a vendor would send them.
_PIECE_END = re.compile(r'(?<=",)|(?<=\n\n)')


class StreamBroken(errors.AppError):
    """A stream that failed after its first piece; `error` is what a whole call would have
    raised (its code and message are the client's `error` event)."""

    def __init__(self, error: errors.AppError):
        self.error = error
        self.code, self.status = error.code, error.status
        super().__init__(error.message)


@dataclass
class AIStream:
    """The pieces of one answer: iterate them, then `result` holds the AIResult (the row of
    the successful attempt written, the quota settled, the cache filled). Closing it early
    (the client went away) logs the attempt as failed with what it used."""

    provider: str
    model: str
    cached: bool
    pieces: Iterator[str]
    result: AIResult | None = None
    unread: Callable[[], None] | None = None  # closing before reading a piece
    release: Callable[[], None] | None = None  # gives the stream's admission slot back

    def __iter__(self) -> Iterator[str]:
        return self.pieces

    def close(self) -> None:
        try:
            if self.unread is not None and inspect.getgeneratorstate(self.pieces) == GEN_CREATED:
                self.unread()  # a generator never started runs no cleanup of its own
            close = getattr(self.pieces, "close", None)
            if close is not None:
                close()
        finally:
            if self.release is not None:
                self.release()


@dataclass
class _Live:
    """An attempt whose stream has sent its first piece: it can no longer fall back."""

    route: Route
    model: str
    started: float
    first: str
    rest: Generator[str, None, ProviderReply]
    done: AIResult | None = None  # an answer that ended before any text: already checked


def stream(
    request: AIRequest, *, user: Any, provider_type: str | None = None, use_cache: bool = True
) -> AIStream:
    """generate() as a stream. Returns once the first piece is there (or the cache answered);
    until then it raises what generate() raises. (A task's output check is not run: a streamed
    answer is not written twice; the caller checks the finished one.)"""
    call = Call.open(request, user=user, provider_type=provider_type)
    if use_cache and (hit := call.cached()) is not None:
        result = call.restored(hit)
        return AIStream(result.provider, result.model, True, iter([result.text]), result)
    release = stream_slot(call)  # or 503 at once: before the quota and any vendor call
    try:
        call.reserve()
        live: _Live = run_chain(call, _stream_attempt)
    except BaseException:
        call.settle()
        release()
        raise
    answer = AIStream(live.route.provider_type, live.model, False, iter(()), release=release)
    answer.pieces = _pieces(answer, live, call)
    answer.pieces = call.restored_stream(answer)  # placeholders out, the client's values in
    answer.unread = functools.partial(_unread, call, live)
    return answer


def _unread(call: Call, live: _Live) -> None:
    try:
        if live.done is None:  # an answer already logged and settled lost nothing
            _client_gone(call, live)
    finally:
        live.rest.close()
        call.settle()


def _stream_attempt(call: Call, route: Route, request: AIRequest) -> _Live:
    """One try of one provider, up to its first piece; a failure before it is an ordinary
    failed attempt, which the chain retries or falls back from."""
    call.attempts += 1
    model = route.model_for(call.tier)
    call.refuse_if_personal(route, model, request)
    # Read before the connection goes back, as attempt() does: it may ask the database.
    sent = with_remembered(route.provider_type, model, request)
    release_db_connection()
    started = time.perf_counter()
    pieces: Generator[str, None, ProviderReply] | None = None
    try:
        pieces = _vendor_stream(adapter_for(route, call), model, call.tier, sent)
        while not (first := next(pieces)):
            pass
    except StopIteration as ended:
        # An answer with no text at all: nothing was streamed yet, so it is checked here, and
        # an unusable one is repaired or falls back in the chain as generate()'s would be.
        reply = ended.value
        done = attempt_done(call, route, model, reply, ms_since(started), request)
        return _Live(route, model, started, "", _already(reply), done)
    except Exception as exc:
        if pieces is not None:
            pieces.close()
        raise attempt_failed(call, route, model, exc, started, sent=request) from None
    return _Live(route, model, started, first, pieces)


def _pieces(stream: AIStream, live: _Live, call: Call) -> Generator[str, None, None]:
    """The live attempt's pieces; at the end its row, the settlement and the cache."""
    route, model, request = live.route, live.model, call.request
    finished = live.done is not None
    try:
        if live.done is not None:
            stream.result = live.done
            call.cache(stream.result)
            return
        if live.first:
            yield live.first
        try:
            while True:
                yield next(live.rest)
        except StopIteration as end:
            reply: ProviderReply = end.value
        except ProviderError as exc:
            if exc.kind != BAD_REQUEST and exc.kind not in ANSWERED:
                breaker_record_failure(route.key)
            used = _reported_or_estimated(exc, request)
            failure = attempt_failed(call, route, model, exc, live.started, used, sent=request)
            error = failure.error
            # "is unavailable" would not say the answer is cut short; a refusal or the output
            # cap says so itself.
            if exc.kind != TIMEOUT and exc.kind not in ANSWERED:
                error = errors.ProviderFailed(f"The AI provider {route.name} broke off its answer.")
            raise StreamBroken(error) from None
        except Exception as exc:
            failure = attempt_failed(call, route, model, exc, live.started, sent=request)
            raise StreamBroken(failure.error) from None
        finished = True
        try:
            stream.result = attempt_done(call, route, model, reply, ms_since(live.started), request)
        except AttemptFailed as failure:  # the whole answer is unusable (e.g. not the JSON)
            raise StreamBroken(failure.error) from None
        call.cache(stream.result)
    except GeneratorExit:
        if not finished:
            _client_gone(call, live)
        raise
    finally:
        live.rest.close()
        call.settle()
        if stream.release is not None:
            stream.release()


def _reported_or_estimated(exc: ProviderError, request: AIRequest) -> ProviderReply | None:
    """What a broken stream used: as the vendor reported it, or, from a vendor that reports
    usage only at the end of a stream (OpenAI, Anthropic's output count), estimated from the
    prompt, the text it wrote and the thinking the adapter measured or counted, and said so,
    because the vendor bills it all the same."""
    used = exc.partial
    if used is None:
        return used
    note = " (tokens estimated: the stream ended before the vendor reported usage)"
    if used.estimated:  # the adapter counted what it could not be told
        exc.message += note
        return used
    if used.input_tokens or used.output_tokens or not (used.text or used.thinking_tokens):
        return used
    exc.message += note
    return ProviderReply(
        text=used.text,
        input_tokens=request.estimated_tokens() - request.most_tokens,
        # Reasoning is billed as output: a reasoning model thought before it wrote.
        output_tokens=len(used.text) // 4 + 1 + used.thinking_tokens,
        thinking_tokens=used.thinking_tokens,
    )


def _client_gone(call: Call, live: _Live) -> None:
    """The client went away mid-answer: stop the vendor (its stream and connection close) and
    log the attempt with what it used by then; the vendor bills what it wrote."""
    gone = errors.ClientClosed()
    used = None
    stopped = ProviderError("client_closed", gone.message)
    try:
        live.rest.throw(StreamStopped(stopped))
    except ProviderError as exc:
        used = _reported_or_estimated(exc, call.request)
        gone.message = exc.message
    except (StopIteration, StreamStopped):
        pass
    fields = dict(call.spend(live.route, live.model, used) if used is not None else {})
    fields["latency_ms"] = ms_since(live.started)
    call.log(
        live.route,
        live.model,
        status=UsageLog.Status.ERROR,
        error_code=gone.code,
        error_message=gone.message,
        sent=call.request,
        **fields,
    )


def _vendor_stream(
    adapter: Any, model: str, tier: str, request: AIRequest
) -> Generator[str, None, ProviderReply]:
    """The adapter's stream, asked for exactly what generate() would ask (tier included)."""
    if hasattr(adapter, "stream"):
        return adapter.stream(request, model=model, tier=tier)
    return _replayed(adapter, model, tier, request)


def _replayed(
    adapter: Any, model: str, tier: str, request: AIRequest
) -> Generator[str, None, ProviderReply]:
    """A provider that cannot stream (the offline one) answers whole; its answer is handed
    on in pieces all the same, so a client reads every provider the same way."""
    reply = adapter.generate(request, model=model, tier=tier)
    sent: list[str] = []
    for piece in _PIECE_END.split(reply.text):
        if piece:
            try:
                yield piece
            except StreamStopped as stop:
                raise broken_stream(stop.error, sent, reply) from None
            sent.append(piece)
    return reply


def _already(reply: ProviderReply) -> Generator[str, None, ProviderReply]:
    return reply
    yield  # a generator that ends at once with `reply`
