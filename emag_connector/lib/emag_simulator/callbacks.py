"""Outgoing callbacks: eMAG calls the seller's URL with ``GET ?order_id=<id>``.

The new-order callback is repeated every ``callback_interval`` seconds while
the order is still new (status 1), at most ``callback_max_attempts`` times;
the cancellation callback is sent once. Deliveries run on a background
thread that stops with the simulator; every attempt is logged.
"""

import heapq
import itertools
import threading
import time
import urllib.error
import urllib.request
from datetime import datetime, timezone

NEW_ORDER, ORDER_CANCELED = "new_order", "order_canceled"
DELIVERY_TIMEOUT = 5.0


class CallbackDispatcher:
    def __init__(self, state):
        self.state = state
        self.log = []
        self._queue = []  # (due monotonic time, sequence, job)
        self._sequence = itertools.count()
        self._wakeup = threading.Condition()
        self._stopping = False
        self._thread = None

    # ---------------------------------------------------------------- scheduling

    def order_created(self, account, order_id):
        if account.callback_url:
            self._schedule(
                0.0,
                {
                    "kind": NEW_ORDER,
                    "username": account.username,
                    "order_id": order_id,
                    "attempt": 1,
                },
            )

    def order_canceled(self, account, order_id):
        if account.cancel_callback_url:
            self._schedule(
                0.0,
                {
                    "kind": ORDER_CANCELED,
                    "username": account.username,
                    "order_id": order_id,
                    "attempt": 1,
                },
            )

    def _schedule(self, delay, job):
        with self._wakeup:
            heapq.heappush(self._queue, (time.monotonic() + delay, next(self._sequence), job))
            self._wakeup.notify()

    # ------------------------------------------------------------------- thread

    def start(self):
        self._stopping = False
        self._thread = threading.Thread(target=self._run, name="emag-sim-callbacks", daemon=True)
        self._thread.start()

    def stop(self):
        with self._wakeup:
            self._stopping = True
            self._wakeup.notify()
        if self._thread:
            self._thread.join(timeout=DELIVERY_TIMEOUT + 1)
            self._thread = None

    def _run(self):
        while True:
            with self._wakeup:
                while not self._stopping:
                    if self._queue and self._queue[0][0] <= time.monotonic():
                        break
                    timeout = self._queue[0][0] - time.monotonic() if self._queue else None
                    self._wakeup.wait(timeout)
                if self._stopping:
                    return
                _due, _seq, job = heapq.heappop(self._queue)
            self._deliver(job)

    # ----------------------------------------------------------------- delivery

    def _target(self, job):
        """The URL to call, or None when the job became pointless."""
        with self.state.lock:
            account = self.state.accounts.get(job["username"])
            if account is None:
                return None, None
            if job["kind"] == NEW_ORDER:
                record = account.orders.get(job["order_id"])
                if record is None or record.status != 1:  # acknowledged or canceled: stop
                    return None, account
                return account.callback_url, account
            return account.cancel_callback_url, account

    def _deliver(self, job):
        url, account = self._target(job)
        if not url:
            return
        separator = "&" if "?" in url else "?"
        full_url = f"{url}{separator}order_id={job['order_id']}"
        entry = {
            **job,
            "url": full_url,
            "at": datetime.now(timezone.utc).isoformat(timespec="milliseconds"),
        }
        try:
            with urllib.request.urlopen(full_url, timeout=DELIVERY_TIMEOUT) as reply:
                entry["status"] = reply.status
        except urllib.error.HTTPError as exc:
            entry["status"] = exc.code
        except (OSError, ValueError) as exc:
            entry["error"] = str(exc)
        with self._wakeup:
            self.log.append(entry)
        if job["kind"] == NEW_ORDER and job["attempt"] < account.callback_max_attempts:
            self._schedule(account.callback_interval, {**job, "attempt": job["attempt"] + 1})
