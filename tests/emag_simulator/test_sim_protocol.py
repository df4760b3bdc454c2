"""Gateway and envelope behaviour: auth, IP whitelist, routing, body shapes, limits."""

import requests
from emag_sim_support import PASSWORD, USER, Api, make_simulator, order_lines

from emag_simulator import MAX_INPUT_VARS

NOT_ALLOWED = {"isError": True, "messages": ["You are not allowed to use this API."], "results": []}


def test_wrong_password_gets_403_envelope(esim):
    response = Api(esim, USER, "wrong").post("vat/read")
    assert response.status_code == 403
    assert response.json() == NOT_ALLOWED


def test_unknown_user_and_missing_auth_get_403(esim):
    assert Api(esim, "nobody@example.ro", PASSWORD).post("vat/read").status_code == 403
    response = requests.post(f"{esim.base_url}/vat/read", timeout=5)
    assert response.status_code == 403
    assert response.json() == NOT_ALLOWED


def test_loopback_ip_checked_against_whitelist(esim, esim_api):
    esim.configure_account(USER, allowed_ips=["127.0.0.1"])
    assert esim_api.call("vat/read")["isError"] is False
    esim.configure_account(USER, allowed_ips=["198.51.100.10"])
    body = esim_api.call("vat/read")
    assert body["isError"] is True
    assert body["messages"] == ["ERROR: Invalid vendor ip [127.0.0.1]"]


def test_refuse_all_ips_reports_configured_ip_with_http_200(esim, esim_api):
    esim.configure_account(USER, refuse_ip="203.0.113.7")
    response = esim_api.post("order/read", {})
    assert response.status_code == 200
    assert response.json() == {
        "isError": True,
        "messages": ["ERROR: Invalid vendor ip [203.0.113.7]"],
        "results": [],
    }


def test_unknown_route_is_gateway_404(esim_api):
    response = esim_api.post("no_such/read")
    assert response.status_code == 404
    assert response.json() == {"message": "Invalid URL"}


def test_wrong_method_is_405(esim, esim_api):
    response = esim_api.session.get(f"{esim.base_url}/order/read", timeout=5)
    assert response.status_code == 405


def test_order_read_envelope_has_errors_key(esim, esim_api):
    esim.create_order(USER)
    body = esim_api.call("order/read", {})
    assert set(body) == {"isError", "messages", "results", "errors"}
    assert body["isError"] is False and body["errors"] == []
    assert esim_api.post("order/read").headers["Content-Type"].startswith("application/json")


def test_filters_accepted_top_level_under_data_and_form_encoded(esim, esim_api):
    order = esim.create_order(USER, status=1)
    esim.create_order(USER, status=3)
    top = esim_api.call("order/read", {"status": 1})["results"]
    nested = esim_api.call("order/read", {"data": {"status": 1}})["results"]
    form = esim_api.post("order/read", data={"data[status]": "1"}).json()["results"]
    assert [o["id"] for o in top] == [o["id"] for o in nested] == [o["id"] for o in form]
    assert [o["id"] for o in top] == [order["id"]]


def test_strict_mode_ignores_filters_under_data_on_reads():
    sim = make_simulator(strict=True)
    with sim:
        sim.create_order(USER, status=1)
        sim.create_order(USER, status=3)
        api = Api(sim)
        assert len(api.call("order/read", {"data": {"status": 1}})["results"]) == 2
        assert len(api.call("order/read", {"status": 1})["results"]) == 1


def test_save_accepts_bare_list_and_object_unless_strict(esim, esim_api):
    order = esim.create_order(USER, status=2)
    entity = {"id": order["id"], "status": 3}
    assert esim_api.call("order/save", [entity])["isError"] is False
    assert esim.get_order(USER, order["id"])["status"] == 3
    with make_simulator(strict=True) as strict_sim:
        other = strict_sim.create_order(USER, status=2)
        body = Api(strict_sim).call("order/save", [{"id": other["id"], "status": 3}])
        assert body["isError"] is True
        assert strict_sim.get_order(USER, other["id"])["status"] == 2


def test_form_encoded_save_is_understood(esim, esim_api):
    order = esim.create_order(USER, status=2)
    response = esim_api.post(
        "order/save", data={"data[0][id]": str(order["id"]), "data[0][status]": "3"}
    )
    assert response.json()["isError"] is False
    assert esim.get_order(USER, order["id"])["status"] == 3


def test_more_than_4000_input_vars_refused_and_nothing_saved(esim, esim_api):
    offer = {
        "id": 1004,
        "sale_price": 30,
        "status": 1,
        "vat_id": 1,
        "stock": [{"warehouse_id": 1, "value": 5}],
        "characteristics": [{"id": 9001, "value": f"{n} m"} for n in range(MAX_INPUT_VARS)],
    }
    body = esim_api.save("product_offer/save", offer)
    assert body == {
        "isError": True,
        "messages": ["Maximum input vars of 4000 exceeded"],
        "results": [],
    }
    assert esim.get_offer(USER, 1004)["sale_price"] == "24.7934"


def test_more_than_50_entities_refused(esim, esim_api):
    offers = [{"id": 1004, "sale_price": 30} for _ in range(51)]
    body = esim_api.save("offer/save", *offers)
    assert body["isError"] is True
    assert "50" in body["messages"][0]
    assert esim.get_offer(USER, 1004)["sale_price"] == "24.7934"


def test_request_record_keeps_route_body_and_user(esim, esim_api):
    order = esim.create_order(USER, lines=order_lines(1))
    esim_api.call("order/read", {"id": order["id"]})
    esim_api.post(f"order/acknowledge/{order['id']}")
    Api(esim, "intruder", "x").post("vat/read")
    reads = esim.received(route="order/read")
    assert len(reads) == 1
    assert reads[0].body == {"id": order["id"]} and reads[0].username == USER
    assert reads[0].status == 200 and reads[0].client_ip == "127.0.0.1"
    assert [r.route for r in esim.received(username=USER)] == ["order/read", "order/acknowledge"]
    assert esim.received(username="intruder")[0].status == 403
