"""The customer door: pages for buyers of customer companies."""

from portal.customer.auth import CustomerAuthController
from portal.customer.orders import OrdersController

ROUTES = [CustomerAuthController, OrdersController]
