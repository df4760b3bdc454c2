"""Pricing flow: what an offer earns, the band its price stays in, the repricer, campaigns.

* :mod:`.economics` (pure): margin after eMAG's commission and shipping, the
  price floor (minimum margin, never below cost) and ceiling;
* :mod:`.rules` (pure): repricing rules (match the best offer minus X, reach
  the Smart Deals price, keep the list price), the daily limit;
* :mod:`.bounds`: the one place every price push passes through: the price of
  each offer held between its floor and ceiling, saying which bound it used,
  and the campaign freeze;
* :mod:`.market`: the competition read back in the batched ``product_offer/read``,
  the commission estimate and the Smart Deals price cached with their dates;
* :mod:`.repricer`: a repricing round of an account (dry run or for real);
* :mod:`.campaigns`: eMAG campaigns and proposals.
"""
