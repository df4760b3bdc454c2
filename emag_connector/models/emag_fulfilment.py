# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
from datetime import timedelta

from odoo import api, fields, models

from odoo.addons.queue_job.exception import RetryableJobError

from ..services.fulfilment import pipeline
from .emag_account_fulfilment import PIPELINE_CHANNEL

# A running pipeline without a live job for this long is looked at by the watchdog.
STALL_DELAY = timedelta(minutes=20)
# A step whose job lost its database connection (PostgreSQL restarted under it)
# runs again this much later: nothing of it was committed, and every step is
# idempotent, so the pipeline resumes instead of waiting for a person.
LOST_DATABASE_RETRY = timedelta(seconds=30)
LOST_DATABASE_ERRORS = ("psycopg2.InterfaceError", "psycopg2.OperationalError")
# Bus notification type: the steps of these deliveries changed.
FULFILMENT_UPDATED = "emag_connector/fulfilment_updated"


class EmagFulfilment(models.Model):
    """What happens to one validated eMAG delivery, step by step.

    Validating the picking creates it and queues its first step; each step
    is one job (one transaction), so a worker stopped between two steps
    resumes at the next one and never repeats a done step. See
    :mod:`..services.fulfilment.pipeline` for the steps themselves.
    """

    _name = "emag.fulfilment"
    _description = "eMAG Fulfilment"
    _order = "id desc"
    _rec_name = "picking_id"

    picking_id = fields.Many2one(
        "stock.picking", required=True, readonly=True, index=True, ondelete="cascade"
    )
    sale_order_id = fields.Many2one(
        related="picking_id.sale_id", store=True, index=True, string="Sale Order"
    )
    emag_order_id = fields.Many2one(
        "emag.order", string="eMAG Order", required=True, readonly=True, index=True
    )
    account_id = fields.Many2one(related="emag_order_id.account_id", store=True, index=True)
    company_id = fields.Many2one(related="account_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="account_id.currency_id")
    order_type = fields.Selection(related="emag_order_id.order_type")
    state = fields.Selection(
        [
            ("running", "In progress"),
            ("waiting", "Waiting"),
            ("failed", "Needs attention"),
            ("stopped", "Stopped"),
            ("done", "Done"),
        ],
        default="running",
        required=True,
        readonly=True,
        index=True,
    )
    message = fields.Text(
        string="Message When Run",
        readonly=True,
        help="Why the pipeline waits, failed or stopped, when its step ran.",
    )
    status_message = fields.Text(
        string="Message",
        compute="_compute_status_message",
        help="Why the pipeline waits, failed or stopped, as things stand now.",
    )
    step_ids = fields.One2many("emag.fulfilment.step", "fulfilment_id", readonly=True)
    summary = fields.Char(compute="_compute_summary")
    awb_emag_id = fields.Char(string="eMAG AWB Id", readonly=True, copy=False)
    awb_number = fields.Char(string="AWB Number", readonly=True, copy=False)
    awb_reservation_id = fields.Char(readonly=True, copy=False)
    awb_courier = fields.Char(string="Courier", readonly=True)
    awb_cod = fields.Monetary(string="Cash on Delivery", readonly=True)
    awb_parcels = fields.Integer(string="Parcels", readonly=True)
    label_attachment_id = fields.Many2one("ir.attachment", string="Label", readonly=True)
    invoice_id = fields.Many2one("account.move", readonly=True, index="btree_not_null")
    invoice_attached_at = fields.Datetime(string="Invoice Sent to eMAG", readonly=True)
    finalized_at = fields.Datetime(string="Finalized on eMAG", readonly=True)
    efactura_status = fields.Char(string="e-Factura", compute="_compute_efactura")
    efactura_index = fields.Char(string="ANAF Index", compute="_compute_efactura")
    efactura_summary = fields.Char(string="e-Factura Status", compute="_compute_efactura")

    _picking_unique = models.Constraint(
        "UNIQUE(picking_id)", "This delivery already has its eMAG fulfilment."
    )

    @api.depends("step_ids.state", "state")
    def _compute_summary(self):
        labels = dict(self.env["emag.fulfilment.step"]._fields["code"].selection)
        for fulfilment in self:
            step = fulfilment._current_step()
            if fulfilment.state == "done" or not step:
                fulfilment.summary = self.env._("Done")
                continue
            state = dict(step._fields["state"].selection)[step.state]
            fulfilment.summary = f"{labels[step.code]}: {state}"

    def _compute_efactura(self):
        for fulfilment in self:
            invoice = fulfilment.invoice_id.sudo()
            status = (invoice._emag_efactura_status() if invoice else None) or {}
            fulfilment.efactura_status = status.get("state") or False
            fulfilment.efactura_index = status.get("index") or False
            fulfilment.efactura_summary = (
                pipeline.efactura_summary(self.env, invoice) if invoice else False
            ) or False

    def _compute_status_message(self):
        for fulfilment in self:
            step = fulfilment._current_step()
            if fulfilment.state in ("waiting", "failed") and step:
                fulfilment.status_message = pipeline.step_message(step) or fulfilment.message
            else:
                fulfilment.status_message = fulfilment.message

    # ------------------------------------------------------------------ steps

    @api.model
    def _emag_start(self, picking):
        """Create the pipeline of a validated eMAG delivery and queue its first step."""
        binding = picking.sale_id.emag_order_id
        steps = pipeline.steps_for(binding.order_type)
        fulfilment = self.sudo().create(
            {
                "picking_id": picking.id,
                "emag_order_id": binding.id,
                "step_ids": [
                    fields.Command.create(
                        {
                            "code": code,
                            "sequence": index,
                            "state": "pending" if code in steps else "skipped",
                        }
                    )
                    for index, code in enumerate(pipeline.STEP_CODES)
                ],
            }
        )
        fulfilment._emag_enqueue()
        return fulfilment

    def _current_step(self):
        """The first step not finished yet (empty when all are)."""
        self.ensure_one()
        return self.step_ids.sorted("sequence").filtered(
            lambda step: step.state not in ("done", "skipped")
        )[:1]

    def _emag_enqueue(self, eta=None):
        """Queue the next step; at most one queued step per pipeline.

        A step already queued for later (the re-check of a waiting step) is
        brought forward when it is wanted sooner: queue_job would otherwise
        drop the new job as a duplicate of the later one, and Retry would do
        nothing until the re-check's time came."""
        Job = self.env["queue.job"].sudo()
        for fulfilment in self:
            queued = Job.search(
                [
                    ("identity_key", "=", f"emag-fulfilment:{fulfilment.id}"),
                    ("state", "=", "pending"),
                ],
                limit=1,
            )
            if queued:
                if queued.eta and (not eta or queued.eta > eta):
                    queued.eta = eta or False
                continue
            fulfilment.with_company(fulfilment.company_id).with_delay(
                channel=PIPELINE_CHANNEL,
                eta=eta,
                identity_key=f"emag-fulfilment:{fulfilment.id}",
                description=self.env._(
                    "eMAG fulfilment of %(picking)s", picking=fulfilment.picking_id.name
                ),
            )._emag_run_step()

    def _emag_on_step_failed(self, exc_name=None, **_failure):
        """queue_job's on-fail hook of a step: a step that failed because the
        database went away (a restart, a failover) is queued again, as the
        watchdog would do later; any other failure stays for a person."""
        if exc_name in LOST_DATABASE_ERRORS:
            self.exists()._emag_enqueue(eta=fields.Datetime.now() + LOST_DATABASE_RETRY)

    def _emag_run_step(self):
        """Job: run the next step, then queue the one after it when there is one."""
        self.ensure_one()
        self.env.cr.execute(
            "SELECT pg_try_advisory_xact_lock(hashtext(%s))", [f"emag.fulfilment:{self.id}"]
        )
        if not self.env.cr.fetchone()[0]:
            raise RetryableJobError("another step of this fulfilment is running", seconds=5)
        self.invalidate_recordset()
        following = pipeline.FulfilmentPipeline(self.sudo()).run_next()
        if following == pipeline.CONTINUE:
            self._emag_enqueue()
        elif following == pipeline.RECHECK:
            # A safety net: the invoice's e-Factura answer resumes it sooner (_emag_resume).
            self._emag_enqueue(eta=fields.Datetime.now() + pipeline.RECHECK_DELAY)
        self._emag_notify_update()
        return following

    def _emag_notify_update(self):
        """Tell the delivery forms open in browsers that the steps changed: they
        reload themselves (``static/src/fulfilment_live_refresh.js``). Sent to
        the warehouse users' group channel once the job's transaction commits."""
        group = self.env.ref("stock.group_stock_user", raise_if_not_found=False)
        if group:
            self.env["bus.bus"]._sendone(
                group, FULFILMENT_UPDATED, {"picking_ids": self.picking_id.ids}
            )

    def _emag_resume(self):
        """Go on with deliveries held for their invoice's e-Factura answer, at once.

        A waiting step runs now (its re-check is brought forward, never
        duplicated); a step that failed while the invoice had to be fixed runs
        again once the invoice may be attached. Jobs only: they run after the
        caller's transaction commits.
        """
        for fulfilment in self.sudo():
            if fulfilment.state == "waiting":
                fulfilment._emag_enqueue()
            elif (
                fulfilment.state == "failed"
                and fulfilment._current_step().code == "attach"
                and fulfilment.invoice_id._emag_invoice_attachable()
            ):
                fulfilment.action_retry()

    # ---------------------------------------------------------------- actions

    def action_retry(self):
        """Run the failed or waiting step again, now."""
        for fulfilment in self.sudo().filtered(lambda f: f.state in ("failed", "waiting")):
            step = fulfilment._current_step()
            step.write({"state": "pending", "message": False})
            fulfilment.write({"state": "running", "message": False})
            fulfilment.picking_id.activity_ids.filtered(
                lambda a: a.summary and a.summary.startswith(pipeline.ACTIVITY_PREFIX)
            ).action_feedback(feedback=self.env._("Retried"))
            fulfilment._emag_enqueue()
        return True

    def action_print_label(self):
        self.ensure_one()
        if not self.label_attachment_id:
            return False
        return {
            "type": "ir.actions.act_url",
            "url": f"/web/content/{self.label_attachment_id.id}?download=false",
            "target": "new",
        }

    # ----------------------------------------------------------------- crons

    @api.model
    def _cron_watch(self):
        """Re-check waiting pipelines and resume the ones whose job got lost
        (a worker stopped mid-way, a job given up after its retries)."""
        limit = fields.Datetime.now() - STALL_DELAY
        candidates = self.search(
            [("state", "in", ("running", "waiting")), ("write_date", "<", limit)]
        )
        Job = self.env["queue.job"].sudo()
        for fulfilment in candidates:
            key = f"emag-fulfilment:{fulfilment.id}"
            jobs = Job.search([("identity_key", "=", key)], order="id desc", limit=1)
            if jobs.state in ("wait_dependencies", "pending", "enqueued", "started"):
                continue
            if jobs.state == "failed" and jobs.exc_name in LOST_DATABASE_ERRORS:
                fulfilment._emag_enqueue()
                continue
            if jobs.state == "failed":
                pipeline.FulfilmentPipeline(fulfilment.sudo()).fail_current(
                    self.env._("The step stopped with an error: %(error)s", error=jobs.exc_message)
                )
                continue
            fulfilment._emag_enqueue()


class EmagFulfilmentStep(models.Model):
    _name = "emag.fulfilment.step"
    _description = "eMAG Fulfilment Step"
    _order = "fulfilment_id, sequence"

    fulfilment_id = fields.Many2one(
        "emag.fulfilment", required=True, ondelete="cascade", index=True
    )
    sequence = fields.Integer(required=True)
    code = fields.Selection(pipeline.STEP_SELECTION, string="Step", required=True, readonly=True)
    state = fields.Selection(
        [
            ("pending", "To do"),
            ("done", "Done"),
            ("waiting", "Waiting"),
            ("failed", "Failed"),
            ("stopped", "Stopped"),
            ("skipped", "Not needed"),
        ],
        default="pending",
        required=True,
        readonly=True,
    )
    message = fields.Char(
        string="Message When Run",
        readonly=True,
        translate=True,
        help="What the step said when it ran.",
    )
    status_message = fields.Char(
        string="Message",
        compute="_compute_status_message",
        help="What the step says as things stand now.",
    )
    done_at = fields.Datetime(readonly=True)
    runs = fields.Integer(readonly=True, help="How many times the step was run.")

    def _compute_status_message(self):
        for step in self:
            step.status_message = pipeline.step_message(step)


class EmagAwbIntent(models.Model):
    """An AWB asked of eMAG, written and committed before the request leaves.

    If the answer is lost (timeout, 5xx, a worker stopped mid-call), its
    presence says that eMAG may have issued an AWB: the next attempt looks
    for it on eMAG before asking again.
    """

    _name = "emag.awb.intent"
    _description = "eMAG AWB Request"
    _order = "id desc"

    fulfilment_id = fields.Many2one(
        "emag.fulfilment", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="fulfilment_id.company_id", store=True)
    request = fields.Text(readonly=True)
