from . import document
from . import order_callback
from . import rma_callback
