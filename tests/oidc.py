"""A real OpenID Connect provider for the single sign-on tests: oidc-provider-mock (PyPI) in its
own process on 127.0.0.1, and a small proxy in front of it that records the token requests and,
when asked, alters the ID token on its way back (as anything between the provider and the portal
could)."""

from __future__ import annotations

import base64
import json
import os
import sys
import threading
import urllib.error
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from tests.processes import Service, free_port, port_open, wait_until


class _KeepRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect goes back to the browser as it is


_NO_REDIRECTS = urllib.request.build_opener(_KeepRedirects)


class Provider:
    """``python -m oidc_provider_mock`` on a free port; stopped by ``stop``."""

    def __init__(self, log_dir: Path, *args: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.service = Service(
            f"oidc-provider-{self.port}",
            [sys.executable, "-m", "oidc_provider_mock", "--port", str(self.port), *args],
            env={**os.environ, "NO_COLOR": "1"},
            log_dir=log_dir,
        )
        wait_until(
            lambda: port_open(self.port) or not self.service.alive(),
            timeout=30,
            what="the OpenID Connect provider",
        )
        assert self.service.alive(), self.service.log_text()[-2000:]

    def set_user(self, sub: str, **claims) -> None:
        request = urllib.request.Request(
            f"{self.url}/users/{sub}",
            data=json.dumps(claims).encode(),
            method="PUT",
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=10).close()

    def stop(self) -> None:
        self.service.stop()


def alter_id_token(id_token: str, **claims) -> str:
    """The same token with other claims and the provider's signature kept (now wrong)."""
    header, payload, signature = id_token.split(".")
    data = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    data.update(claims)
    altered = base64.urlsafe_b64encode(json.dumps(data).encode()).rstrip(b"=").decode()
    return f"{header}.{altered}.{signature}"


class Proxy:
    """Forwards every request to ``target`` unchanged (the provider then names the proxy as its
    issuer), records the token requests, and alters ID tokens while ``alter`` holds claims."""

    def __init__(self, target: str) -> None:
        self.target = target
        self.token_requests: list[dict[str, list[str]]] = []
        self.alter: dict | None = None
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args) -> None:
                pass

            def _forward(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                if self.path.startswith("/oauth2/token") and body:
                    from urllib.parse import parse_qs

                    proxy.token_requests.append(parse_qs(body.decode()))
                headers = {k: v for k, v in self.headers.items() if k.lower() != "content-length"}
                request = urllib.request.Request(
                    proxy.target + self.path, data=body, method=self.command, headers=headers
                )
                try:
                    response = _NO_REDIRECTS.open(request, timeout=10)
                    status, data, response_headers = (
                        response.status,
                        response.read(),
                        response.headers,
                    )
                except urllib.error.HTTPError as error:
                    status, data, response_headers = error.code, error.read(), error.headers
                if self.path.startswith("/oauth2/token") and proxy.alter and status == 200:
                    token = json.loads(data)
                    token["id_token"] = alter_id_token(token["id_token"], **proxy.alter)
                    data = json.dumps(token).encode()
                self.send_response(status)
                for key, value in response_headers.items():
                    if key.lower() not in {"content-length", "transfer-encoding", "connection"}:
                        self.send_header(key, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PUT = _forward

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
