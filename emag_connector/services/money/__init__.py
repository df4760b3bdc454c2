"""Money: what eMAG cashed for the seller, what it paid back, and what the books show of it.

- ``setup.py``: per account, the clearing journal ("eMAG <platform> clearing")
  and the account of what eMAG owes the seller, made with defaults when first
  needed, editable afterwards;
- ``payments.py``: eMAG's payment figures of an order (``payment_status``,
  ``cashed_co``, ``cashed_cod``, ``refunded_amount``) kept on the order
  binding by the order poll, and turned into payments on the order's invoices
  and refund payments on its credit notes through the clearing journal, in a
  job, idempotently (a changed figure is corrected, never duplicated);
- ``overdue.py``: the exception-report lines of the money that does not come
  (COD not cashed some days after delivery, a card order not paid).
"""
