"""The staff door: the back office."""

from portal.staff.auth import StaffAuthController
from portal.staff.dashboard import DashboardController
from portal.staff.orders import StaffOrdersController

ROUTES = [StaffAuthController, DashboardController, StaffOrdersController]
