"""Order and return status matrices driven through the client.

The cases are generated from the simulator's own tables (doc §9.2 and §12.2),
so every cell — allowed or refused — is exercised over HTTP: the client must
report success exactly when eMAG applies the change, and a validation error
(with the state untouched) otherwise.
"""

from datetime import timedelta

import pytest
from emag_api_support import USER

from emag_api import EmagValidationError
from emag_simulator import (
    ORDER_STATUS_TRANSITIONS,
    ORDER_STATUSES,
    RMA_STATUS_TRANSITIONS,
    RMA_STATUSES,
    transition_window,
)

ORDER_CELLS = [(current, new) for current in ORDER_STATUSES for new in ORDER_STATUSES]
WINDOWED = [pair for pair, rule in ORDER_STATUS_TRANSITIONS.items() if rule.window_from]
SELLER_RMA_STATUSES = [status for status in RMA_STATUSES if status != 1]


def order_in_status(sim, client, status):
    """An order moved to ``status`` just now, as the client reads it."""
    order = sim.create_order(USER, status=2, payment_mode_id=1)
    sim.set_order_status(USER, order["id"], status)
    return client.read_orders(id=order["id"])[0]


def save_status(client, order, status):
    entity = {**order, "status": status}
    if status == 0:
        entity["reason_cancellation"] = 1
    client.save_order(entity)


@pytest.mark.parametrize(("current", "new"), ORDER_CELLS)
def test_order_status_matrix(api_sim, api_client, current, new):
    order = order_in_status(api_sim, api_client, current)
    rule = ORDER_STATUS_TRANSITIONS.get((current, new))
    if rule is not None and rule.via == "order/save":
        save_status(api_client, order, new)
        assert api_sim.get_order(USER, order["id"])["status"] == new
    else:
        with pytest.raises(EmagValidationError) as caught:
            save_status(api_client, order, new)
        assert str(order["id"]) in caught.value.message
        assert api_sim.get_order(USER, order["id"])["status"] == current


@pytest.mark.parametrize("current", list(ORDER_STATUSES))
def test_acknowledge_column(api_sim, api_client, current):
    order = order_in_status(api_sim, api_client, current)
    api_client.acknowledge_order(order["id"])
    expected = (
        2
        if (current, 2) in ORDER_STATUS_TRANSITIONS
        and (ORDER_STATUS_TRANSITIONS[(current, 2)].via == "order/acknowledge")
        else current
    )
    assert api_sim.get_order(USER, order["id"])["status"] == expected


@pytest.mark.parametrize(("current", "new"), WINDOWED)
def test_order_time_windows_close(api_sim, api_client, current, new):
    order = order_in_status(api_sim, api_client, current)
    rule = ORDER_STATUS_TRANSITIONS[(current, new)]
    window = transition_window(rule, api_sim.account(USER))
    api_sim.clock.advance(hours=window / timedelta(hours=1) + 1)
    with pytest.raises(EmagValidationError, match="time allowed"):
        save_status(api_client, order, new)
    assert api_sim.get_order(USER, order["id"])["status"] == current


@pytest.mark.parametrize(
    ("current", "new"),
    [(current, new) for current in RMA_STATUS_TRANSITIONS for new in SELLER_RMA_STATUSES],
)
def test_return_status_matrix(api_sim, api_client, current, new):
    order = api_sim.create_order(USER, status=4)
    rma = api_sim.create_return(USER, order["id"])
    api_sim.set_return_status(USER, rma["emag_id"], current)
    entity = {"emag_id": rma["emag_id"], "type": 3, "request_status": new}
    if new in RMA_STATUS_TRANSITIONS[current]:
        api_client.save_rma(entity)
        assert api_sim.get_return(USER, rma["emag_id"])["request_status"] == new
    else:
        with pytest.raises(EmagValidationError, match=str(rma["emag_id"])):
            api_client.save_rma(entity)
        assert api_sim.get_return(USER, rma["emag_id"])["request_status"] == current
