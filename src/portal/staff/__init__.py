"""The staff door: the back office."""

from portal.staff.admin import ROUTES as ADMIN_ROUTES
from portal.staff.aftersales import AftersalesCasesController
from portal.staff.aftersales_queue import AftersalesQueueController
from portal.staff.auth import StaffAuthController
from portal.staff.dashboard import DashboardController
from portal.staff.finance import ROUTES as FINANCE_ROUTES
from portal.staff.order_entry import StaffOrderEntryController
from portal.staff.orders import StaffOrdersController
from portal.staff.production import ProductionController
from portal.staff.returns import StaffReturnsController
from portal.staff.review import ReviewController
from portal.staff.settlement import SettlementController
from portal.staff.shipping import ShippingController, revoke_tracking_links

ROUTES = [
    StaffAuthController,
    AftersalesCasesController,
    AftersalesQueueController,
    StaffReturnsController,
    DashboardController,
    ReviewController,
    StaffOrderEntryController,
    StaffOrdersController,
    ProductionController,
    ShippingController,
    revoke_tracking_links,
    *FINANCE_ROUTES,
    SettlementController,
    *ADMIN_ROUTES,
]
