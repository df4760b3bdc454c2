from . import emag_account
from . import emag_rate_limit
