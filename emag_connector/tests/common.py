"""Helpers shared by the connector's Odoo tests."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from requests.sessions import Session

from odoo.tests import BaseCase

_super_send = Session.send


class LoopbackHttpMixin(BaseCase):
    """Let the tests talk HTTP to our simulators on loopback, and nowhere else.

    Odoo's own guard does the same but compares timeouts with a number, while
    our clients use ``(connect, read)`` pairs, and it raises short timeouts to
    10 s, which would make the timeout tests of the simulators' faults slow.
    """

    @classmethod
    def _request_handler(cls, session, request, /, **kwargs):
        if urlsplit(request.url).hostname in ("127.0.0.1", "localhost"):
            return _super_send(session, request, **kwargs)
        return super()._request_handler(session, request, **kwargs)


class CannedEmagServer:
    """A loopback HTTP server that answers every call with one canned reply.

    It stands for eMAG's gateway in the cases where what matters is how the
    connector reads an answer (refused credentials, IP not whitelisted), not
    the marketplace's behaviour, which the simulator covers.
    """

    def __init__(self, status=200, body=None):
        self.status = status
        self.body = body if body is not None else {"isError": False, "messages": [], "results": []}
        self.requests = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                length = int(self.headers.get("Content-Length") or 0)
                server.requests.append(
                    {
                        "path": self.path,
                        "authorization": self.headers.get("Authorization"),
                        "body": self.rfile.read(length),
                    }
                )
                payload = json.dumps(server.body).encode()
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST

            def log_message(self, *args):
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/api-3"

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()


def free_loopback_port():
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def install_language(env, code):
    """Make ``code`` an installed language with the connector's translations,
    as a database where someone reads Odoo in it."""
    env["res.lang"]._activate_lang(code)
    env["ir.module.module"]._load_module_terms(["emag_connector"], [code])
