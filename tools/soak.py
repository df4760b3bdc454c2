"""`make soak`: a compressed day of eMAG business under faults on a real multi-worker Odoo.

Real processes on loopback: a PostgreSQL of the soak's own (initdb into
``.odoo/soak-pg``, never the shared cluster: the soak restarts it), the eMAG and
ANAF simulators (their own ``python -m`` runners), ``odoo-bin`` as a server with
``--workers=2 --max-cron-threads=1``, ``server_wide_modules=web,queue_job`` and
the job runner's channels of docs/install.md.

The day: the database comes from a template with both addons installed, seeded
by ``tools/demo_seed.py`` (the demo's company, three accounts RO/BG/HU, the RO
one with an FBE warehouse, the catalogue, a rejected e-Factura). Then
``SOAK_ORDERS`` orders arrive on eMAG (callbacks to the server's real URL),
some canceled before or after the acknowledgement, 5 % returned; four
warehouse clients validate ready deliveries over JSON-RPC; stock moves and
price changes go on beside; the rejected e-Factura is fixed and resent; the
sweep and the digest run once. Faults, seeded: eMAG 5xx, timeouts, answers lost
after the commit, 429 storms, ANAF's daily limit once, ``kill -9`` of HTTP
workers, the cron worker and the job runner, one restart of the PostgreSQL.

Then the faults stop, the system drains and the invariants are read from two
independent sides, the simulators' stores (what eMAG and ANAF saw) and Odoo's
database. One ``name=value`` line each on stdout; diagnostics on stderr.

Environment: SOAK_ORDERS (1500), SOAK_SEED (20), SOAK_MINUTES (budget of the
order phase and of the drain, 20), SOAK_PORT_BASE (8721: Odoo, +1 eMAG, +2 ANAF;
the PostgreSQL on +18), SOAK_DB (soak_day), SOAK_KEEP=1 leaves everything up
at the end for a look.
"""

import hashlib
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
from collections import Counter, defaultdict
from datetime import datetime, timezone
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
STATE = Path(os.environ.get("STATE_DIR", REPO / ".odoo"))
PY = str(REPO / ".venv/bin/python")
PG_BIN = Path(os.environ.get("SOAK_PG_BIN", "/usr/lib/postgresql/15/bin"))
PG_DIR = STATE / "soak-pg"
ORDERS = int(os.environ.get("SOAK_ORDERS", "1500"))
SEED = int(os.environ.get("SOAK_SEED", "20"))
BUDGET_S = float(os.environ.get("SOAK_MINUTES", "20")) * 60
PORT_BASE = int(os.environ.get("SOAK_PORT_BASE", "8721"))
ODOO_PORT, EMAG_PORT, ANAF_PORT, PG_PORT = (PORT_BASE, PORT_BASE + 1, PORT_BASE + 2, PORT_BASE + 18)
DB = os.environ.get("SOAK_DB", "soak_day")
TEMPLATE = f"{DB}_template"
ODOO_URL = f"http://127.0.0.1:{ODOO_PORT}"
EMAG_ROOT = f"http://127.0.0.1:{EMAG_PORT}"
ANAF_URL = f"http://127.0.0.1:{ANAF_PORT}"
ADDONS = "emag_connector,l10n_ro_efactura_bridge"
WORKERS = int(os.environ.get("SOAK_WORKERS", "2"))
# docs/install.md, "Give the job runner its channels": the lanes as documented,
# the total one below the HTTP workers (a job rendering an invoice PDF needs a
# free worker to serve wkhtmltopdf the styles; the soak found them deadlocked).
CHANNELS = (
    f"root:{max(1, WORKERS - 1)},root.emag.orders:2,root.emag.offers:1,root.emag.pipeline:2,"
    "root.emag.returns:1,root.efactura:1"
)
PG_ENV = {"PGHOST": "127.0.0.1", "PGPORT": str(PG_PORT), "PGUSER": "odoo", "PGPASSWORD": "odoo"}
WAREHOUSE_CLIENTS = 4
# Orders arrive for about 40 % of the budget; the faults fall within that phase.
ORDER_INTERVAL_S = max(0.05, min(2.0, 0.4 * BUDGET_S / max(ORDERS, 1)))
ORDER_PHASE_S = ORDERS * ORDER_INTERVAL_S
STARTED = time.monotonic()


def say(message):
    print(f"[soak {time.monotonic() - STARTED:6.1f}s] {message}", file=sys.stderr, flush=True)


def env(**extra):
    return {**os.environ, **PG_ENV, "STATE_DIR": str(STATE), **extra}


def port_open(port):
    import socket

    with socket.socket() as sock:
        sock.settimeout(0.5)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def wait_port(port, seconds, what, log):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if port_open(port):
            return
        time.sleep(0.2)
    sys.exit(f"!! {what} did not start on port {port}; see {log}")


# ------------------------------------------------------------- PostgreSQL


