from . import emag_offer_publish_wizard
from . import emag_order_cancel
from . import emag_rma_wizards
from . import emag_offer_takeover_summary
from . import emag_stock_allocation_preview
from . import emag_campaign_propose_wizard
