"""Pricing routes against the simulator: buy button in the batched read-back,
Smart Deals, commission estimate, campaigns and their freeze."""

from datetime import timedelta
from decimal import Decimal

from emag_api_support import USER, catalogue_offer
from hypothesis import given, settings
from hypothesis import strategies as st

from emag_api.errors import EmagValidationError
from emag_simulator import EmagSimulator


def _read(client, offer_id):
    return client.read_product_offers(id=offer_id)[0]


def test_lowest_price_wins_the_buy_button_and_ties_go_by_rank(api_sim, api_client):
    api_sim.set_competitors(USER, 1, [(18.5, 1), (19.0, 9)])
    item = _read(api_client, 1)
    assert (item["buy_button_rank"], item["number_of_offers"]) == (3, 3)
    assert Decimal(item["best_offer_sale_price"]) == Decimal("18.5")
    api_client.save_offers([{"id": 1, "sale_price": 18.5}])
    # same price as the rank-1 seller: the tie goes to the better rank (ours is 5)
    assert _read(api_client, 1)["buy_button_rank"] == 2
    api_client.save_offers([{"id": 1, "sale_price": 18.49}])
    item = _read(api_client, 1)
    assert item["buy_button_rank"] == 1
    assert Decimal(item["best_offer_sale_price"]) == Decimal("18.49")


def test_competitors_are_seeded_and_stable_across_reads(api_sim, api_client):
    pages = [api_client.read_product_offers(), api_client.read_product_offers()]
    ranks = [[(i["buy_button_rank"], i["number_of_offers"]) for i in page] for page in pages]
    assert ranks[0] == ranks[1]
    assert api_sim.competitors(USER, 2) == api_sim.competitors(USER, 2)


def test_smart_deals_and_commission_estimate(api_sim, api_client):
    api_sim.set_smart_deals_price(USER, 1, 17.25)
    assert api_client.read_smart_deals_price(1) == Decimal("17.2500")
    # category 3120 (the catalogue's cables) costs 12 % in the simulator
    assert api_client.read_commission_estimate(1) == Decimal("12.0000")


def test_campaign_proposal_answers_per_offer_and_freezes_the_offer(api_sim, api_client):
    now = api_sim.account(USER).now()
    api_sim.add_campaign(
        USER, 77, "Black Friday", now + timedelta(hours=1), now + timedelta(days=2), min_discount=5
    )
    assert [c["name"] for c in api_client.read_campaigns()] == ["Black Friday"]
    common = {"campaign_id": 77, "stock": 5, "max_qty_per_order": 2, "voucher_discount": 10}
    report = api_client.save_campaign_proposals(
        [
            {"id": 1, "sale_price": 18.0, **common},
            {"id": 2, "sale_price": 19.9, **common},  # only 0.5 % below 20
            {"id": 3, "sale_price": 17.0, **common, "post_campaign_sale_price": 20.0},
        ]
    )
    by_key = report.by_key()
    assert by_key[1].ok and by_key[3].ok
    assert not by_key[2].ok
    assert "at least 5% below" in " ".join(by_key[2].messages)
    assert set(api_sim.campaign_proposals(USER)) == {(77, 1), (77, 3)}

    api_sim.clock.advance(hours=2)
    refused = api_client.save_offers([{"id": 1, "sale_price": 19.0}]).outcomes[0]
    assert isinstance(refused.error, EmagValidationError)
    assert "active campaign Black Friday" in " ".join(refused.messages)
    # an offer outside the campaign moves freely
    assert api_client.save_offers([{"id": 2, "sale_price": 19.0}]).ok


_prices = st.decimals(min_value="1", max_value="100", places=2)


@settings(max_examples=60, deadline=None)
@given(own=_prices, rivals=st.lists(st.tuples(_prices, st.integers(1, 9)), max_size=4))
def test_buy_button_rule_against_an_independent_reading(own, rivals):
    """Lowest price wins; a tie goes to the better rank, a tie of both to the rival."""
    sim = EmagSimulator(seed=3, rate_limits=False)  # in-process: no server needed
    sim.add_account(USER, "pw", platform="emag_ro")
    sim.add_offer(USER, catalogue_offer(1, sale_price=str(own), min_sale_price=0.5))
    sim.set_competitors(USER, 1, [(str(price), rank) for price, rank in rivals])
    view = sim.get_offer(USER, 1)
    own_rank = sim.account(USER).seller_rank
    beaten_by = [
        (price, rank)
        for price, rank in rivals
        if price < own or (price == own and rank <= own_rank)
    ]
    assert view["buy_button_rank"] == len(beaten_by) + 1
    assert view["number_of_offers"] == len(rivals) + 1
    best = min([own, *(price for price, _rank in rivals)])
    assert Decimal(view["best_offer_sale_price"]) == best
