"""Take the documentation's screenshots from a running demo (`make screenshots`).

Logs into the demo database over JSON-RPC, finds a record worth showing for
each screen (an order whose pipeline ran, a rejected offer, ...), then drives
a headless Chromium through the DevTools protocol and writes one PNG per
screen into docs/images/. A screen whose record does not exist in the demo is
reported and skipped, so the script never silently pictures an empty page.

    python tools/screenshots.py [--url http://127.0.0.1:8069] [--db emag_demo]
"""

import argparse
import base64
import itertools
import json
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests
import websocket

REPO = Path(__file__).resolve().parent.parent

# name -> (what it shows, model, domain, order, URL template, notebook tab to
# open or None). A URL template with {id} opens that record's form; one
# without shows the action as is.
SCREENS = [
    ("dashboard", "the accounts' dashboard", None, None, None,
     "/odoo/action-emag_connector.emag_dashboard_action", None),
    ("account-form", "an eMAG account", "emag.account", [("platform", "=", "emag_ro")], "id",
     "/odoo/action-emag_connector.emag_account_action/{id}", None),
    ("offer-list", "offers, one of them rejected", None, None, None,
     "/odoo/action-emag_connector.emag_offer_action", None),
    ("order-pipeline", "a sale order whose pipeline ran to the end", "sale.order",
     [("picking_ids.emag_fulfilment_state", "=", "done")], "id desc",
     "/odoo/m-sale.order/{id}", "eMAG"),
    ("picking-awb", "a delivery with its AWB and label", "stock.picking",
     [("emag_fulfilment_state", "=", "done")], "id desc", "/odoo/m-stock.picking/{id}", None),
    ("invoice-efactura", "an invoice accepted by ANAF", "account.move",
     [("move_type", "=", "out_invoice"), ("l10n_ro_efb_state", "=", "accepted")], "id desc",
     "/odoo/m-account.move/{id}", None),
    # Through the menu's server action, which refreshes the lines first.
    ("exception-report", "the exception report", None, None, None,
     "/odoo/action-emag_connector.emag_exception_server_action", None),
]  # fmt: skip


class Odoo:
    """Just enough JSON-RPC to log in and search."""

    def __init__(self, url, db, login, password):
        self.url = url.rstrip("/")
        self.session = requests.Session()
        self._call("/web/session/authenticate", {"db": db, "login": login, "password": password})

    def _call(self, path, params):
        response = self.session.post(
            self.url + path, json={"jsonrpc": "2.0", "method": "call", "params": params}, timeout=60
        )
        response.raise_for_status()
        answer = response.json()
        if answer.get("error"):
            raise RuntimeError(answer["error"]["data"].get("message", answer["error"]))
        return answer["result"]

    def first_id(self, model, domain, order):
        ids = self._call(
            "/web/dataset/call_kw",
            {
                "model": model,
                "method": "search",
                "args": [domain],
                "kwargs": {"limit": 1, "order": order},
            },
        )
        return ids[0] if ids else None

    @property
    def session_id(self):
        return self.session.cookies.get("session_id")


class Chromium:
    """A headless Chromium driven over the DevTools protocol."""

    def __init__(self, width=1440, height=900):
        binary = shutil.which("chromium") or shutil.which("chromium-browser")
        if not binary:
            sys.exit("!! chromium not found (apt-get install chromium)")
        self.profile = tempfile.mkdtemp(prefix="emag-shots-")
        port = _free_port()
        self.process = subprocess.Popen(
            [
                binary, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                f"--remote-debugging-port={port}", f"--user-data-dir={self.profile}",
                f"--window-size={width},{height}", "about:blank",
            ],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )  # fmt: skip
        self.ids = itertools.count(1)
        self.socket = websocket.create_connection(self._page_socket(port), timeout=60)
        self.send("Page.enable")
        self.send("Emulation.setDeviceMetricsOverride",
                  width=width, height=height, deviceScaleFactor=1, mobile=False)  # fmt: skip

    def _page_socket(self, port):
        for _ in range(100):
            try:
                targets = requests.get(f"http://127.0.0.1:{port}/json", timeout=2).json()
                pages = [t for t in targets if t.get("type") == "page"]
                if pages:
                    return pages[0]["webSocketDebuggerUrl"]
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError("Chromium did not open its DevTools port")

    def send(self, method, **params):
        message_id = next(self.ids)
        self.socket.send(json.dumps({"id": message_id, "method": method, "params": params}))
        while True:
            answer = json.loads(self.socket.recv())
            if answer.get("id") == message_id:
                if "error" in answer:
                    raise RuntimeError(f"{method}: {answer['error']}")
                return answer.get("result", {})

    def evaluate(self, expression):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result.get("result", {}).get("value")

    def open(self, url, ready_selector, timeout=30):
        """Navigate, then wait until the web client drew the view and stopped loading."""
        self.send("Page.navigate", url=url)
        deadline = time.monotonic() + timeout
        check = (
            f"!!document.querySelector({json.dumps(ready_selector)})"
            " && !document.querySelector('.o_loading_indicator, .o_blockUI')"
        )
        while time.monotonic() < deadline:
            if self.evaluate(check):
                time.sleep(1.0)  # let fonts, images and the chatter settle
                return True
            time.sleep(0.3)
        return False

    def open_tab(self, label):
        """Click the form's notebook tab labelled ``label``."""
        self.evaluate(
            "for (const link of document.querySelectorAll('.o_notebook .nav-link'))"
            f" if (link.textContent.trim() === {json.dumps(label)}) link.click();"
        )
        time.sleep(1.0)

    def screenshot(self, path):
        data = self.send("Page.captureScreenshot", format="png")["data"]
        path.write_bytes(base64.b64decode(data))

    def close(self):
        self.socket.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8069")
    parser.add_argument("--db", default="emag_demo")
    parser.add_argument("--login", default="admin")
    parser.add_argument("--password", default="admin")
    parser.add_argument("--out", type=Path, default=REPO / "docs" / "images")
    parser.add_argument("--only", help="comma-separated screen names")
    args = parser.parse_args()

    odoo = Odoo(args.url, args.db, args.login, args.password)
    args.out.mkdir(parents=True, exist_ok=True)
    wanted = set(args.only.split(",")) if args.only else None
    browser = Chromium()
    missing = 0
    try:
        host = args.url.split("//", 1)[1].split("/", 1)[0].split(":")[0]
        browser.send("Network.enable")
        browser.send("Network.setCookie", name="session_id", value=odoo.session_id,
                     domain=host, path="/")  # fmt: skip
        for name, what, model, domain, order, template, tab in SCREENS:
            if wanted and name not in wanted:
                continue
            record_id = None
            if model:
                record_id = odoo.first_id(model, domain, order)
                if not record_id:
                    print(f"!! {name}: the demo has nothing to show as {what}; skipped")
                    missing += 1
                    continue
            url = args.url.rstrip("/") + template.format(id=record_id)
            selector = ".o_form_view" if record_id else ".o_view_controller"
            if not browser.open(url, selector):
                print(f"!! {name}: {url} did not finish loading; skipped")
                missing += 1
                continue
            if tab:
                browser.open_tab(tab)
            target = args.out / f"{name}.png"
            browser.screenshot(target)
            print(f"{name}: {target.relative_to(REPO) if target.is_relative_to(REPO) else target}")
    finally:
        browser.close()
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
