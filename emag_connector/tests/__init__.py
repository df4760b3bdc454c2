from . import test_emag_account
from . import test_rate_limiter
from . import test_emag_offer
from . import test_document_link
