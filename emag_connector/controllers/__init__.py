from . import document
from . import order_callback
