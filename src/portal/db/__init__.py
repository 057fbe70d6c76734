"""Tables of the portal. Importing this package registers every model on ``Base.metadata``."""

from portal.db import (  # noqa: F401
    admin,
    aftersales,
    billing,
    catalog,
    customers,
    fulfilment,
    orders,
    outbox,
    returns,
    staff,
    surveys,
)
from portal.db.base import Base

metadata = Base.metadata
