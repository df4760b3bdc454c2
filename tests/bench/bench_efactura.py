"""Benchmark: CIUS-RO validity of eMAG-like invoices, and duplicate uploads under faults.

Builds 240 eMAG-like documents (B2C with and without CNP in every Bucharest
sector and in counties, B2B VAT payers and non-payers, long marketplace titles,
vouchers, discounts, 21 %/11 % VAT, EUR, credit notes) with Odoo's CIUS-RO
builder as corrected by ``l10n_ro_efactura_bridge``, checks them all with the
official rules shipped with the bridge (one child process for the batch), times
the pre-check of 20 of them one by one as the submission job runs it (child
process included), then sends 40 of them through the bridge's
pipeline to the ANAF simulator while it drops upload answers, answers 5xx and
quota errors. Prints exactly::

    ciusro_valid=<documents passing XSD + CIUS-RO>
    ciusro_total=<documents built>
    precheck_ms_p50=<median milliseconds of one invoice's pre-check>
    precheck_ms_p95=<95th percentile of the same>
    duplicate_uploads=<uploads beyond one per invoice during the fault run>
    fault_run_accepted=<invoices of the fault run accepted>
    fault_run_total=<invoices of the fault run>

Run: ``.venv/bin/python tests/bench/bench_efactura.py`` (needs the Odoo tree and
PostgreSQL of ``tools/odoo.sh``). It installs both addons on a throw-away
database, runs itself inside ``odoo-bin shell`` there, and drops the database.
Diagnostics go to stderr.
"""

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

# Under ``odoo-bin shell`` the script comes from stdin: no file, no repository needed.
REPO = Path(__file__).resolve().parents[2] if "__file__" in globals() else None
FIGURES = re.compile(
    r"^(ciusro_valid|ciusro_total|precheck_ms_p\d+|duplicate_uploads|fault_run_\w+)="
)
PG_DEFAULTS = {"PGHOST": "127.0.0.1", "PGPORT": "5432", "PGUSER": "odoo", "PGPASSWORD": "odoo"}
DOCUMENTS = 240
FAULT_RUN = 40
PRECHECK_SAMPLES = 20


def orchestrate():
    """Outside Odoo: fresh database, run this file in ``odoo-bin shell``, drop the database."""
    database = f"efb_bench_{os.getpid()}_{int(time.time())}"
    log = Path("/tmp") / f"{database}.log"
    env = {**os.environ, **{key: os.environ.get(key, value) for key, value in PG_DEFAULTS.items()}}
    # odoo-bin wants its sub-command first: build the command line as tools/odoo.sh does.
    odoo = (
        'source tools/env.sh && exec "$PY" "$ODOO_PATH/odoo-bin" "$@" '
        '--addons-path="$(addons_path)" --db_host="$PGHOST" --db_port="$PGPORT" '
        '--db_user="$PGUSER" --db_password="$PGPASSWORD" --data-dir="$STATE_DIR/data"'
    )

    def odoo_bin(*args, **kwargs):
        command = ["bash", "-c", odoo, "odoo", *args, "-d", database, f"--logfile={log}"]
        return subprocess.run(command, cwd=REPO, env=env, check=False, **kwargs)

    try:
        print(f"installing the addons on {database} ...", file=sys.stderr)
        installed = odoo_bin(
            "-i", "emag_connector,l10n_ro_efactura_bridge", "--stop-after-init", "--http-port=0"
        )
        if installed.returncode:
            raise SystemExit(f"installing the addons failed; see {log}")
        with open(__file__, "rb") as script:
            completed = odoo_bin("shell", "--no-http", stdin=script, capture_output=True)
        stdout = completed.stdout.decode(errors="replace")
        sys.stderr.write(completed.stderr.decode(errors="replace")[-3000:])
        lines = [line for line in stdout.splitlines() if FIGURES.match(line)]
        if len(lines) < 3:
            sys.stderr.write(stdout[-3000:])
            raise SystemExit(f"the benchmark did not complete; see {log}")
        print("\n".join(lines))
    finally:
        subprocess.call(["dropdb", "--if-exists", database], env=env)


# -- inside odoo-bin shell -------------------------------------------------------------