class OwnPostgres:
    """The soak's own cluster: the soak restarts it, so never the shared one."""

    def __init__(self, data_dir, port):
        self.data_dir, self.port = data_dir, port
        self.log = STATE / "soak-pg.log"

    def _run(self, *args, check=True):
        command = [str(PG_BIN / args[0]), *args[1:]]
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            command = ["runuser", "-u", "postgres", "--", *command]
        # Not a pipe: the server pg_ctl starts would inherit it and hold it open.
        with open(STATE / "soak-pg-ctl.log", "a") as out:
            return subprocess.run(command, check=check, stdout=out, stderr=subprocess.STDOUT)

    def start(self):
        if not (self.data_dir / "PG_VERSION").exists():
            say(f"initdb {self.data_dir}")
            self.data_dir.mkdir(parents=True, exist_ok=True)
            if os.geteuid() == 0:
                shutil.chown(self.data_dir, "postgres", "postgres")
            self._run(
                "initdb",
                "-D",
                str(self.data_dir),
                "-U",
                "odoo",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
            )
        if os.geteuid() == 0:
            self.log.touch()
            shutil.chown(self.log, "postgres", "postgres")
        self._pg_ctl("start")
        say(f"own PostgreSQL on 127.0.0.1:{self.port}")

    def _options(self):
        # Loopback only, no socket file beside the shared cluster's; a test
        # cluster: durability is not what the soak measures.
        return (
            f"-p {self.port} -c listen_addresses=127.0.0.1 -c unix_socket_directories='' "
            "-c fsync=off -c full_page_writes=off -c max_connections=60"
        )

    def restart(self):
        self._pg_ctl("restart", "-m", "fast")

    def _pg_ctl(self, action, *options):
        log = ("-l", str(self.log))
        self._run(
            "pg_ctl",
            "-D",
            str(self.data_dir),
            *log,
            *options,
            "-w",
            "-t",
            "60",
            "-o",
            self._options(),
            action,
        )

    def stop(self):
        self._run("pg_ctl", "-D", str(self.data_dir), "-m", "fast", "-w", "stop", check=False)

    def psql(self, sql, db=DB):
        out = subprocess.run(
            [str(PG_BIN / "psql"), "-X", "-q", "-tA", "-F", "\t", "-d", db, "-c", sql],
            env=env(),
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        return [line.split("\t") for line in out.splitlines() if line]


# ---------------------------------------------------------------- processes


class Processes:
    def __init__(self):
        self.children = []

    def start(self, name, command, extra_env=None, cwd=REPO):
        log = STATE / f"soak-{name}.log"
        handle = open(log, "w")  # noqa: SIM115 (kept open for the child)
        proc = subprocess.Popen(
            command,
            env=env(**(extra_env or {})),
            stdout=handle,
            stderr=subprocess.STDOUT,
            cwd=cwd,
            start_new_session=True,
        )
        self.children.append((name, proc))
        return proc, log

    def stop_all(self):
        for _name, proc in reversed(self.children):
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for _name, proc in reversed(self.children):
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)


def start_simulators(procs):
    """The project's own runners, as tools/demo.sh starts them."""
    procs.start(
        "emag",
        # Customers buy only what eMAG shows in stock: units sold beyond the
        # warehouse then come from a stock eMAG showed too high, the connector's part.
        [
            PY,
            "-m",
            "emag_simulator",
            "--port",
            str(EMAG_PORT),
            "--seed",
            str(SEED),
            "--orders-within-stock",
        ],
        {"PYTHONPATH": str(REPO / "emag_connector/lib")},
    )
    procs.start(
        "anaf",
        [PY, "-m", "anaf_simulator", "--port", str(ANAF_PORT)],
        {"PYTHONPATH": str(REPO / "l10n_ro_efactura_bridge/lib")},
    )
    wait_port(EMAG_PORT, 20, "the eMAG simulator", STATE / "soak-emag.log")
    wait_port(ANAF_PORT, 20, "the ANAF simulator", STATE / "soak-anaf.log")


def odoo_command(*args):
    return [str(REPO / "tools/odoo.sh"), *args]


