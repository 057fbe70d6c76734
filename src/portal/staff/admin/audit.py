"""The audit log of administrative changes, newest first."""

from __future__ import annotations

from litestar import Controller, Request, get
from litestar.di import NamedDependency
from litestar.params import FromQuery
from litestar.response import Template
from sqlalchemy.ext.asyncio import AsyncSession

from portal.domain.audit import log as audit_log
from portal.staff.admin.common import ADMIN_ONLY, list_page


class AdminAuditController(Controller):
    path = "/staff/admin/audit"
    guards = ADMIN_ONLY

    @get("/")
    async def index(
        self,
        request: Request,
        db: NamedDependency[AsyncSession],
        entity: FromQuery[str | None] = None,
        after: FromQuery[str | None] = None,
    ) -> Template:
        entity = entity if entity in audit_log.ENTITY_LABELS else ""
        return list_page(
            request,
            "staff/admin/audit.html",
            await audit_log.recent(db, entity=entity, after=after or ""),
            rows="entries",
            entity=entity,
            entity_labels=audit_log.ENTITY_LABELS,
            audit_actions=audit_log.ACTION_LABELS,
            field_label=audit_log.field_label,
        )
