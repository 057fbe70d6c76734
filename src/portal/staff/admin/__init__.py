"""Administration (admin role only): catalog, customer accounts, staff users, settings, audit log."""

from portal.staff.admin.accounts import AdminAccountsController
from portal.staff.admin.audit import AdminAuditController
from portal.staff.admin.index import AdminIndexController
from portal.staff.admin.products import AdminProductsController
from portal.staff.admin.settings import AdminSettingsController
from portal.staff.admin.users import AdminStaffUsersController

ROUTES = [
    AdminIndexController,
    AdminProductsController,
    AdminAccountsController,
    AdminStaffUsersController,
    AdminSettingsController,
    AdminAuditController,
]
