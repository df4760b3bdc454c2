"""Money moving on eMAG over time: COD cashed some days after finalization,
refunds, each change bumping ``modified`` so an order poll sees it."""

from emag_sim_support import USER


def test_cod_is_cashed_days_after_finalization_and_bumps_modified(esim):
    order = esim.create_order(USER, status=4, payment_mode_id=1)
    waiting = esim.create_order(USER, status=2, payment_mode_id=1)
    assert esim.settle_money(USER, cod_after_days=3) == []
    esim.clock.advance(days=3)
    assert esim.settle_money(USER, cod_after_days=3) == [order["id"]]
    paid = esim.get_order(USER, order["id"])
    assert paid["payment_status"] == 1
    assert paid["cashed_cod"] > 0
    assert paid["modified"] > order["modified"]
    assert esim.get_order(USER, waiting["id"])["payment_status"] == 0
    assert esim.settle_money(USER, cod_after_days=3) == [], "cashed once"


def test_refund_is_a_running_total_with_its_status(esim, esim_api):
    order = esim.create_order(USER, status=4, payment_mode_id=3)
    esim.clock.advance(minutes=5)
    esim.refund_order(USER, order["id"], 12.5)
    read = esim_api.call("order/read", {"id": order["id"]})["results"][0]
    assert read["refunded_amount"] == "12.50"
    assert read["refund_status"] == "completed"
    assert read["modified"] > order["modified"]
