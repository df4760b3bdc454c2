from . import emag_offer_publish_wizard
