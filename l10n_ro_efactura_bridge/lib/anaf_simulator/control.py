"""``/_sim/...``: the JSON twin of the simulator's Python control methods, for tests over HTTP.

* ``GET health``; ``POST faults`` ``{route, kind, count?, status?, seconds?}``;
  ``DELETE faults``; ``POST delay`` ``{seconds?, polls?}``;
* ``GET uploads``; ``GET uploads/<index>`` (with the XML);
* ``POST verdict`` ``{verdict, index?, errors?: [{rule_id, text}]}``;
* ``POST supplier-invoices`` ``{xml}``: a supplier's accepted invoice, answers ``{index}``;
* ``POST tokens`` ``{client_id?}``; ``POST expire-tokens``;
  ``POST wait-idle`` ``{timeout?}``; ``POST reset``.
"""

import json

from .replies import json_reply


class ControlRoutes:
    """Mixin of :class:`~anaf_simulator.AnafSimulator` serving ``/_sim/``."""

    def _control(self, method, action, body):
        try:
            payload = json.loads(body or b"{}")
        except ValueError:
            return json_reply({"error": "body must be JSON"}, 400)
        try:
            return self._control_action(method, action, payload)
        except (KeyError, ValueError, TypeError) as exc:
            return json_reply({"error": str(exc)}, 400)

    def _control_action(self, method, action, payload):
        if (method, action) == ("GET", "health"):
            return json_reply({"status": "ok", "validation": self.validation_mode})
        if (method, action) == ("POST", "faults"):
            self.set_fault(
                payload["route"],
                payload["kind"],
                count=payload.get("count", 1),
                status=payload.get("status", 500),
                seconds=payload.get("seconds", 2.0),
            )
            return json_reply({"status": "ok"})
        if (method, action) == ("DELETE", "faults"):
            self.clear_faults()
            return json_reply({"status": "ok"})
        if (method, action) == ("POST", "delay"):
            self.set_delay(seconds=payload.get("seconds"), polls=payload.get("polls"))
            return json_reply({"status": "ok"})
        if (method, action) == ("GET", "uploads"):
            return json_reply({"uploads": self.uploads()})
        if method == "GET" and action.startswith("uploads/"):
            return json_reply(self.upload(action.split("/", 1)[1]))
        if (method, action) == ("POST", "verdict"):
            errors = [(item["rule_id"], item["text"]) for item in payload.get("errors") or ()]
            self.force_verdict(payload["verdict"], index=payload.get("index"), errors=errors)
            return json_reply({"status": "ok"})
        if (method, action) == ("POST", "supplier-invoices"):
            return json_reply({"index": self.file_supplier_invoice(payload["xml"].encode())})
        if (method, action) == ("POST", "tokens"):
            return json_reply(self.issue_tokens(payload.get("client_id")))
        if (method, action) == ("POST", "expire-tokens"):
            self.expire_access_tokens()
            return json_reply({"status": "ok"})
        if (method, action) == ("POST", "wait-idle"):
            return json_reply({"idle": self.wait_idle(payload.get("timeout", 30.0))})
        if (method, action) == ("POST", "reset"):
            self.reset()
            return json_reply({"status": "ok"})
        return json_reply({"error": f"unknown control {method} /_sim/{action}"}, 404)
