"""Tables of the portal. Importing this package registers every model on ``Base.metadata``."""

from portal.db import admin, billing, catalog, customers, fulfilment, orders, outbox, staff  # noqa: F401
from portal.db.base import Base

metadata = Base.metadata
