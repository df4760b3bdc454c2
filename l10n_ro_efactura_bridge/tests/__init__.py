from . import test_efactura_documents
from . import test_efactura_lifecycle
from . import test_emag_policy
from . import test_emag_fulfilment
