# Copyright 2026 eMAG Connector Authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl-3.0).
"""A Romanian company talking to the ANAF simulator, and invoice helpers."""

import re
import subprocess
from pathlib import Path
from unittest.mock import patch

import requests
from lxml import etree

from odoo import Command
from odoo.tools import mute_logger

from odoo.addons.account.tests.common import AccountTestInvoicingCommon
from odoo.addons.emag_connector.tests.common import LoopbackHttpMixin
from odoo.addons.queue_job.tests.common import trap_jobs

from ..compat import CORE_MOVE_STATE, CORE_SYNC_MODULE, ODOO_MAJOR
from ..lib.anaf_simulator import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, AnafSimulator, judge
from ..lib.ciusro_validator import RulePack, child_env, saxon_child_command
from ..services.ciusro_precheck import validate_documents

NS = {
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
}
FILES = Path(__file__).resolve().parent / "files"
LONG_NAME = (
    "Telefon mobil Exemplu X200, Dual SIM, 256GB, 12GB RAM, 5G, Midnight Black, "
    "incarcator inclus, husa de protectie si folie de sticla"
)


class AnafSimulatorProcess:
    """The ANAF simulator in a child process, judging with ANAF's official rules.

    Saxon, which runs the CIUS-RO schematron, cannot start inside an Odoo
    process held by ``limit_memory_hard``; in a child process it can, so the
    documents get the verdict ANAF's rules give, with real rule ids. Driven
    over the simulator's JSON control API; offers the methods of
    :class:`AnafSimulator` the bridge's tests use.
    """

    def __init__(self):
        self.process = None
        self.base_url = None
        self.validation_mode = None

    def start(self):
        self.process = subprocess.Popen(
            saxon_child_command("anaf_simulator", "--port", "0", "--polls", "0"),
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
            env=child_env(),
        )
        banner = self.process.stdout.readline()
        match = re.search(r"on (http://127\.0\.0\.1:\d+) \((\w+) rules\)", banner)
        if not match:
            self.stop()
            raise RuntimeError(f"the ANAF simulator did not start: {banner!r}")
        self.base_url, self.validation_mode = match.groups()
        return self.base_url

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process:
            self.process.stdout.close()

    def _control(self, method, action, payload=None):
        response = requests.request(
            method, f"{self.base_url}/_sim/{action}", json=payload or {}, timeout=(5, 120)
        )
        response.raise_for_status()
        return response.json()

    def reset(self):
        self._control("POST", "reset")

    def issue_tokens(self, client_id=None):
        return self._control("POST", "tokens", {"client_id": client_id})

    def uploads(self):
        return self._control("GET", "uploads")["uploads"]

    def upload(self, index):
        return self._control("GET", f"uploads/{index}")

    def wait_idle(self, timeout=60.0):
        return self._control("POST", "wait-idle", {"timeout": timeout})["idle"]