def prepare_database(pg):
    """A fresh DB from a template with the addons (rebuilt when they change),
    seeded with the demo's day."""
    digest = hashlib.sha1()
    for folder in ("emag_connector", "l10n_ro_efactura_bridge"):
        for path in sorted((REPO / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts and "tests" not in path.parts:
                digest.update(str(path.relative_to(REPO)).encode() + path.read_bytes())
    stamp = STATE / f"{TEMPLATE}.hash"
    exists = pg.psql(f"select 1 from pg_database where datname = '{TEMPLATE}'", db="postgres")
    if not exists or not stamp.exists() or stamp.read_text() != digest.hexdigest():
        say(f"installing the addons in {TEMPLATE} (minutes, once per change of the addons)")
        subprocess.run([str(PG_BIN / "dropdb"), "--if-exists", TEMPLATE], env=env(), check=True)
        subprocess.run(
            odoo_command(
                "-d",
                TEMPLATE,
                "-i",
                ADDONS,
                "--stop-after-init",
                "--without-demo=all",
                f"--logfile={STATE / 'soak-install.log'}",
            ),
            env=env(),
            check=True,
        )
        stamp.write_text(digest.hexdigest())
    subprocess.run([str(PG_BIN / "dropdb"), "--if-exists", DB], env=env(), check=True)
    subprocess.run([str(PG_BIN / "createdb"), "-T", TEMPLATE, DB], env=env(), check=True)
    filestore = STATE / "data/filestore"
    shutil.rmtree(filestore / DB, ignore_errors=True)
    if (filestore / TEMPLATE).is_dir():
        shutil.copytree(filestore / TEMPLATE, filestore / DB)
    facts = STATE / "soak-facts.json"
    facts.unlink(missing_ok=True)
    say("seeding with tools/demo_seed.py (the demo's accounts, catalogue and day)")
    with open(REPO / "tools/demo_seed.py") as script:
        subprocess.run(
            odoo_command("shell", "-d", DB, "--no-http", f"--logfile={STATE / 'soak-seed.log'}"),
            stdin=script,
            check=True,
            stdout=subprocess.DEVNULL,
            env=env(
                REPO=str(REPO),
                EMAG_SANDBOX_ROOT=EMAG_ROOT,
                ANAF_SANDBOX_URL=ANAF_URL,
                ODOO_URL=ODOO_URL,
                DEMO_FACTS=str(facts),
            ),
        )
    return json.loads(facts.read_text())


def start_odoo(procs):
    proc, log = procs.start(
        "odoo",
        odoo_command(
            "-d",
            DB,
            f"--db-filter=^{DB}$",
            f"--http-port={ODOO_PORT}",
            f"--workers={WORKERS}",
            "--max-cron-threads=1",
            "--load=web,queue_job",
            "--limit-time-real=120",
            "--limit-memory-soft=1073741824",
            "--limit-memory-hard=1610612736",
            "--log-level=info",
        ),
        {
            "ODOO_QUEUE_JOB_CHANNELS": CHANNELS,
            "ODOO_QUEUE_JOB_PORT": str(ODOO_PORT),
            "ODOO_QUEUE_JOB_HOST": "127.0.0.1",
        },
    )
    wait_port(ODOO_PORT, 90, "Odoo", log)
    return proc, log


def odoo_children(log):
    """Living pids of the server's workers by kind, from the server's own log lines."""
    found = {}
    for match in re.finditer(
        r"Worker (WorkerHTTP|WorkerCron|WorkerJobRunner) \((\d+)\) alive",
        log.read_text(errors="replace"),
    ):
        found.setdefault(match[1], []).append(int(match[2]))
    alive = {}
    for kind, pids in found.items():
        alive[kind] = [pid for pid in dict.fromkeys(pids) if Path(f"/proc/{pid}").exists()]
    return alive


def rss_mb(pid):
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return 0.0
    return 0.0


# ------------------------------------------------------------------- clients


def http_json(url, body=None, method=None, timeout=120):
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(
        url,
        data,
        {"Content-Type": "application/json"},
        method=method or ("POST" if data else "GET"),
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:
        raw = response.read()
    return json.loads(raw) if raw else None


def emag(method, path, body=None):
    return http_json(f"{EMAG_ROOT}/_sim/{path}", body, method)


def anaf(method, path, body=None):
    return http_json(f"{ANAF_URL}/_sim/{path}", body, method)


class OdooRpc:
    """A browser's calls (/web/dataset/call_kw) in a session of its own, as admin;
    retried across worker kills and the database restart."""

    def __init__(self):
        import http.cookiejar

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar())
        )
        self.logged_in = False

    def call(self, model, method, *args, retry_s=120, **kwargs):
        deadline = time.monotonic() + retry_s
        while True:
            try:
                if not self.logged_in:
                    self._post(
                        "/web/session/authenticate",
                        {"db": DB, "login": "admin", "password": "admin"},
                    )
                    self.logged_in = True
                return self._post(
                    f"/web/dataset/call_kw/{model}/{method}",
                    {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
                )
            except (OSError, urllib.error.URLError, ConnectionError, RpcRetry) as error:
                if time.monotonic() > deadline:
                    raise
                say(f"rpc {model}.{method} retried: {str(error)[:160]}")
                time.sleep(1)

    def _post(self, path, params):
        body = json.dumps({"jsonrpc": "2.0", "method": "call", "params": params}).encode()
        request = urllib.request.Request(
            f"{ODOO_URL}{path}", body, {"Content-Type": "application/json"}
        )
        try:
            with self.opener.open(request, timeout=180) as response:
                answer = json.loads(response.read())
        except urllib.error.HTTPError as error:  # a worker killed mid-request, a 502...
            raise RpcRetry(f"HTTP {error.code}") from None
        if answer.get("error"):
            error = answer["error"]
            text = json.dumps(error.get("data", {}).get("message") or error)
            if "SessionExpired" in json.dumps(error):
                self.logged_in = False
                raise RpcRetry(text)
            if re.search(
                r"OperationalError|could not serialize|terminating|SerializationFailure|"
                r"InterfaceError|server closed|connection",
                text,
                re.I,
            ):
                raise RpcRetry(text)
            raise RpcError(text)
        return answer.get("result")  # Odoo leaves it out when the method returned None


class RpcError(Exception):
    pass


class RpcRetry(Exception):
    pass


# --------------------------------------------------------------------- the day


class Day:
    def __init__(self, pg, facts, odoo_log, procs):
        self.pg, self.facts, self.odoo_log, self.procs = pg, facts, odoo_log, procs
        # One seeded source per thread: repeatable whatever the interleaving.
        self.rng = random.Random(SEED)  # orders
        self.watch_rng = random.Random(SEED + 1)  # returns
        self.stock_rng = random.Random(SEED + 2)
        self.chaos_rng = random.Random(SEED + 3)
        self.rpc = OdooRpc()
        self.stop = threading.Event()
        self.orders_done = threading.Event()
        self.drained = threading.Event()
        self.created = {}  # (username, emag_id) -> wall time placed
        self.validated = {}  # (username, emag_id) -> wall time validated
        self.acked_seen = {}
        self.finalized_seen = {}
        self.stock_moves = []  # (wall time, product id)
        self.sold_out = 0  # orders not placed: nothing in stock on eMAG
        self.kills = []
        self.returns = []  # (username, order id, return id)
        self.finalized_orders = {}
        self.notes = []
        self.rss_max = 0.0
        self.lock = threading.Lock()
        self.accounts = {a["username"]: a for a in emag("GET", "state")["accounts"]}

    # ---- orders
    def place_orders(self):
        users = list(self.accounts)
        weights = [
            {"emag_ro": 6, "emag_bg": 2, "emag_hu": 2}[self.accounts[u]["platform"]] for u in users
        ]
        ro_user = next(u for u in users if self.accounts[u]["platform"] == "emag_ro")
        interval = ORDER_INTERVAL_S
        for n in range(ORDERS):
            if self.stop.is_set():
                break
            user = self.rng.choices(users, weights)[0]
            options = {"username": user, "status": 1}
            if user == ro_user and self.rng.random() < 0.03:
                options.update(status=2, order_type=2)  # Fulfilled by eMAG: never waits for an ack
            try:
                order = emag("POST", "orders", options)
            except urllib.error.HTTPError as error:
                if error.code != 400:
                    raise
                # Nothing of this account is in stock on eMAG: no customer can buy.
                self.sold_out += 1
                time.sleep(self.rng.expovariate(1 / interval))
                continue
            with self.lock:
                self.created[(user, order["id"])] = time.time()
            roll = self.rng.random()
            if roll < 0.03 and options["status"] == 1:
                time.sleep(0.05)
                emag("POST", f"orders/{user}/{order['id']}/customer_cancel", {})
            elif roll < 0.05:
                timer = threading.Timer(
                    self.rng.uniform(20, 60), self._cancel_later, (user, order["id"])
                )
                timer.daemon = True
                timer.start()
            time.sleep(self.rng.expovariate(1 / interval))
            if n % 50 == 0:
                say(f"{n}/{ORDERS} orders placed")
        self.orders_done.set()

    def _cancel_later(self, user, emag_id):
        """eMAG cancels an acknowledged order (reason 19) before it ships."""
        try:
            order = emag("GET", f"orders/{user}/{emag_id}")
            if order["status"] in (2, 3) and (user, emag_id) not in self.validated:
                emag("POST", f"orders/{user}/{emag_id}/emag_cancel", {"reason": 19})
        except Exception as error:
            self.notes.append(f"late cancel {emag_id}: {error}")

    # ---- watching eMAG
    def watch_emag(self):
        returned = set()
        last_return_poll = time.monotonic()
        while not self.stop.is_set():
            try:
                last_return_poll = self._watch_once(returned, last_return_poll)
            except Exception as error:
                self.notes.append(f"watch: {str(error)[:200]}")
            self.stop.wait(2)

    def _watch_once(self, returned, last_return_poll):
        now = time.time()
        for user in self.accounts:
            for order in emag("GET", f"orders/{user}"):
                key = (user, order["id"])
                if key not in self.created:
                    continue
                if order["status"] in (2, 3, 4) and key not in self.acked_seen:
                    self.acked_seen[key] = now
                if order["status"] == 4 and key not in self.finalized_seen:
                    self.finalized_seen[key] = now
                    # As finalized, before a return lowers it (the storno on eMAG).
                    self.finalized_orders[key] = order
                    if (
                        order["type"] == 3
                        and key not in returned
                        and self.watch_rng.random() < 0.05
                    ):
                        returned.add(key)
                        rma = emag("POST", "returns", {"username": user, "order_id": order["id"]})
                        self.returns.append((user, order["id"], rma["emag_id"]))
                if order["type"] == 2 and order["status"] == 2 and now - self.created[key] > 30:
                    emag("POST", f"orders/{user}/{order['id']}/status", {"status": 4})
        if self.returns and time.monotonic() - last_return_poll > 60:
            last_return_poll = time.monotonic()
            try:  # the return poll of the cron, sooner: the day is compressed
                self.rpc.call("emag.account", "action_sync_returns_now", list(self.usernames))
            except (RpcError, RpcRetry, OSError) as error:
                self.notes.append(f"return poll: {str(error)[:200]}")
        for pid in [p for pids in odoo_children(self.odoo_log).values() for p in pids]:
            self.rss_max = max(self.rss_max, rss_mb(pid))
        return last_return_poll

    # ---- the warehouse
    def warehouse(self, index):
        rpc = OdooRpc()
        while not self.stop.is_set():
            try:
                worked = self._warehouse_round(rpc, index)
            except Exception as error:
                self.notes.append(f"warehouse {index}: {str(error)[:200]}")
                worked = False
            if not worked:
                if self.orders_done.is_set() and self.drained.is_set():
                    return
                self.stop.wait(2)

    def _warehouse_round(self, rpc, index):
        pickings = rpc.call(
            "stock.picking",
            "search_read",
            [
                ("state", "in", ("confirmed", "assigned")),
                "|",
                ("sale_id.emag_order_id", "!=", False),
                ("emag_rma_id", "!=", False),
            ],
            fields=["id", "state", "picking_type_code", "sale_id", "emag_rma_id"],
            order="id",
            limit=40,
        )
        mine = [p for p in pickings if p["id"] % WAREHOUSE_CLIENTS == index]
        for picking in mine[:8]:
            if picking["state"] == "confirmed":
                rpc.call("stock.picking", "action_assign", [picking["id"]])
            moves = rpc.call(
                "stock.move",
                "search_read",
                [("picking_id", "=", picking["id"])],
                fields=["id", "product_uom_qty", "quantity"],
            )
            outgoing = picking["picking_type_code"] == "outgoing"
            if outgoing and any(m["quantity"] < m["product_uom_qty"] for m in moves):
                continue  # a warehouse ships what it has reserved: wait for the receipts
            for move in moves:
                rpc.call(
                    "stock.move",
                    "write",
                    [move["id"]],
                    {"quantity": move["product_uom_qty"], "picked": True},
                )
            moment = time.time()
            result = rpc.call("stock.picking", "button_validate", [picking["id"]])
            if isinstance(result, dict) and result.get("res_model"):
                self.notes.append(f"validate {picking['id']} asked {result['res_model']}")
                continue
            if picking["sale_id"]:
                emag_order = rpc.call(
                    "sale.order", "read", [picking["sale_id"][0]], ["emag_order_id"]
                )
                binding = rpc.call(
                    "emag.order",
                    "read",
                    [emag_order[0]["emag_order_id"][0]],
                    ["emag_id", "account_id"],
                )[0]
                user = self.usernames[binding["account_id"][0]]
                with self.lock:
                    self.validated.setdefault((user, int(binding["emag_id"])), moment)
        return bool(mine)

    # ---- stock moves and prices
    def stock_and_prices(self):
        rpc = OdooRpc()
        moves_total, prices_total = max(10, ORDERS * 2 // 3), max(4, ORDERS * 2 // 15)
        products = sorted({o["product_id"][0] for o in self.offers})
        warehouse = rpc.call(
            "stock.warehouse",
            "search_read",
            [("code", "=", "BUC")],
            fields=["lot_stock_id", "in_type_id", "out_type_id"],
        )[0]
        stock_location = warehouse["lot_stock_id"][0]
        done = prices = 0
        interval = 0.5 * BUDGET_S / (moves_total + prices_total)
        while (done < moves_total or prices < prices_total) and not self.stop.is_set():
            try:
                if prices < prices_total and self.stock_rng.random() < prices_total / (
                    moves_total + prices_total
                ):
                    offer = self.stock_rng.choice(self.offers)
                    low, high = offer["min_sale_price"], offer["max_sale_price"]
                    rpc.call(
                        "emag.offer",
                        "write",
                        [offer["id"]],
                        {"price_override": round(self.stock_rng.uniform(low, high), 2)},
                    )
                    prices += 1
                else:
                    product = self.stock_rng.choice(products)
                    kind = self.stock_rng.choices(("receipt", "count", "sale"), (5, 3, 2))[0]
                    self._stock_move(rpc, kind, product, stock_location)
                    with self.lock:
                        self.stock_moves.append((time.time(), product))
                    done += 1
            except Exception as error:
                self.notes.append(f"stock/price: {str(error)[:200]}")
            self.stop.wait(self.stock_rng.expovariate(1 / interval))
        say(f"{done} stock moves, {prices} price changes")

    def _stock_move(self, rpc, kind, product, location):
        quant_ids = rpc.call(
            "stock.quant", "search", [("product_id", "=", product), ("location_id", "=", location)]
        )
        on_hand = sum(
            q["quantity"] for q in rpc.call("stock.quant", "read", quant_ids, ["quantity"])
        )
        if kind == "receipt":
            target = on_hand + self.stock_rng.randint(5, 15)
        elif kind == "count":  # a count finds one or two more, or fewer
            target = max(0, on_hand + self.stock_rng.choice((-2, -1, 1, 2)))
        else:  # a sale in the shop: one unit
            target = max(0, on_hand - 1)
        quant = rpc.call(
            "stock.quant",
            "create",
            {"product_id": product, "location_id": location, "inventory_quantity": target},
        )
        rpc.call("stock.quant", "action_apply_inventory", [quant])

    # ---- faults
    def chaos(self):
        """Seeded faults at seeded moments of the order phase."""
        phase = ORDER_PHASE_S
        emag("POST", "faults", {"kind": "error", "route": "*", "probability": 0.10, "status": 503})
        emag("POST", "faults", {"kind": "timeout", "route": "*", "probability": 0.05, "delay": 35})
        emag(
            "POST",
            "faults",
            {"kind": "commit_then_timeout", "route": "*", "probability": 0.02, "delay": 35},
        )
        anaf("POST", "faults", {"route": "upload", "kind": "daily_limit", "count": 1})
        # An upload registered by ANAF whose index never reaches the bridge.
        anaf("POST", "faults", {"route": "upload", "kind": "lost_answer", "count": 1})
        plan = sorted(self.chaos_rng.uniform(0.1, 1.0) * phase for _ in range(7))
        events = [
            "WorkerHTTP",
            "WorkerJobRunner",
            "WorkerCron",
            "storm",
            "postgres",
            "WorkerHTTP",
            "WorkerJobRunner",
            "WorkerCron",
        ]
        self.chaos_rng.shuffle(events)
        start = time.monotonic()
        for moment, event in zip(plan + [phase], events, strict=False):
            if self.stop.wait(max(0, start + moment - time.monotonic())):
                return
            if event == "storm":
                emag("POST", "faults", {"kind": "rate_limit", "route": "*", "times": 60})
                say("eMAG 429 storm (60 answers)")
            elif event == "postgres":
                say("restarting the soak's PostgreSQL")
                self.pg.restart()
                self.kills.append("postgres")
            else:
                pids = odoo_children(self.odoo_log).get(event, [])
                if pids:
                    pid = self.chaos_rng.choice(pids)
                    os.kill(pid, signal.SIGKILL)
                    self.kills.append(event)
                    say(f"kill -9 {event} {pid}")
                else:
                    self.notes.append(f"no {event} to kill")
        self.orders_done.wait()
        emag("DELETE", "faults")
        anaf("DELETE", "faults")
        say("faults cleared")

    # ---- one-off business
    def fix_rejected_invoice(self):
        broken = self.facts.get("broken_partner")
        invoice_id = self.facts.get("broken", {}).get("invoice_id")
        if not broken or not invoice_id:
            self.notes.append("no rejected e-Factura in the seed")
            return
        state_ids = self.rpc.call(
            "res.country.state", "search", [("name", "=", broken["county"])], limit=1
        )
        partner = self.rpc.call("res.partner", "read", [broken["id"]], ["commercial_partner_id"])[0]
        self.rpc.call(
            "res.partner",
            "write",
            [broken["id"], partner["commercial_partner_id"][0]],
            {"city": broken["city"], "state_id": state_ids[0] if state_ids else False},
        )
        self.rpc.call("account.move", "action_l10n_ro_efb_retry", [invoice_id])
        say(f"rejected e-Factura {self.facts['broken'].get('invoice')} fixed and resent")

    def sweep_and_digest(self):
        for xmlid in ("ir_cron_emag_order_sweep", "ir_cron_emag_exception_digest"):
            ids = self.rpc.call(
                "ir.model.data",
                "search_read",
                [("module", "=", "emag_connector"), ("name", "=", xmlid)],
                fields=["res_id"],
            )
            if ids:
                self.rpc.call("ir.cron", "method_direct_trigger", [ids[0]["res_id"]])
            else:
                self.notes.append(f"no cron {xmlid}")
        say("sweep and digest run")

    # ---- the run
    def run(self):
        accounts = self.rpc.call("emag.account", "search_read", [], fields=["id", "api_username"])
        self.usernames = {a["id"]: a["api_username"] for a in accounts}
        self.offers = self.rpc.call(
            "emag.offer",
            "search_read",
            [("state", "=", "published"), ("product_id", "!=", False)],
            fields=["id", "product_id", "min_sale_price", "max_sale_price"],
        )
        threads = [
            threading.Thread(target=self.place_orders, name="orders", daemon=True),
            threading.Thread(target=self.watch_emag, name="watch", daemon=True),
            threading.Thread(target=self.stock_and_prices, name="stock", daemon=True),
            threading.Thread(target=self.chaos, name="chaos", daemon=True),
        ]
        threads += [
            threading.Thread(target=self.warehouse, args=(i,), name=f"wh{i}", daemon=True)
            for i in range(WAREHOUSE_CLIENTS)
        ]
        self.day_started = time.time()
        for thread in threads:
            thread.start()
        self.fix_rejected_invoice()
        threads[0].join(BUDGET_S)
        self.sweep_and_digest()
        threads[2].join(60)
        self.orders_done.set()
        threads[3].join(120)
        self.drain()
        self.stop.set()

    def drain(self):
        """Until every order settles, every delivery and return is received and no
        job is due within a minute (re-checks far ahead do not count), or the
        budget runs out."""
        deadline = time.monotonic() + BUDGET_S
        while time.monotonic() < deadline:
            due = int(
                self.pg.psql(
                    "select count(*) from queue_job where state in ('enqueued','started') "
                    "or (state = 'pending' and (eta is null "
                    "    or eta < now() at time zone 'utc' + interval '60 seconds'))"
                )[0][0]
            )
            open_pickings = int(
                self.pg.psql(
                    "select count(*) from stock_picking p "
                    "left join sale_order s on s.id = p.sale_id "
                    "where (s.emag_order_id is not null or p.emag_rma_id is not null) "
                    "and p.state in ('confirmed','assigned')"
                )[0][0]
            )
            unsettled = len(self.unsettled())
            say(f"draining: {due} jobs due, {open_pickings} pickings open, {unsettled} unsettled")
            if unsettled == 0 and due == 0 and open_pickings == 0:
                break
            time.sleep(10)
        self.drained.set()
        time.sleep(5)
        self.drained_at = time.time()

    # ---- readings
    def sim_orders(self):
        return {(user, o["id"]): o for user in self.accounts for o in emag("GET", f"orders/{user}")}

    def unsettled(self):
        """Soak orders neither finalized nor canceled on eMAG nor waiting in the
        exception report."""
        waiting = {
            (row[0], int(row[1]))
            for row in self.pg.psql(
                "select a.api_username, o.emag_id from emag_order o "
                "join emag_account a on a.id = o.account_id "
                "where o.state = 'exception'"
            )
        }
        return [
            key
            for key, order in self.sim_orders().items()
            if key in self.created and order["status"] not in (0, 4) and key not in waiting
        ]


def p95(values):
    values = sorted(values)
    if not values:
        return float("nan")
    return values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]


def check(day):
    """The invariants, from the simulators' stores against Odoo's database."""
    pg = day.pg
    sim = day.sim_orders()
    ours = {key: order for key, order in sim.items() if key in day.created}
    rows = pg.psql(
        "select a.api_username, o.emag_id, o.state from emag_order o "
        "join emag_account a on a.id = o.account_id"
    )
    bindings = Counter((r[0], int(r[1])) for r in rows)
    figures = {}
    # Not an invariant: orders no customer could place (eMAG showed nothing in stock).
    figures["orders_refused_out_of_stock"] = day.sold_out
    figures["lost_orders"] = sum(
        1 for key, order in ours.items() if bindings[key] == 0 and order["status"] != 0
    )
    figures["duplicate_orders"] = sum(n - 1 for n in bindings.values() if n > 1) + int(
        pg.psql(
            "select count(*) from (select emag_order_id from sale_order "
            "where emag_order_id is not null "
            "group by emag_order_id having count(*) > 1) t"
        )[0][0]
    )
    awbs = Counter()  # eMAG lists each AWB saved on an order as an attachment of type 10
    for (user, emag_id), order in sim.items():
        for attachment in order.get("attachments") or []:
            if attachment.get("type") == 10:
                awbs[(user, emag_id)] += 1
    figures["duplicate_awbs"] = sum(n - 1 for n in awbs.values() if n > 1)
    uploads = anaf("GET", "uploads")["uploads"]
    per_invoice = Counter(_upload_key(u) for u in uploads)
    figures["duplicate_anaf_uploads"] = sum(
        n - 1 for key, n in per_invoice.items() if key and n > 1
    )
    unsettled = day.unsettled()
    figures["orders_not_settled"] = len(unsettled)
    if unsettled:
        say(f"not settled: {unsettled[:10]}")
    figures["stock_mismatch_offers"], figures["oversold_units"] = stock_figures(day)
    try:
        figures["money_diff"] = money_diff(day, ours)
    except Exception as error:  # the other figures still print
        say(f"money_diff could not be read: {error!r}")
        figures["money_diff"] = "error"
    # A failed job is explained when a later run of the same work succeeded
    # (same identity key) or its record waits in the exception report.
    failed = pg.psql(
        "select j.id, j.name, "
        "coalesce(j.exc_name, '') || ': ' || left(coalesce(j.exc_message, ''), 200) "
        "from queue_job j where j.state = 'failed' and not exists (select 1 from queue_job k "
        " where k.identity_key = j.identity_key and k.id > j.id and k.state = 'done') "
        "and not exists (select 1 from emag_exception e where e.res_model = j.model_name "
        " and (j.records -> 'ids') @> to_jsonb(e.res_id))"
    )
    figures["failed_jobs_unexplained"] = len(failed)
    for row in failed[:10]:
        say(f"failed job {row[0]} {row[1]}: {row[2]}")
    finalized = [day.finalized_seen[k] for k in ours if k in day.finalized_seen]
    span_h = (max(finalized) - day.day_started) / 3600 if finalized else float("nan")
    figures["orders_per_hour_end_to_end"] = round(len(finalized) / span_h) if finalized else 0
    figures["p95_s_new_to_acknowledged"] = round(
        p95(
            [
                day.acked_seen[k] - t
                for k, t in day.created.items()
                if k in day.acked_seen and ours[k].get("type") == 3
            ]
        ),
        1,
    )
    figures["p95_s_validate_to_finalized"] = round(
        p95(
            [day.finalized_seen[k] - t for k, t in day.validated.items() if k in day.finalized_seen]
        ),
        1,
    )
    figures["p95_s_stock_move_to_emag"] = round(stock_push_p95(day), 1)
    figures["rss_mb_max_worker"] = round(day.rss_max)
    figures["kills"] = len(day.kills)
    figures["orders_placed"] = len(day.created)
    return figures


def _upload_key(upload):
    """The invoice an upload is for; None for an upload ANAF rejected (sending
    the corrected invoice again is the fix, not a duplicate)."""
    if upload.get("verdict") == "nok":
        return None
    return (upload.get("cif"), upload.get("invoice_number"))


def stock_figures(day):
    """eMAG's stock against what Odoo's rules compute now, and units sold beyond stock."""
    rpc = day.rpc
    offers = rpc.call(
        "emag.offer",
        "search_read",
        [("state", "=", "published"), ("publish", "=", True)],
        fields=["id", "account_id", "seller_product_id", "product_id"],
    )
    mismatch = 0
    # The offer's "Stock to Push": what the allocation rules compute now.
    computed = rpc.call("emag.offer", "read", [o["id"] for o in offers], ["preview_stock"])
    expected = {row["id"]: row["preview_stock"] for row in computed}
    for offer in offers:
        user = day.usernames[offer["account_id"][0]]
        try:
            seen = emag("GET", f"offers/{user}/{offer['seller_product_id']}")
        except urllib.error.HTTPError:
            continue
        stock = sum(s["value"] for s in seen.get("stock", []))
        if offer["id"] in expected and stock != expected[offer["id"]]:
            mismatch += 1
            say(
                f"stock mismatch offer {offer['id']} ({user}): eMAG {stock}, "
                f"rules {expected[offer['id']]}"
            )
    # Sold on eMAG and not in the warehouse: what eMAG's orders still wait for
    # once everything drained, plus any stock gone below zero.
    oversold = day.pg.psql(
        "select coalesce(sum(m.product_uom_qty - m.quantity), 0) from stock_move m "
        "join stock_picking p on p.id = m.picking_id join sale_order s on s.id = p.sale_id "
        "where s.emag_order_id is not null and m.state not in ('done', 'cancel') "
        "and p.picking_type_id in (select id from stock_picking_type where code = 'outgoing')"
    )
    negative = day.pg.psql(
        "select coalesce(sum(-quantity), 0) from stock_quant q join stock_location l "
        "on l.id = q.location_id where l.usage = 'internal' and q.quantity < 0"
    )
    return mismatch, int(float(oversold[0][0]) + float(negative[0][0]))


def money_diff(day, ours):
    """Σ posted invoices − Σ credit notes against Σ eMAG totals of finalized
    orders − the returned lines, per currency."""
    from decimal import Decimal

    sys.path.insert(0, str(REPO / "emag_connector/lib"))
    from emag_simulator.generator import gross_total

    emag_side = defaultdict(Decimal)
    for order in day.finalized_orders.values():
        emag_side[order["currency"]] += Decimal(str(gross_total(order)))
    for user, order_id, rma_id in day.returns:
        order = day.finalized_orders[(user, order_id)]
        for item in emag("GET", f"returns/{user}/{rma_id}")["products"]:
            line = next(ln for ln in order["products"] if ln["product_id"] == item["product_id"])
            unit = Decimal(line["sale_price"]) * (1 + Decimal(line["vat"]))
            for split in line["product_voucher_split"]:
                unit += (Decimal(split["value"]) + Decimal(split["vat_value"])) / line["quantity"]
            emag_side[order["currency"]] -= (unit * item["quantity"]).quantize(Decimal("0.01"))
    keys = ",".join(f"('{u}','{i}')" for (u, i) in ours) or "(NULL,NULL)"
    rows = day.pg.psql(
        "select c.name, sum(case when m.move_type = 'out_invoice' then m.amount_total "
        "else -m.amount_total end) from account_move m join res_currency c on c.id = m.currency_id "
        "where m.state = 'posted' and m.move_type in ('out_invoice','out_refund') and m.id in ("
        " select distinct l.move_id from account_move_line l "
        " join sale_order_line_invoice_rel r on r.invoice_line_id = l.id "
        " join sale_order_line sl on sl.id = r.order_line_id "
        " join sale_order s on s.id = sl.order_id "
        " join emag_order o on o.id = s.emag_order_id join emag_account a on a.id = o.account_id "
        f" where (a.api_username, o.emag_id) in ({keys})) group by c.name"
    )
    odoo_side = {row[0]: Decimal(row[1]) for row in rows}
    diff = Decimal(0)
    for currency in set(emag_side) | set(odoo_side):
        gap = odoo_side.get(currency, Decimal(0)) - emag_side.get(currency, Decimal(0))
        say(
            f"money {currency}: Odoo {odoo_side.get(currency, 0)}, "
            f"eMAG {emag_side.get(currency, 0)}"
        )
        diff += abs(gap)
    return f"{diff:.2f}"


def stock_push_p95(day):
    """Seconds from a stock move until eMAG got a stock for an offer of that product."""
    pushes = defaultdict(list)
    product_offers = defaultdict(set)
    for offer in day.offers:
        product_offers[offer["product_id"][0]].add(offer["id"])
    by_seller_id = {}
    for offer in day.rpc.call(
        "emag.offer", "read", [o["id"] for o in day.offers], ["seller_product_id", "account_id"]
    ):
        by_seller_id[
            (day.usernames[offer["account_id"][0]], int(offer["seller_product_id"] or 0))
        ] = offer["id"]
    for user in day.accounts:
        for request in emag("GET", f"requests?username={user}"):
            if request["status"] not in (200, 204):
                continue
            at = (
                datetime.fromisoformat(request["at"]).replace(tzinfo=timezone.utc).timestamp()
                if isinstance(request["at"], str)
                else request["at"]
            )
            if request["route"].startswith("offer_stock"):
                seller_id = int(request["path"].rstrip("/").rsplit("/", 1)[-1])
                pushes[by_seller_id.get((user, seller_id))].append(at)
            elif request["route"] in ("offer/save", "product_offer/save"):
                body = request.get("body") or {}
                items = body.get("data", body) if isinstance(body, dict) else body
                for item in items if isinstance(items, list) else [items]:
                    if isinstance(item, dict) and "stock" in item:
                        pushes[by_seller_id.get((user, int(item.get("id", 0))))].append(at)
    delays = []
    for moment, product in day.stock_moves:
        firsts = [
            min((t for t in pushes[offer_id] if t >= moment), default=None)
            for offer_id in product_offers[product]
        ]
        firsts = [t for t in firsts if t is not None]
        if firsts:
            delays.append(max(firsts) - moment)
    return p95(delays)


def _stop(signum, _frame):
    raise KeyboardInterrupt(f"signal {signum}")


def main():
    signal.signal(signal.SIGTERM, _stop)
    STATE.mkdir(parents=True, exist_ok=True)
    for port in (ODOO_PORT, EMAG_PORT, ANAF_PORT, PG_PORT):
        if port_open(port):
            sys.exit(f"!! port {port} is taken (another soak?); set SOAK_PORT_BASE")
    pg = OwnPostgres(PG_DIR, PG_PORT)
    procs = Processes()
    pg.start()
    try:
        start_simulators(procs)
        facts = prepare_database(pg)
        _odoo, log = start_odoo(procs)
        day = Day(pg, facts, log, procs)
        say(f"the day starts: {ORDERS} orders, workers {odoo_children(log)}")
        day.run()
        figures = check(day)
        for name, value in figures.items():
            print(f"{name}={value}", flush=True)
        say(f"kills: {day.kills}; notes: {day.notes[:20]}")
        if os.environ.get("SOAK_KEEP"):
            say("SOAK_KEEP: everything stays up; Ctrl-C to stop")
            signal.pause()
    finally:
        procs.stop_all()
        pg.stop()


if __name__ == "__main__":
    main()
