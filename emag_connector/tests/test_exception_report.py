"""The exception report and its daily digest, built from real flows against the
eMAG simulator: each kind of problem shows with its next action, leaves once
fixed, and the digest is mailed to eMAG managers only when there is something
to say."""

import base64
from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from odoo.addons.queue_job.job import Job
from odoo.addons.queue_job.tests.common import trap_jobs

from ..lib.emag_api import EmagAuthError
from .fulfilment_common import EmagFulfilmentCase
from .order_common import PASSWORD, USERNAME
from .rma_common import EmagRmaCase
from .test_emag_offer import EmagOfferCase, valid_ean


class ExceptionReportMixin:
    """Helpers reading the report as a user would: refreshed, then listed."""

    def report(self, now=None, account=None):
        self.env["emag.exception"]._refresh(now=now)
        return self.env["emag.exception"].search(
            [("account_id", "=", (account or self.account).id)]
        )

    def line_of(self, lines, record, kind=None):
        found = lines.filtered(
            lambda line: (
                line.res_model == record._name
                and line.res_id == record.id
                and (kind is None or line.kind == kind)
            )
        )
        self.assertLessEqual(len(found), 1)
        return found

    def fail_job(self, job_record):
        """Run a stored job as the job runner does, leaving it failed if it raises."""
        job = Job.load(self.env, job_record.uuid)
        try:
            with self.env.cr.savepoint():
                job.perform()
        except EmagAuthError as error:
            job.set_failed(exc_name=type(error).__name__, exc_message=str(error))
            job.store()
        self.env.invalidate_all()


