"""The clearing journal and the receivable of one eMAG account.

Every payment eMAG collects for the seller goes through a journal of its own
("eMAG RO clearing"), whose outstanding account is what eMAG owes the seller:
the customer's invoice is paid (receivable credited), eMAG's debt grows
(clearing debited). eMAG's payout, once in the bank, settles that debt.

Made with defaults the first time the account needs them; the accountant may
pick other ones on the account afterwards (an existing journal, the chart's own
461 account), and then these are used.
"""

from odoo.fields import Command
from odoo.tools.translate import LazyTranslate

from ..common import labels

_lt = LazyTranslate(__name__)

# Where the clearing account's code starts: 461 is "Debitori diverși" in the
# Romanian chart; another chart gets the first free code after it.
CLEARING_CODE = "4611"


def ensure_clearing(account):
    """The clearing journal of ``account``, made (with its account) when missing."""
    if account.money_journal_id:
        return account.money_journal_id
    env = account.env
    company = account.company_id
    Account = env["account.account"].with_company(company)
    clearing = account.money_clearing_account_id
    if not clearing:
        clearing = Account.create(
            {
                "name": labels.render(env, _lt("eMAG %(name)s owes (clearing)", name=account.name)),
                "code": Account._search_new_account_code(CLEARING_CODE, cache=set()),
                "account_type": "asset_current",
                "reconcile": True,
            }
        )
    journal_values = {
        "name": labels.render(env, _lt("eMAG %(name)s clearing", name=account.name)),
        "code": _free_journal_code(env, company, account),
        "type": "bank",
        "company_id": company.id,
    }
    if account.currency_id and account.currency_id != company.currency_id:
        journal_values["currency_id"] = account.currency_id.id
    journal = env["account.journal"].create(journal_values)
    for line in journal.inbound_payment_method_line_ids | journal.outbound_payment_method_line_ids:
        line.payment_account_id = clearing
    account.write({"money_journal_id": journal.id, "money_clearing_account_id": clearing.id})
    ensure_reconcile_model(account)
    return journal


def clearing_account(account):
    """The account of what eMAG owes the seller (the journal's outstanding one)."""
    journal = ensure_clearing(account)
    return (
        account.money_clearing_account_id
        or (journal.inbound_payment_method_line_ids.payment_account_id[:1])
    )


def _free_journal_code(env, company, account):
    """``EMRO``, ``EMBG``, … or the first free ``EMRO2``… (codes are unique per company)."""
    base = "EM" + (account.platform or "").removeprefix("emag_").upper()[:3]
    Journal = env["account.journal"].with_context(active_test=False)
    code, suffix = base, 1
    while Journal.search_count([("company_id", "=", company.id), ("code", "=", code)]):
        suffix += 1
        code = f"{base[:4]}{suffix}"
    return code


def manual_rule(Model):
    """A rule a person applies from the bank widget: 19.0's ``trigger``,
    ``rule_type`` before it."""
    if "trigger" in Model._fields:
        return {"trigger": "manual"}
    return {"rule_type": "writeoff_button"}


def ensure_reconcile_model(account):
    """The reconciliation model "eMAG <account> payout": a bank line whose label
    mentions eMAG goes to the clearing account, in one click."""
    Model = account.env["account.reconcile.model"]
    name = labels.render(account.env, _lt("eMAG %(name)s payout", name=account.name))
    model = Model.search([("company_id", "=", account.company_id.id), ("name", "=", name)], limit=1)
    if model:
        return model
    return Model.create(
        {
            "name": name,
            "company_id": account.company_id.id,
            **manual_rule(Model),
            "match_label": "contains",
            "match_label_param": "eMAG",
            "line_ids": [
                Command.create(
                    {
                        "account_id": account.money_clearing_account_id.id,
                        "amount_type": "percentage",
                        "amount_string": "100",
                        "label": name,
                    }
                )
            ],
        }
    )