class EfacturaBridgeCase(LoopbackHttpMixin, AccountTestInvoicingCommon):
    """Base of the bridge's Odoo tests.

    Every document uploaded during a test is checked again with the official
    rules shipped with the bridge at the end of the test.
    """

    @classmethod
    @AccountTestInvoicingCommon.setup_country("ro")
    def setUpClass(cls):
        super().setUpClass()
        # The bridge's pre-check already runs the official rules (out of process);
        # the simulator keeps its built-in checks, as Saxon cannot start inside an
        # Odoo process held by limit_memory_hard. Its warning about that is expected.
        # The upload job "allows commit" (it commits its in-flight mark before the
        # document leaves), so queue_job runs it on a cursor of its own, which
        # cannot see a test's uncommitted invoice. Tests run jobs inside their
        # own transaction, where nothing commits anyway (``_can_commit()``).
        cls.env.ref("l10n_ro_efactura_bridge.job_function_account_move_efb_process").sudo().write(
            {"allow_commit": False}
        )
        # Likewise the received-bills job, which allows commits for core's bill import.
        received = cls.env.ref(
            "l10n_ro_efactura_bridge.job_function_res_company_efb_sync_received_bills"
        ).sudo()
        cls.received_bills_allow_commit = received.allow_commit
        received.allow_commit = False
        with mute_logger(judge.__name__):
            cls.simulator = AnafSimulator(processing_polls=0, use_official_rules=False)
        cls.simulator.start()
        cls.addClassCleanup(cls.simulator.stop)
        cls.company = cls.company_data["company"]
        cls.company.write(
            {
                "name": "Vanzator Exemplu SRL",
                "vat": "RO18547290",
                "company_registry": "J12/1234/2020",
                "street": "Str. Exemplu nr. 1",
                "city": "Cluj-Napoca",
                "zip": "400001",
                "state_id": cls.env.ref("base.RO_CJ").id,
                "country_id": cls.env.ref("base.ro").id,
                "l10n_ro_edi_client_id": DEFAULT_CLIENT_ID,
                "l10n_ro_edi_client_secret": DEFAULT_CLIENT_SECRET,
                "l10n_ro_efb_environment": "sandbox",
                "l10n_ro_efb_sandbox_url": cls.simulator.base_url,
            }
        )
        chart = cls.env["account.chart.template"]
        cls.tax_21 = chart.ref("tvac_21")
        cls.tax_11 = chart.ref("tvac_11")
        ro = cls.env.ref("base.ro")
        cls.person_bucharest = cls.env["res.partner"].create(
            {
                "name": "Ion Popescu",
                "is_company": False,
                "street": "Str. Clientului nr. 5, ap. 3, Sector 3",
                "city": "București",
                "zip": "030167",
                "state_id": cls.env.ref("base.RO_B").id,
                "country_id": ro.id,
            }
        )
        cls.person_with_cnp = cls.env["res.partner"].create(
            {
                "name": "Maria Ionescu",
                "is_company": False,
                "street": "Str. Florilor 12",
                "city": "Iasi",
                "state_id": cls.env.ref("base.RO_IS").id,
                "country_id": ro.id,
                "l10n_ro_efb_cnp": "2901011401211",
            }
        )
        cls.vat_payer = cls.env["res.partner"].create(
            {
                "name": "Cumparator Exemplu SRL",
                "is_company": True,
                "vat": "RO43567824",
                "street": "Bd. 21 Decembrie 1989 nr. 10",
                "city": "Cluj-Napoca",
                "state_id": cls.env.ref("base.RO_CJ").id,
                "country_id": ro.id,
            }
        )
        cls.non_payer = cls.env["res.partner"].create(
            {
                "name": "Mic Atelier SRL",
                "is_company": True,
                "vat": "14399840",
                "street": "Str. Lunga 3",
                "city": "Brasov",
                "state_id": cls.env.ref("base.RO_BV").id,
                "country_id": ro.id,
            }
        )
        cls.phone = cls.env["product.product"].create(
            {"name": LONG_NAME, "default_code": "X200", "lst_price": 1000.0}
        )
        cls.book = cls.env["product.product"].create({"name": "Carte tiparita", "lst_price": 80.0})

    def setUp(self):
        super().setUp()
        self.simulator.reset()
        # Fresh tokens: a test may expire or rotate them at the (long-lived) simulator.
        tokens = self.simulator.issue_tokens()
        self.company.write(
            {
                "l10n_ro_edi_access_token": tokens["access_token"],
                "l10n_ro_edi_refresh_token": tokens["refresh_token"],
            }
        )
        # Indexes of documents a test breaks on purpose (to see ANAF reject them).
        self.broken_on_purpose = set()
        self.addCleanup(self._assert_uploads_pass_official_rules)

    # -- helpers -----------------------------------------------------------------

    def _assert_uploads_pass_official_rules(self):
        uploads = [u for u in self.simulator.uploads() if u["index"] not in self.broken_on_purpose]
        if not uploads:
            return
        documents = [self.simulator.upload(u["index"])["xml"].encode() for u in uploads]
        results = validate_documents(RulePack.load(), documents)
        for upload, problems in zip(uploads, results, strict=True):
            self.assertEqual(problems, [], f"upload {upload['index']} breaks CIUS-RO")

    def _invoice(self, partner, lines=None, move_type="out_invoice", currency=None, post=True):
        lines = lines or [(self.phone, 1, 1000.0, self.tax_21)]
        line_commands = []
        for product, quantity, price, tax, *extra in lines:
            values = {
                "product_id": product.id,
                "quantity": quantity,
                "price_unit": price,
                "tax_ids": [Command.set(tax.ids)],
            }
            values.update(*extra)
            line_commands.append(Command.create(values))
        move = self.env["account.move"].create(
            {
                "move_type": move_type,
                "partner_id": partner.id,
                "invoice_date": "2026-03-02",
                "currency_id": (currency or self.company.currency_id).id,
                "invoice_line_ids": line_commands,
            }
        )
        if post:
            move.action_post()
        return move

    def _emag_invoice(self, account, partner=None, lines=None):
        """The draft invoice of an order imported from ``account`` (by an eMAG manager)."""
        lines = lines or [(self.book, 1, 80.0, self.tax_11)]
        order = (
            self.env["sale.order"]
            .sudo()
            .create(
                {
                    "partner_id": (partner or self.person_bucharest).id,
                    "emag_account_id": account.id,
                    "order_line": [
                        Command.create(
                            {
                                "product_id": product.id,
                                "product_uom_qty": quantity,
                                "price_unit": price,
                                "tax_ids": [Command.set(tax.ids)],
                            }
                        )
                        for product, quantity, price, tax in lines
                    ],
                }
            )
        )
        order.action_confirm()
        invoice = order._create_invoices().with_env(self.env)
        invoice.invoice_date = "2026-03-02"
        return invoice

    def _credit_note(self, invoice, reason="Retur eMAG"):
        """The credit note of ``invoice`` made with the Reverse wizard, still draft."""
        reversal = (
            self.env["account.move.reversal"]
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"reason": reason, "journal_id": invoice.journal_id.id})
        )
        return self.env["account.move"].browse(reversal.refund_moves()["res_id"])

    def _send(self, moves, rounds=8):
        """Click Send and run the queued jobs until the pipeline rests."""
        with trap_jobs() as trap:
            moves.action_l10n_ro_efb_send()
            self.assertTrue(trap.enqueued_jobs, "sending must go through a queue job")
            self._drain(trap, rounds)

    def _drain(self, trap, rounds=8):
        for _round in range(rounds):
            if not trap.enqueued_jobs:
                return
            trap.perform_enqueued_jobs()
            self.simulator.wait_idle()

    def _uploaded_xml(self, move):
        uploads = [
            self.simulator.upload(upload["index"])
            for upload in self.simulator.uploads()
            if upload["invoice_number"] == move.name
        ]
        self.assertTrue(uploads, f"{move.name} never reached ANAF")
        return etree.fromstring(uploads[-1]["xml"].encode())

    def _text(self, root, path):
        return root.findtext(path, namespaces=NS)

    def _assert_accepted(self, move):
        self.assertEqual(move.l10n_ro_efb_state, "accepted", move.l10n_ro_efb_message)
        self.assertEqual(move.l10n_ro_edi_state, CORE_MOVE_STATE["validated"])
        self.assertTrue(move.l10n_ro_edi_index)
        self.assertTrue(move.l10n_ro_efb_zip_id.raw.startswith(b"PK"))
        document = move.l10n_ro_edi_document_ids
        self.assertTrue(document.key_signature, "ANAF's signature kept, as core keeps it")
        if "key_download" in document._fields:  # 19.0 also keeps the download id
            self.assertTrue(document.key_download)


def patch_core_sync_request(env, answer):
    """Hand ``answer(company, session, nb_days=1)`` to core's synchronization in place
    of ANAF (a module function in 19.0, a method of the document model in 18.0)."""
    if ODOO_MAJOR >= 19:
        return patch(f"{CORE_SYNC_MODULE}._request_ciusro_synchronize_invoices", new=answer)

    def request(document, company, session, nb_days=1):
        return answer(company, session, nb_days=nb_days)

    return patch.object(
        type(env["l10n_ro_edi.document"]), "_request_ciusro_synchronize_invoices", request
    )