@tagged("post_install", "-at_install")
class TestExceptionReportOrders(ExceptionReportMixin, EmagFulfilmentCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.emag_user = new_test_user(
            cls.env,
            login="emag_exception_user",
            groups="emag_connector.group_emag_user,stock.group_stock_user",
        )

    def test_order_in_exception_until_retried(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        payload = self.sim_order(order)
        payload["products"][0]["part_number"] = "NEW-SKU-9"
        binding = self.import_payload(payload)
        self.assertEqual(binding.state, "exception")

        line = self.line_of(self.report(), binding, "order_exception")
        self.assertEqual(line.severity, "error")
        self.assertIn("NEW-SKU-9", line.message)
        self.assertEqual(line.record_name, binding.display_name)
        self.assertEqual(line.action_label, "Retry")
        opened = line.with_user(self.emag_user).action_open_record()
        self.assertEqual((opened["res_model"], opened["res_id"]), ("emag.order", binding.id))

        # eMAG shows the order with a known part number now: Retry reads it again.
        with trap_jobs() as trap:
            line.action_run_next()
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(binding.state, "imported", binding.message)
        self.assertFalse(self.line_of(self.report(), binding))

    def test_unacknowledged_then_acknowledged(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}], voucher=False)
        self.poll(run_ack=False)
        binding = self.binding(order)
        self.assertEqual(binding.sale_order_id.state, "sale")
        self.assertFalse(binding.acknowledged_at)
        now = fields.Datetime.now()
        self.assertFalse(self.line_of(self.report(now), binding), "not late yet")

        later = now + timedelta(minutes=self.account.order_ack_alarm_minutes + 5)
        line = self.line_of(self.report(later), binding, "order_unacknowledged")
        self.assertEqual(line.severity, "error")
        self.assertIn("Not acknowledged", line.message)

        self.acknowledge()
        self.assertFalse(self.line_of(self.report(later), binding))

    def test_alarm_cron_never_repeats_its_chatter(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}], voucher=False)
        self.poll(run_ack=False)
        binding = self.binding(order)
        self.env.cr.execute(
            "UPDATE emag_order SET create_date = create_date - interval '3 hours' WHERE id = %s",
            [binding.id],
        )
        self.env.invalidate_all()
        Account = self.env["emag.account"].with_context(tracking_disable=False)
        with trap_jobs():  # the acknowledgement it queues is not run: the order stays late
            Account._cron_order_alarms()
            activities, messages = binding.activity_ids, binding.message_ids
            self.assertEqual(len(activities), 1, "the late order gets one to-do")
            for _run in range(2):
                Account._cron_order_alarms()
                self.env["emag.exception"]._cron_refresh()
        self.env.invalidate_all()
        self.assertEqual(binding.activity_ids, activities, "no second to-do")
        self.assertEqual(binding.message_ids, messages, "no message from the later runs")
        self.assertTrue(self.line_of(self.report(), binding, "order_unacknowledged"))

    def test_stuck_in_progress_and_near_the_shipping_deadline(self):
        order, binding = self.imported_order()
        deadline = binding.emag_shipment_deadline
        self.assertTrue(deadline, "eMAG's maximum date for shipment is kept on the order")
        self.assertGreater(deadline, fields.Datetime.now())

        lines = self.report(deadline - timedelta(hours=self.account.exception_deadline_hours + 1))
        self.assertFalse(self.line_of(lines, binding, "order_deadline"), "not near yet")
        stuck = self.line_of(lines, binding, "order_stuck")
        self.assertEqual(stuck.severity, "warning")
        self.assertIn("In progress on eMAG for more than 24 hours", stuck.message)

        near = self.line_of(self.report(deadline - timedelta(hours=1)), binding, "order_deadline")
        self.assertEqual(near.severity, "warning")
        late = self.line_of(self.report(deadline + timedelta(hours=1)), binding, "order_deadline")
        self.assertEqual(late.severity, "error")
        self.assertIn("passed", late.message)

        # Shipped: the AWB finalizes the order, nothing is left to report.
        self.fulfil(self.delivery(binding))
        self.assertEqual(binding.emag_status, "4")
        lines = self.report(deadline + timedelta(hours=1))
        self.assertFalse(self.line_of(lines, binding, "order_deadline"))
        self.assertFalse(self.line_of(lines, binding, "order_stuck"))

    def test_failed_fulfilment_step_retried_from_the_report(self):
        _order, binding = self.imported_order()
        address = self.account.pickup_address_id
        self.account.pickup_address_id = False
        fulfilment = self.fulfil(self.delivery(binding))
        self.assertEqual(fulfilment.state, "failed")

        line = self.line_of(self.report(), fulfilment, "fulfilment")
        self.assertEqual(line.severity, "error")
        self.assertIn("AWB: The eMAG account has no pickup address", line.message)
        self.assertEqual(line.action_method, "action_retry")

        self.account.pickup_address_id = address
        with trap_jobs() as trap:
            line.action_run_next()
            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(fulfilment.state, "done", fulfilment.message)
        self.assertFalse(self.line_of(self.report(), fulfilment))

    def test_invoice_not_attached_to_emag(self):
        _order, binding = self.imported_order()
        with trap_jobs() as trap:
            fulfilment = self.validate(self.delivery(binding))
            while self.step_states(fulfilment)["invoice"] != "done":
                self.run_one_step(trap)
            invoice = fulfilment.invoice_id
            self.assertEqual(invoice.state, "posted")
            later = fields.Datetime.now() + timedelta(hours=self.account.exception_attach_hours + 1)
            self.assertFalse(self.line_of(self.report(), fulfilment), "just posted")
            line = self.line_of(self.report(later), fulfilment, "invoice_unattached")
            self.assertEqual(line.severity, "warning")
            self.assertIn(invoice.name, line.message)

            self.run_jobs(trap)
        self.env.invalidate_all()
        self.assertTrue(fulfilment.invoice_attached_at)
        self.assertFalse(self.line_of(self.report(later), fulfilment))

    def test_failed_job_requeued_from_the_report(self):
        self.account.api_password = "not-the-password"
        self.account.with_delay()._emag_poll_orders()
        job = self.env["queue.job"].search([("method_name", "=", "_emag_poll_orders")])
        self.assertEqual(job.channel, "root.emag.orders")
        self.fail_job(job)
        self.assertEqual(job.state, "failed")

        line = self.line_of(self.report(), job, "job")
        self.assertEqual(line.account_id, self.account)
        self.assertEqual(line.action_label, "Requeue")
        self.assertIn(job.name, line.message)
        with self.assertRaises(AccessError, msg="eMAG users cannot requeue jobs"):
            line.with_user(self.emag_user).action_run_next()
        opened = line.with_user(self.emag_user).action_open_record()
        self.assertEqual(
            (opened["res_model"], opened["res_id"]),
            ("emag.account", self.account.id),
            "a user without job rights is shown what the job worked on",
        )

        line.action_run_next()  # as an eMAG manager
        self.assertEqual(job.state, "pending")
        self.assertFalse(self.line_of(self.report(), job))

    def test_menu_refreshes_for_an_emag_user(self):
        order = self.create_order(b2b=True, lines=[{"product_id": 1001, "quantity": 1}])
        payload = self.sim_order(order)
        payload["customer"].update(code="RO18547291", is_vat_payer=1)
        binding = self.import_payload(payload)
        action = self.env["emag.exception"].with_user(self.emag_user).action_open_report()
        self.assertEqual(action["res_model"], "emag.exception")
        lines = self.env["emag.exception"].with_user(self.emag_user).search([])
        self.assertTrue(self.line_of(lines, binding, "order_exception"))
        self.assertEqual(self.account.exception_count, len(self.report()))

    def test_digest_lists_every_problem_for_the_managers(self):
        order = self.create_order(b2b=True, lines=[{"product_id": 1001, "quantity": 1}])
        payload = self.sim_order(order)
        payload["customer"].update(code="RO18547291", is_vat_payer=1)
        broken = self.import_payload(payload)
        _order, binding = self.imported_order()
        address = self.account.pickup_address_id
        self.account.pickup_address_id = False
        fulfilment = self.fulfil(self.delivery(binding))
        self.account.pickup_address_id = address

        admin = self.env.ref("base.user_admin")
        admin.email = "admin@shop.example.ro"
        mails = self.env["emag.exception"]._cron_send_digest()
        mail = mails.filtered(lambda m: m.res_id == self.env.company.id)
        self.assertEqual(len(mail), 1)
        self.assertIn("eMAG exception report of SHOP SRL", mail.subject)
        self.assertIn(admin.partner_id, mail.recipient_ids, "eMAG managers get it")
        self.assertNotIn(self.emag_user.partner_id, mail.recipient_ids, "users do not")
        body = str(mail.body_html)
        self.assertIn(broken.display_name, body)
        self.assertIn("not a valid Romanian CUI", body)
        self.assertIn(f"/odoo/emag.fulfilment/{fulfilment.id}", body)
        self.assertIn("no pickup address", body)
        self.assertIn("Order in exception", body)
        self.assertIn("Fulfilment step failed", body)

    def test_digest_speaks_each_managers_language(self):
        order = self.create_order(b2b=True, lines=[{"product_id": 1001, "quantity": 1}])
        payload = self.sim_order(order)
        payload["customer"].update(code="RO18547291", is_vat_payer=1)
        self.import_payload(payload)
        self.env["res.lang"]._activate_lang("ro_RO")
        self.env["ir.module.module"].search([("name", "=", "emag_connector")])._update_translations(
            ["ro_RO"]
        )
        admin = self.env.ref("base.user_admin")
        admin.write({"email": "admin@shop.example.ro", "lang": "en_US"})
        romanian = new_test_user(
            self.env,
            login="emag_ro_manager",
            email="manager@shop.example.ro",
            groups="emag_connector.group_emag_manager",
            lang="ro_RO",
        )
        mails = self.env["emag.exception"]._cron_send_digest()
        mails = mails.filtered(lambda m: m.res_id == self.env.company.id)
        self.assertEqual(len(mails), 2)
        for mail in mails:
            if romanian.partner_id in mail.recipient_ids:
                self.assertIn("Raport de excepții eMAG pentru SHOP SRL", mail.subject)
                self.assertNotIn(admin.partner_id, mail.recipient_ids)
            else:
                self.assertIn("eMAG exception report of SHOP SRL", mail.subject)
                self.assertIn(admin.partner_id, mail.recipient_ids)

    def test_digest_only_for_companies_with_problems(self):
        company = self.env["res.company"].create({"name": "Second Shop SRL"})
        manager = new_test_user(
            self.env,
            login="emag_second_manager",
            email="manager@second.example.ro",
            groups="emag_connector.group_emag_manager",
            company_id=company.id,
            company_ids=[(6, 0, company.ids)],
        )
        account = self.env["emag.account"].create(
            {
                "name": "eMAG RO second",
                "company_id": company.id,
                "api_url": self.sim.base_url,
                "api_username": USERNAME,
                "api_password": "wrong-password",
            }
        )

        def second_company_mail():
            mails = self.env["emag.exception"]._cron_send_digest()
            return mails.filtered(lambda m: m.res_id == company.id)

        self.assertFalse(second_company_mail(), "nothing to report: nothing sent")

        account.with_company(company).with_delay()._emag_poll_orders()
        job = self.env["queue.job"].search([("method_name", "=", "_emag_poll_orders")])
        self.fail_job(job)
        mail = second_company_mail()
        self.assertEqual(mail.recipient_ids, manager.partner_id)
        self.assertIn(job.name, str(mail.body_html))
        self.assertTrue(self.line_of(self.report(account=account), job))

        job.button_done()
        self.assertFalse(self.report(account=account), "a fixed problem leaves the report")
        self.assertFalse(second_company_mail())

    def test_api_log_purged_after_30_days(self):
        self.poll()
        Log = self.env["emag.api.log"]
        old, recent = Log.search([("account_id", "=", self.account.id)], limit=2)
        self.env.cr.execute(
            "UPDATE emag_api_log SET create_date = now() - interval '31 days' WHERE id = %s",
            [old.id],
        )
        Log._gc_old_calls()
        self.assertFalse(old.exists())
        self.assertTrue(recent.exists())
        autovacuum = self.env.ref("base.autovacuum_job")
        self.assertTrue(autovacuum.active, "the daily cron that runs the purge")

    def test_api_log_holds_no_credentials(self):
        self.create_order(lines=[{"product_id": 1001, "quantity": 1}])
        self.poll()
        logs = self.env["emag.api.log"].search([("account_id", "=", self.account.id)])
        self.assertIn("order/read", logs.mapped("route"))
        basic = base64.b64encode(f"{USERNAME}:{PASSWORD}".encode()).decode()
        for secret in (USERNAME, PASSWORD, basic):
            for field in ("request_body", "response_body"):
                self.assertFalse(
                    self.env["emag.api.log"].search_count([(field, "ilike", secret)]),
                    f"{secret!r} found in the API log's {field}",
                )


