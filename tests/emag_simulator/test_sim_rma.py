"""Returns: the §12.2 matrix generated from the simulator's table, reads and filters."""

import pytest
from emag_sim_support import USER

from emag_simulator import RMA_STATUS_TRANSITIONS, RMA_STATUSES

PAIRS = [(cur, new) for cur in RMA_STATUSES for new in RMA_STATUSES if new != 1]


@pytest.fixture
def returned(esim):
    order = esim.create_order(USER, status=4)
    return esim.create_return(USER, order["id"])


@pytest.mark.parametrize(("current", "requested"), PAIRS)
def test_rma_status_matrix(esim, esim_api, returned, current, requested):
    esim.set_return_status(USER, returned["emag_id"], current)
    body = esim_api.save(
        "rma/save", {"emag_id": returned["emag_id"], "type": 3, "request_status": requested}
    )
    allowed = requested in RMA_STATUS_TRANSITIONS.get(current, ())
    assert body["isError"] is not allowed, body
    expected = requested if allowed else current
    assert esim.get_return(USER, returned["emag_id"])["request_status"] == expected


def test_rma_save_requires_matching_type_and_updates_lines(esim, esim_api, returned):
    line_id = returned["products"][0]["id"]
    entity = {"emag_id": returned["emag_id"], "request_status": 3}
    assert esim_api.save("rma/save", entity)["isError"] is True
    assert esim_api.save("rma/save", {**entity, "type": 2})["isError"] is True
    body = esim_api.save(
        "rma/save",
        {**entity, "type": 3, "products": [{"id": line_id, "diagnostic": "Rezistență arsă"}]},
    )
    assert body["isError"] is False
    saved = esim.get_return(USER, returned["emag_id"])
    assert saved["request_status"] == 3
    assert saved["products"][0]["diagnostic"] == "Rezistență arsă"
    assert saved["request_history"][-1]["source"] == "api"


def test_rma_read_shape_and_filters(esim, esim_api, returned):
    body = esim_api.call("rma/read", {"request_status": 2, "type": 3})
    assert body["errors"] == [] and len(body["results"]) == 1
    rma = body["results"][0]
    assert rma["order_id"] == str(returned["order_id"]) and rma["locker"] == []
    assert esim_api.call("rma/read", {"request_status": 3})["results"] == []
    window = {"date_start": "2000-01-01 00:00:00", "date_end": "2000-01-02 00:00:00"}
    assert esim_api.call("rma/read", window)["results"] == []
    by_product = {"product_id": rma["products"][0]["product_id"]}
    assert esim_api.call("rma/count", by_product)["results"]["noOfItems"] == 1
