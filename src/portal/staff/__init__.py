"""The staff door: the back office."""

from portal.staff.admin import ROUTES as ADMIN_ROUTES
from portal.staff.auth import StaffAuthController
from portal.staff.dashboard import DashboardController
from portal.staff.order_entry import StaffOrderEntryController
from portal.staff.orders import StaffOrdersController
from portal.staff.review import ReviewController

ROUTES = [
    StaffAuthController,
    DashboardController,
    ReviewController,
    StaffOrderEntryController,
    StaffOrdersController,
    *ADMIN_ROUTES,
]