@tagged("post_install", "-at_install")
class TestExceptionReportOffers(ExceptionReportMixin, EmagOfferCase):
    def test_rejected_offer_until_fixed(self):
        product = self._product(price=100.0)
        offer = self._offer(
            product,
            publication_path="pnk",
            part_number_key="NOSUCHKEY1",
            min_sale_price=50,
            max_sale_price=150,
        )
        self._publish(offer)
        self.assertEqual(offer.state, "rejected")
        line = self.line_of(self.report(), offer, "offer")
        self.assertEqual(line.severity, "error")
        self.assertIn("NOSUCHKEY1 does not exist", line.message)
        self.assertEqual(line.action_method, "action_retry")

        # The seller corrects the key to the product's real one on eMAG.
        offer.part_number_key = self.sim.add_catalog_product(
            "Cablu", "Altul", 3120, [valid_ean(303)]
        )
        with trap_jobs() as trap:
            line.action_run_next()
            self._perform_all(trap)
        self.assertNotEqual(offer.state, "rejected", offer.state_reason)
        self.assertFalse(self.line_of(self.report(), offer))

    def test_offer_needing_attention(self):
        product = self._product(price=0.0)
        offer = self._offer(product)
        self._publish(offer)
        self.assertEqual(offer.state, "attention")
        line = self.line_of(self.report(), offer, "offer")
        self.assertEqual(line.severity, "warning")
        self.assertIn("price is 0", line.message)


