#!/usr/bin/env python3
"""A completion and a streamed completion from a g4f-vertx gateway over the Vert.x TCP event-bus bridge.

Standard library only. Start the gateway with the bridge on, e.g.
    java -jar vertx-server/target/g4f-server.jar --tcp-bridge-port 7000
then
    python3 examples/python/g4f_tcp_bridge.py --port 7000 --model gpt-4o-mini "say this is a test"
The gateway's key, when it has one, is --api-key or else the environment variable G4F_API_KEY.

Frames are a 4-byte big-endian length followed by that many bytes of UTF-8 JSON. The protocol
(addresses, credits, pulls, errors) is described in docs/event-bus.md.
"""

import argparse
import json
import os
import socket
import struct
import sys
import uuid


class BridgeError(Exception):
    """An error frame: a gateway failure (failureCode is the HTTP status; 401 when the apiKey header was
    missing or wrong) or a refusal by the bridge, with a fixed text and no status ("blocked by bridgeEvent
    handler": an address the bridge does not allow).
    """

    def __init__(self, frame, key_sent):
        self.status = frame.get("failureCode")
        message = frame.get("message", "")
        try:
            message = json.loads(message)["error"]["message"]
        except (ValueError, KeyError, TypeError):
            pass
        if self.status == 401:
            message += (" (the API key is wrong)" if key_sent
                        else " (no API key was sent: pass --api-key or set G4F_API_KEY)")
        elif self.status is None:
            message += " (the address is not one the bridge allows)"
        super().__init__(f"{self.status or 'refused by the bridge'}: {message}")


class Bridge:
    """One TCP connection to the bridge."""

    def __init__(self, host, port, api_key=None, prefix="g4f", timeout=60):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.api_key = api_key
        self.prefix = prefix

    def close(self):
        self.sock.close()

    def _write(self, frame):
        data = json.dumps(frame).encode("utf-8")
        self.sock.sendall(struct.pack(">I", len(data)) + data)

    def _read_exactly(self, size):
        data = b""
        while len(data) < size:
            part = self.sock.recv(size - len(data))
            if not part:
                raise ConnectionError("the bridge closed the connection")
            data += part
        return data

    def _read(self):
        (size,) = struct.unpack(">I", self._read_exactly(4))
        return json.loads(self._read_exactly(size).decode("utf-8"))

    def request(self, address, body, headers=None):
        """Sends body to address and returns the answer frame."""
        reply_to = "py." + uuid.uuid4().hex
        frame = {"type": "send", "address": address, "replyAddress": reply_to, "body": body}
        if headers:
            frame["headers"] = headers
        self._write(frame)
        while True:
            answer = self._read()
            if answer.get("type") == "err" and answer.get("address") in (None, reply_to):
                raise BridgeError(answer, "apiKey" in (headers or {}))
            if answer.get("address") == reply_to:
                return answer

    def _gateway_headers(self, extra=None):
        headers = dict(extra or {})
        if self.api_key:
            headers["apiKey"] = self.api_key
        return headers

    def create(self, request):
        """A whole chat completion."""
        answer = self.request(self.prefix + ".chat.completions", request, self._gateway_headers())
        return answer["body"]

    def stream(self, request, credits=16):
        """Yields the chunks of a streamed completion; pulls more as it goes (credit-based flow control)."""
        request = dict(request, stream=True)
        answer = self.request(self.prefix + ".chat.completions", request,
                              self._gateway_headers({"credits": str(credits)}))
        while True:
            batch = answer["body"]
            for chunk in batch["chunks"]:
                yield chunk
            if batch["done"]:
                return
            # Pull the next batch from the stream's address, granting as many credits as chunks were just
            # consumed (0 is a heartbeat).
            answer = self.request(batch["stream"], {"credits": len(batch["chunks"])})


def content(chunk):
    choices = chunk.get("choices") or []
    if not choices:
        return ""
    return (choices[0].get("delta") or {}).get("content") or ""


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("prompt", nargs="?", default="say this is a test")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=7000)
    parser.add_argument("--api-key", default=os.environ.get("G4F_API_KEY"),
                        help="the gateway's key (default: the environment variable G4F_API_KEY)")
    parser.add_argument("--model", default="gpt-4o-mini")
    args = parser.parse_args()

    bridge = Bridge(args.host, args.port, args.api_key)
    try:
        request = {"model": args.model, "messages": [{"role": "user", "content": args.prompt}]}
        completion = bridge.create(request)
        print("completion: " + completion["choices"][0]["message"]["content"], flush=True)
        print("stream: ", end="", flush=True)
        for chunk in bridge.stream(request):
            print(content(chunk), end="", flush=True)
        print(flush=True)
    except BridgeError as e:
        print(f"error: {e}", file=sys.stderr)
        return 1
    finally:
        bridge.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
