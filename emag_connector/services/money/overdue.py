"""Exception-report lines of the money that does not come, with its age.

- a cash-on-delivery order finalized ``money_cod_days`` ago or more whose
  cash eMAG has not reported (``payment_status`` still 0);
- a card order placed ``money_card_days`` ago or more, not canceled, still
  not paid;
- an order whose payment Odoo refused to register (``money_message``).

Like every line of the report, they are derived from the bindings each time,
so an order leaves the report at the poll that brings its money.
"""

from datetime import timedelta

from ..operations.exception_report import ERROR, WARNING, ExceptionLine, short
from ..orders import status as order_status

KINDS = [
    ("money_uncashed", "Money not received from eMAG"),
    ("money_refused", "eMAG payment not registered"),
]


def unpaid_orders(scope):
    Order = scope.env["emag.order"]
    for account in scope.accounts:
        base = [
            ("account_id", "=", account.id),
            ("state", "=", "imported"),
            ("emag_paid", "=", False),
            ("sale_order_id.state", "!=", "cancel"),
        ]
        # (mode, the date the delay runs from, delay in days, extra domain)
        rules = (
            (
                "cod",
                "emag_finalized_at",
                account.money_cod_days,
                [("emag_status", "=", str(order_status.FINALIZED))],
            ),
            (
                "card",
                "emag_date",
                account.money_card_days,
                [("emag_status", "!=", str(order_status.CANCELED))],
            ),
        )
        for mode, since_field, days, extra in rules:
            late = Order.search(
                base
                + extra
                + [
                    ("emag_payment_mode", "=", mode),
                    (since_field, "<", scope.now - timedelta(days=days)),
                ]
            )
            for binding in late:
                yield _uncashed(scope, binding, mode, binding[since_field])
    refused = Order.search(
        [("account_id", "in", scope.accounts.ids), ("money_message", "!=", False)]
    )
    for binding in refused:
        yield ExceptionLine(
            kind="money_refused",
            severity=ERROR,
            account=binding.account_id,
            record=binding,
            message=short(binding.money_message),
            action_label=scope.env._("Read again"),
            action_method="action_retry",
            since=binding.write_date,
        )


def _uncashed(scope, binding, mode, since):
    amount = f"{binding.emag_total:.2f} {binding.currency_id.name}"
    days = (scope.now - since).days
    if mode == "cod":
        message = scope.env._(
            "Cash on delivery of %(amount)s not cashed by eMAG %(days)s days after "
            "the order was finalized.",
            amount=amount,
            days=days,
        )
    else:
        message = scope.env._(
            "Card payment of %(amount)s not received %(days)s days after the order.",
            amount=amount,
            days=days,
        )
    return ExceptionLine(
        kind="money_uncashed",
        severity=WARNING,
        account=binding.account_id,
        record=binding,
        message=short(message),
        action_label=scope.env._("Read again"),
        action_method="action_retry",
        since=since,
    )
