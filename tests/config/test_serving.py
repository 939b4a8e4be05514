"""The production worker (config/serving.py) hands a request to a thread only once it is all
there: these are the cases it must tell apart. The fault suite attacks the whole server."""

from __future__ import annotations

from config.serving import BODY_BUFFER_LIMIT, HEAD_LIMIT, request_complete

HEAD = b"POST /api/v1/auth/token HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"


def test_a_request_head_still_arriving_is_not_handed_on():
    assert not request_complete(HEAD)
    assert not request_complete(b"GET / HTTP/1.1\r\nHost: x\r\nX-Slow-1: a\r\n")


def test_a_request_without_a_body_is_complete_once_its_head_ends():
    assert request_complete(b"GET /api/v1/usage HTTP/1.1\r\nHost: x\r\n\r\n")


def test_a_body_is_waited_for_until_its_content_length_is_in():
    head = HEAD + b"Content-Length: 10\r\n\r\n"
    assert not request_complete(head + b"12345")
    assert request_complete(head + b"1234567890")
    assert request_complete(HEAD + b"content-length:10\r\n\r\n" + b"1234567890")


def test_bodies_of_unknown_length_or_awaiting_100_continue_are_handed_on_after_the_head():
    assert request_complete(HEAD + b"Transfer-Encoding: chunked\r\n\r\n")
    assert request_complete(HEAD + b"Content-Length: 5000\r\nExpect: 100-continue\r\n\r\n")


def test_a_body_beyond_the_buffer_limit_is_handed_on_once_the_limit_is_read():
    head = HEAD + f"Content-Length: {BODY_BUFFER_LIMIT * 4}\r\n\r\n".encode()
    assert not request_complete(head + b"x" * 1000)
    assert request_complete(head + b"x" * BODY_BUFFER_LIMIT)


def test_an_endless_head_is_handed_on_for_the_parser_to_refuse():
    assert request_complete(b"GET / HTTP/1.1\r\n" + b"X: " + b"a" * HEAD_LIMIT)
