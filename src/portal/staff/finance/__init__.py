"""Finance's pages under /staff/finance: invoices and credit notes, payments (收款, 核销), bank statements."""

from portal.staff.finance.bank import BankController
from portal.staff.finance.invoices import FinanceController
from portal.staff.finance.payments import PaymentsController

ROUTES = [FinanceController, PaymentsController, BankController]
