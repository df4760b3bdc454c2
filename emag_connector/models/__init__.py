from . import emag_account
from . import emag_rate_limit
from . import emag_api_log
