# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
import logging
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

from ..services.operations import exception_report

_logger = logging.getLogger(__name__)

MANAGER_GROUP = "emag_connector.group_emag_manager"


class EmagException(models.Model):
    """One open problem of the eMAG channel, as listed in the exception report.

    The lines are a snapshot of :func:`..services.operations.exception_report.collect`,
    taken again by an hourly cron, whenever the report is opened or its
    Refresh button pressed, after a line's action and before the daily
    digest: a problem fixed since the last snapshot leaves the report at the
    next one. Keeping the lines as records (rather than computing them on the
    fly) lets the list be searched, grouped and filtered like any other, and
    remembers since when a problem is reported.
    """

    _name = "emag.exception"
    _description = "eMAG Exception"
    _order = "severity_rank, since, id"
    _rec_name = "record_name"

    key = fields.Char(required=True, readonly=True, index=True)
    kind = fields.Selection(exception_report.KINDS, required=True, readonly=True)
    severity = fields.Selection(
        [(exception_report.ERROR, "Error"), (exception_report.WARNING, "Warning")],
        required=True,
        readonly=True,
    )
    severity_rank = fields.Integer(compute="_compute_severity_rank", store=True)
    account_id = fields.Many2one(
        "emag.account", readonly=True, index=True, ondelete="cascade", string="Account"
    )
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    res_model = fields.Char(string="Model", required=True, readonly=True)
    res_id = fields.Many2oneReference(
        string="Record Id", model_field="res_model", required=True, readonly=True
    )
    record_name = fields.Char(string="Record", readonly=True)
    message = fields.Char(readonly=True)
    action_label = fields.Char(string="Next Action", readonly=True)
    action_method = fields.Char(readonly=True)
    since = fields.Datetime(readonly=True, help="When the problem began, as far as it is known.")

    _key_unique = models.Constraint("UNIQUE(key)", "One line per problem.")

    @api.depends("severity")
    def _compute_severity_rank(self):
        for line in self:
            line.severity_rank = 0 if line.severity == exception_report.ERROR else 1

    # -------------------------------------------------------------- collecting

    @api.model
    def _exception_collectors(self):
        """The functions that find problems; other addons append theirs.

        Each is called with a :class:`~..services.operations.exception_report.Scope`
        and returns :class:`~..services.operations.exception_report.ExceptionLine`\\ s.
        """
        return list(exception_report.COLLECTORS)

    @api.model
    def _refresh(self, now=None):
        """Take the report's snapshot again: new problems in, fixed ones out.

        One refresh at a time: a second one started meanwhile returns at
        once, the first one is bringing the same lines up to date.
        """
        self.env.cr.execute("SELECT pg_try_advisory_xact_lock(hashtext('emag.exception'))")
        if not self.env.cr.fetchone()[0]:
            return False
        Line = self.sudo().with_context(active_test=False)
        # As superuser: the snapshot serves every user, record rules then
        # show each one the lines of their companies.
        found = {line.key: line for line in exception_report.collect(self.env(su=True), now=now)}
        existing = {line.key: line for line in Line.search([])}
        Line.browse([line.id for key, line in existing.items() if key not in found]).unlink()
        to_create = []
        for key, line in found.items():
            values = self._values_from(line)
            if key in existing:
                current = existing[key]
                changed = {
                    name: value
                    for name, value in values.items()
                    if current._fields[name].convert_to_write(current[name], current) != value
                }
                if changed:
                    current.write(changed)
            else:
                to_create.append(values)
        Line.create(to_create)
        return True

    @api.model
    def _values_from(self, line):
        record = line.record
        company = line.account.company_id
        if not company and "company_id" in record._fields:
            company = record.sudo().company_id
        return {
            "key": line.key,
            "kind": line.kind,
            "severity": line.severity,
            "account_id": line.account.id or False,
            "company_id": company.id or False,
            "res_model": record._name,
            "res_id": record.id,
            "record_name": record.sudo().display_name,
            "message": line.message,
            "action_label": line.action_label,
            "action_method": line.action_method or False,
            "since": line.since or False,
        }

    # ----------------------------------------------------------------- actions

    @api.model
    def action_open_report(self):
        """The menu: refresh, then show the lines."""
        self._refresh()
        return self.env["ir.actions.act_window"]._for_xml_id("emag_connector.emag_exception_action")

    @api.model
    def action_refresh(self):
        self._refresh()
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    def _target(self):
        """The record the line is about, as the current user may see it."""
        self.ensure_one()
        record = self.env[self.res_model].browse(self.res_id).exists()
        if not record:
            raise UserError(self.env._("The record is gone: refresh the report."))
        return record

    def action_open_record(self):
        target = self._target()
        if target._name == "queue.job" and not target.has_access("read"):
            # Not a job manager: show what the job worked on instead.
            target = target.sudo().records[:1].with_env(self.env) or target
        target.check_access("read")
        return {
            "type": "ir.actions.act_window",
            "res_model": target._name,
            "res_id": target.id,
            "view_mode": "form",
            "views": [(False, "form")],
            "target": "current",
        }

    def action_run_next(self):
        """Run the line's next action on its record, as the current user."""
        self.ensure_one()
        method = self.action_method
        if not method:
            return self.action_open_record()
        if not (method.startswith("action_") or method == "requeue"):
            raise UserError(self.env._("This action cannot be run from the report."))
        target = self._target()
        if target._name == "queue.job":
            # eMAG managers requeue the connector's jobs without being job managers.
            if not self.env.user.has_group(MANAGER_GROUP):
                raise AccessError(self.env._("Only eMAG managers can requeue eMAG jobs."))
            target = target.sudo()
        result = getattr(target, method)()
        self._refresh()
        if isinstance(result, dict):
            return result
        return {"type": "ir.actions.client", "tag": "soft_reload"}

    # -------------------------------------------------------------------- cron

    @api.model
    def _cron_refresh(self):
        self._refresh()

    @api.model
    def _cron_send_digest(self):
        """Daily: mail each company's open problems to its eMAG managers.

        Nothing is sent to a company without problems.
        """
        self._refresh()
        template = self.env.ref("emag_connector.mail_template_emag_exception_digest")
        managers = self.env.ref(MANAGER_GROUP).all_user_ids.filtered(
            lambda user: user.active and not user.share and user.email
        )
        sent = self.env["mail.mail"]
        lines = self.sudo().search([("company_id", "!=", False)])
        for company in lines.company_id:
            company_lines = lines.filtered(lambda line, company=company: line.company_id == company)
            recipients = managers.filtered(
                lambda user, company=company: company in user.company_ids
            )
            if not recipients:
                _logger.info(
                    "eMAG exception digest of %s: no eMAG manager to send it to", company.name
                )
                continue
            # One mail per language: each manager reads it in theirs.
            by_lang = defaultdict(lambda: self.env["res.partner"])
            for partner in recipients.partner_id:
                by_lang[partner.lang or company.partner_id.lang or "en_US"] |= partner
            for lang, partners in sorted(by_lang.items()):
                mail_id = template.with_context(
                    emag_digest_lang=lang, emag_exception_ids=company_lines.ids
                ).send_mail(
                    company.id,
                    email_values={"recipient_ids": [fields.Command.set(partners.ids)]},
                )
                sent |= self.env["mail.mail"].browse(mail_id)
        return sent