@tagged("post_install", "-at_install")
class TestExceptionReportReturns(ExceptionReportMixin, EmagRmaCase):
    def test_return_waiting_in_exception_until_its_order_is_imported(self):
        order = self.create_order(lines=[{"product_id": 1001, "quantity": 1}], voucher=False)
        self.sim.set_order_status(USERNAME, order["id"], 4)
        sim_rma = self.open_return(self.sim_order(order), {1001: 1})
        with trap_jobs():
            self.account._emag_import_rma(str(sim_rma["emag_id"]))
        rma = self.rma(sim_rma)
        self.assertEqual(rma.state, "exception")
        line = self.line_of(self.report(), rma, "return")
        self.assertEqual(line.severity, "error")
        self.assertIn("is not in Odoo", line.message)

        self.poll()
        # The order is in Odoo now, but its goods never left in Odoo: the
        # return cannot take them back, so it stays in exception and in the
        # report, with the new reason (it used to leave both, fixed by nothing).
        with trap_jobs() as trap:
            line.action_run_next()
            self.run_emag_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(rma.state, "exception")
        line = self.line_of(self.report(), rma, "return")
        self.assertIn("only 0 were delivered", line.message)

        sale_order = self.binding(order).sale_order_id
        self.validate(sale_order.picking_ids.filtered(lambda p: p.picking_type_code == "outgoing"))
        with trap_jobs() as trap:
            line.action_run_next()
            self.run_emag_jobs(trap)
        self.env.invalidate_all()
        self.assertEqual(rma.state, "imported", rma.message)
        self.assertTrue(rma.return_picking_ids)
        self.assertFalse(self.line_of(self.report(), rma, "return"))

    def test_exchange_waits_for_its_replacement_not_for_retry(self):
        """An exchange whose goods came back days ago waits for the warehouse to
        ship the replacement: the report says so and offers no Retry."""
        order, _sale_order, _invoice = self.shipped_order([{"product_id": 1001, "quantity": 1}])
        self.open_return(order, {1001: 1}, return_type=1)
        rma = self.read_returns()
        self.receive(rma)
        replacement = rma.replacement_picking_ids
        self.assertTrue(replacement)
        later = fields.Datetime.now() + timedelta(hours=self.account.exception_return_hours + 1)
        line = self.line_of(self.report(now=later), rma, "return")
        self.assertIn(f"the replacement {replacement.name} is not shipped yet", line.message)
        self.assertFalse(line.action_method)

        self.validate(replacement)
        self.assertFalse(self.line_of(self.report(now=later), rma, "return"))
