from . import account_edi_xml_ubl_ro
from . import account_move
from . import emag_account
from . import res_company
from . import res_config_settings
from . import res_partner
from . import account_move_emag_fulfilment
