"""The customer door: pages for buyers of customer companies."""

from portal.customer.auth import CustomerAuthController
from portal.customer.cart import CartController
from portal.customer.catalog import CatalogController
from portal.customer.checkout import CheckoutController
from portal.customer.complaints import ComplaintsController
from portal.customer.confirmation import ConfirmationController
from portal.customer.invoices import InvoicesController
from portal.customer.notifications import NotificationSettingsController
from portal.customer.order_changes import OrderChangesController
from portal.customer.orders import OrdersController
from portal.customer.receipt import ReceiptController
from portal.customer.returns import ReturnRequestController, ReturnsController
from portal.customer.statement import StatementController
from portal.customer.surveys import OrderSurveyController

ROUTES = [
    CustomerAuthController,
    CartController,
    CheckoutController,
    ConfirmationController,
    OrderChangesController,
    OrdersController,
    ReceiptController,
    ComplaintsController,
    ReturnRequestController,
    ReturnsController,
    OrderSurveyController,
    InvoicesController,
    StatementController,
    NotificationSettingsController,
    CatalogController,
]