def bench(env):
    from odoo import Command

    from odoo.addons.l10n_ro_efactura_bridge.lib.anaf_simulator import (
        DEFAULT_CLIENT_ID,
        DEFAULT_CLIENT_SECRET,
        AnafSimulator,
    )
    from odoo.addons.l10n_ro_efactura_bridge.services.ciusro_precheck import (
        configured_folder,
        precheck,
        rule_pack,
        validate_documents,
    )
    from odoo.addons.l10n_ro_efactura_bridge.services.efactura_pipeline import (
        EfacturaPipeline,
    )

    def log(message):
        print(message, file=sys.stderr, flush=True)

    ro = env.ref("base.ro")
    # install_mode: no automatic install of extra localisation modules (Peppol...).
    company = (
        env["res.company"]
        .with_context(install_mode=True)
        .create(
            {
                "name": "Bench Vanzator SRL",
                "country_id": ro.id,
                "vat": "RO18547290",
                "company_registry": "J12/1234/2020",
                "street": "Str. Exemplu nr. 1",
                "city": "Cluj-Napoca",
                "zip": "400001",
                "state_id": env.ref("base.RO_CJ").id,
            }
        )
    )
    env = env(context={**env.context, "allowed_company_ids": [company.id]})
    env.user.company_ids |= company
    env["account.chart.template"].try_loading("ro", company=company, install_demo=False)
    env = env(context={**env.context, "allowed_company_ids": [company.id]})
    chart = env["account.chart.template"].with_company(company)
    tax_21, tax_11 = chart.ref("tvac_21"), chart.ref("tvac_11")
    eur = env.ref("base.EUR")
    eur.active = True
    env["res.currency.rate"].create(
        {"currency_id": eur.id, "name": "2026-01-01", "rate": 0.2, "company_id": company.id}
    )

    counties = ["RO_CJ", "RO_IS", "RO_TM", "RO_CT", "RO_BV", "RO_IF", "RO_PH", "RO_SV"]
    partners = []
    for sector in range(1, 7):
        partners.append(
            {
                "name": f"Client Sector {sector}",
                "street": f"Str. Exemplu {sector}, bl. A{sector}, sector {sector}",
                "city": "Bucuresti",
                "zip": f"0{sector}0101",
                "state_id": env.ref("base.RO_B").id,
            }
        )
    for number, county in enumerate(counties):
        partners.append(
            {
                "name": f"Client Judet {number}",
                "street": f"Str. Principala nr. {number + 1}",
                "city": "Localitate",
                "state_id": env.ref(f"base.{county}").id,
                "l10n_ro_efb_cnp": "1800101221144" if number % 2 else False,
            }
        )
    partners.append(
        {
            "name": "Firma Platitoare SRL",
            "is_company": True,
            "vat": "RO43567824",
            "street": "Bd. 21 Decembrie 1989 nr. 10",
            "city": "Cluj-Napoca",
            "state_id": env.ref("base.RO_CJ").id,
        }
    )
    partners.append(
        {
            "name": "Atelier Neplatitor SRL",
            "is_company": True,
            "vat": "14399840",
            "street": "Str. Lunga 3",
            "city": "Brasov",
            "state_id": env.ref("base.RO_BV").id,
        }
    )
    partners = env["res.partner"].create([{**values, "country_id": ro.id} for values in partners])
    title = (
        "Telefon mobil Exemplu X{n}, Dual SIM, 256GB, 12GB RAM, 5G, Midnight Black, "
        "incarcator inclus, husa de protectie si folie de sticla securizata"
    )
    products = env["product.product"].create(
        [{"name": title.format(n=n), "default_code": f"X{n}"} for n in range(5)]
        + [{"name": f"Carte {n}"} for n in range(3)]
    )

    def lines_for(number):
        lines = [
            Command.create(
                {
                    "product_id": products[number % 5].id,
                    "quantity": 1 + number % 3,
                    "price_unit": 99.99 + number,
                    "discount": 10.0 if number % 4 == 0 else 0.0,
                    "tax_ids": [Command.set(tax_21.ids)],
                }
            )
        ]
        if number % 2:
            lines.append(
                Command.create(
                    {
                        "product_id": products[5 + number % 3].id,
                        "quantity": 2,
                        "price_unit": 35.5,
                        "tax_ids": [Command.set(tax_11.ids)],
                    }
                )
            )
        if number % 5 == 0:
            lines.append(
                Command.create(
                    {
                        "name": "Voucher eMAG",
                        "price_unit": -15.0,
                        "tax_ids": [Command.set(tax_21.ids)],
                    }
                )
            )
        return lines

    invoices_count = DOCUMENTS * 5 // 6
    invoices = env["account.move"].create(
        [
            {
                "move_type": "out_invoice",
                "partner_id": partners[number % len(partners)].id,
                "invoice_date": "2026-03-02",
                "currency_id": (eur if number % 10 == 3 else company.currency_id).id,
                "invoice_line_ids": lines_for(number),
            }
            for number in range(invoices_count)
        ]
    )
    invoices.action_post()
    reversal = (
        env["account.move.reversal"]
        .with_context(
            active_model="account.move", active_ids=invoices[: DOCUMENTS - invoices_count].ids
        )
        .create({"reason": "Retur eMAG", "journal_id": invoices[0].journal_id.id})
    )
    reversal.refund_moves()
    credit_notes = invoices[: DOCUMENTS - invoices_count].reversal_move_ids
    credit_notes.action_post()
    documents = invoices | credit_notes

    builder = env["account.edi.xml.ubl_ro"]
    xmls, build_errors = [], 0
    for move in documents:
        xml, errors = builder._export_invoice(move)
        if errors:
            build_errors += 1
            log(f"{move.name}: builder errors {sorted(errors)}")
        xmls.append(xml)
    # Raises (and so stops the benchmark) when saxonche or the rules are missing.
    results = validate_documents(rule_pack(env, configured_folder(env)), xmls)
    valid = sum(1 for problems in results if not problems)
    for move, problems in zip(documents, results, strict=True):
        if problems:
            log(f"{move.name}: {problems[:3]}")
    print(f"ciusro_valid={valid}")
    print(f"ciusro_total={len(documents)}")

    # -- one invoice's pre-check, as the submission job runs it ---------------------
    milliseconds = []
    for xml in xmls[:: len(xmls) // PRECHECK_SAMPLES][:PRECHECK_SAMPLES]:
        started = time.perf_counter()
        precheck(env, xml)
        milliseconds.append((time.perf_counter() - started) * 1000)
    print(f"precheck_ms_p50={statistics.median(milliseconds):.0f}")
    print(f"precheck_ms_p95={statistics.quantiles(milliseconds, n=20)[-1]:.0f}")

    # -- fault run: lost answers, 5xx, quotas -----------------------------------------
    with AnafSimulator(processing_polls=1, use_official_rules=False) as simulator:
        tokens = simulator.issue_tokens()
        company.write(
            {
                "l10n_ro_edi_client_id": DEFAULT_CLIENT_ID,
                "l10n_ro_edi_client_secret": DEFAULT_CLIENT_SECRET,
                "l10n_ro_edi_access_token": tokens["access_token"],
                "l10n_ro_edi_refresh_token": tokens["refresh_token"],
                "l10n_ro_efb_environment": "sandbox",
                "l10n_ro_efb_sandbox_url": simulator.base_url,
            }
        )
        # The offline pre-check is measured above; the fault run is about the protocol.
        env["ir.config_parameter"].set_param(
            "l10n_ro_efactura_bridge.validation_dir", "/nonexistent"
        )
        run = documents[:FAULT_RUN]
        for route in ("upload", "uploadb2c"):
            simulator.set_fault(route, "lost_answer", count=6)
            simulator.set_fault(route, "http_error", status=503, count=3)
        simulator.set_fault("stareMesaj", "http_error", status=500, count=5)
        simulator.set_fault("listaMesajeFactura", "http_error", status=502, count=2)
        simulator.set_fault("descarcare", "daily_limit", count=2)
        run.write({"l10n_ro_efb_state": "to_send"})
        pipeline = EfacturaPipeline(env)
        for _round in range(30):
            active = run.filtered(
                lambda move: move.l10n_ro_efb_state in ("to_send", "sent", "waiting")
            )
            if not active:
                break
            for move in active:
                pipeline.process(move)
            simulator.wait_idle()
        uploads = simulator.uploads()
        numbers = [upload["invoice_number"] for upload in uploads]
        print(f"duplicate_uploads={len(numbers) - len(set(numbers))}")
        accepted = len(run.filtered(lambda move: move.l10n_ro_efb_state == "accepted"))
        print(f"fault_run_accepted={accepted}")
        print(f"fault_run_total={len(run)}")
        if build_errors:
            log(f"{build_errors} documents had builder errors")


if "env" in globals():
    bench(env)  # noqa: F821 - provided by odoo-bin shell
    env.cr.rollback()  # noqa: F821
elif __name__ == "__main__":
    orchestrate()
