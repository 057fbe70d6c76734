"""Demo data for development (`portal seed-demo`, `make run`): created once, never overwritten."""

from __future__ import annotations

from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from portal.auth.passwords import hash_password
from portal.db.billing import BankProfile
from portal.db.catalog import Product
from portal.db.customers import Address, CustomerAccount, CustomerUser
from portal.db.demo_labels import labels_for
from portal.db.demo_orders import seed_orders
from portal.db.engine import make_engine, make_sessionmaker
from portal.db.fulfilment import Carrier
from portal.db.orders import Order
from portal.db.staff import StaffUser
from portal.domain.orders import states

DEMO_PASSWORD = "demo-password"
STAFF = [
    ("sales@example.com", "Sales Demo 销售", ["sales"]),
    ("reviewer@example.com", "Reviewer Demo 审核", ["reviewer"]),
    ("approver@example.com", "Approver Demo 审批", ["approver"]),
    ("production@example.com", "Production Demo 生产", ["production"]),
    ("logistics@example.com", "Logistics Demo 物流", ["logistics"]),
    ("finance@example.com", "Finance Demo 财务", ["finance"]),
    ("aftersales@example.com", "After-sales Demo 售后", ["aftersales"]),
    (
        "admin@example.com",
        "Admin Demo 管理员",
        ["sales", "reviewer", "approver", "production", "logistics", "finance", "aftersales", "admin"],
    ),
]
# sku, zh name, en name, category, unit, price, stock, lead days, made to order, spec options
# fmt: off
PRODUCTS = [
    ('PMP-100', '离心泵 100型', 'Centrifugal pump 100', 'pumps', 'pcs', '4800.00', 40, 7, False, {'voltage': ['220V', '380V'], 'seal': ['mechanical', 'packing']}),
    ('PMP-200', '离心泵 200型', 'Centrifugal pump 200', 'pumps', 'pcs', '7600.00', 12, 10, False, {'voltage': ['380V'], 'seal': ['mechanical']}),
    ('PMP-350', '多级泵 350型', 'Multistage pump 350', 'pumps', 'pcs', '15800.00', 0, 30, True, {'voltage': ['380V', '660V'], 'stages': ['4', '6', '8']}),
    ('VLV-DN50', '闸阀 DN50', 'Gate valve DN50', 'valves', 'pcs', '680.00', 300, 5, False, {'material': ['cast iron', 'stainless steel'], 'pressure': ['PN16', 'PN25']}),
    ('VLV-DN80', '闸阀 DN80', 'Gate valve DN80', 'valves', 'pcs', '920.00', 150, 5, False, {'material': ['cast iron', 'stainless steel'], 'pressure': ['PN16', 'PN25']}),
    ('VLV-BF100', '蝶阀 DN100', 'Butterfly valve DN100', 'valves', 'pcs', '1150.00', 80, 7, False, {'actuator': ['manual', 'electric', 'pneumatic']}),
    ('VLV-CHK65', '止回阀 DN65', 'Check valve DN65', 'valves', 'pcs', '540.00', 0, 14, False, {'material': ['cast iron', 'bronze']}),
    ('MTR-5K5', '三相电机 5.5kW', 'Three-phase motor 5.5 kW', 'motors', 'pcs', '3200.00', 25, 10, False, {'poles': ['2', '4'], 'mounting': ['B3', 'B5', 'B35']}),
    ('MTR-11K', '三相电机 11kW', 'Three-phase motor 11 kW', 'motors', 'pcs', '5600.00', 8, 14, False, {'poles': ['2', '4', '6'], 'mounting': ['B3', 'B35']}),
    ('MTR-45K', '防爆电机 45kW', 'Explosion-proof motor 45 kW', 'motors', 'pcs', '28600.00', 0, 45, True, {'protection': ['Ex d IIB T4', 'Ex d IIC T4']}),
    ('GBX-R37', '斜齿轮减速机 R37', 'Helical gearbox R37', 'gearboxes', 'pcs', '2650.00', 30, 12, False, {'ratio': ['10:1', '20:1', '40:1']}),
    ('GBX-K87', '锥齿轮减速机 K87', 'Bevel gearbox K87', 'gearboxes', 'pcs', '9800.00', 4, 20, False, {'ratio': ['25:1', '50:1'], 'output': ['solid shaft', 'hollow shaft']}),
    ('BRG-6205', '深沟球轴承 6205', 'Deep groove ball bearing 6205', 'bearings', 'pcs', '18.50', 5000, 3, False, {'seal': ['open', '2RS', 'ZZ']}),
    ('BRG-22216', '调心滚子轴承 22216', 'Spherical roller bearing 22216', 'bearings', 'pcs', '420.00', 200, 7, False, {'cage': ['steel', 'brass']}),
    ('SEN-PT100', '温度传感器 PT100', 'Temperature sensor PT100', 'sensors', 'pcs', '260.00', 400, 5, False, {'length': ['100mm', '200mm', '300mm']}),
    ('SEN-PRS10', '压力变送器 0-10bar', 'Pressure transmitter 0-10 bar', 'sensors', 'pcs', '980.00', 120, 7, False, {'output': ['4-20mA', '0-10V']}),
    ('CTL-VFD7', '变频器 7.5kW', 'Frequency inverter 7.5 kW', 'controls', 'pcs', '4300.00', 35, 10, False, {'input': ['220V 1ph', '380V 3ph']}),
    ('CTL-PLC16', 'PLC 控制柜 16点', 'PLC control cabinet 16 I/O', 'controls', 'set', '18500.00', 0, 35, True, {'enclosure': ['IP54', 'IP65'], 'language': ['zh', 'en']}),
    ('PIP-SS50', '不锈钢管 DN50 (6米)', 'Stainless steel pipe DN50 (6 m)', 'piping', 'm', '210.00', 1200, 5, False, {'grade': ['304', '316L']}),
    ('PIP-FLG50', '法兰 DN50', 'Flange DN50', 'piping', 'pcs', '85.00', 900, 5, False, {'standard': ['GB/T 9119', 'EN 1092-1']}),
    ('HYD-CYL63', '液压缸 63/45-500', 'Hydraulic cylinder 63/45-500', 'hydraulics', 'pcs', '2380.00', 16, 15, False, {'mounting': ['flange', 'clevis', 'trunnion']}),
    ('HYD-PU30', '液压泵站 30L', 'Hydraulic power unit 30 L', 'hydraulics', 'set', '12600.00', 0, 40, True, {'voltage': ['380V'], 'valves': ['2 stations', '4 stations']}),
    ('CNV-BLT500', '皮带输送机 500mm', 'Belt conveyor 500 mm', 'conveyors', 'm', '1650.00', 0, 30, True, {'belt': ['PVC', 'rubber'], 'frame': ['painted steel', 'stainless steel']}),
    ('SPR-KIT100', '离心泵 100型 备件包', 'Spare parts kit for pump 100', 'spare parts', 'set', '560.00', 60, 5, False, {}),
]
# fmt: on


# the demo customer accounts (key, then ACCOUNT_FIELDS), their buyers and their delivery addresses
# fmt: off
ACCOUNT_FIELDS = ("name", "tax_id", "invoice_title", "credit_limit", "payment_terms", "payment_days", "is_key_account", "default_locale")
ACCOUNTS = [
    ("demo", "Demo Manufacturing Co.", "91310000MA1FL8XQ37", "演示制造有限公司", Decimal("500000.00"), "net", 30, True, "zh_CN"),
    ("other", "Harbour Distribution Ltd.", "91440300MA5G2K7Y1C", "港湾分销有限公司", Decimal("100000.00"), "prepaid", 0, False, "en"),
]
BUYERS = [  # account, e-mail, name, phone, locale
    ("demo", "buyer@example.com", "王伟 Wang Wei", "+86 21 5555 0101", None),
    ("other", "buyer2@example.com", "Lee Ka Ming", "", "en"),
]
# delivery addresses: account, then ADDRESS_FIELDS
ADDRESS_FIELDS = ("label", "recipient", "phone", "country", "province", "city", "district", "street", "postal_code", "is_default")
ADDRESSES = [
    ("demo", "Plant 1", "王伟", "+86 21 5555 0101", "CN", "上海市", "上海市", "浦东新区", "张江路 88 号 3 号厂房", "201203", True),
    ("demo", "Warehouse", "李娜", "+86 512 6666 0202", "CN", "江苏省", "苏州市", "工业园区", "星湖街 1 号 B 仓", "215000", False),
    ("other", "Main warehouse", "Lee Ka Ming", "+852 5555 0303", "HK", "", "Hong Kong", "Kwai Chung", "Container Port Road 12", "", True),
]
# fmt: on
DEMO_CARRIERS = [("democarrier", "Demo Express 演示快递", "demo-carrier-secret")]
# the banks of the example statements in docs/examples/bank/: one with its columns named, one that
# learns them from the first file imported (see domain/billing/bank_import.py)
ICBC_COLUMNS = {"date": "交易日期", "credit": "贷方金额", "debit": "借方金额", "payer": "对方户名"}
BANK_PROFILES = [
    ("中国工商银行 ICBC", {**ICBC_COLUMNS, "payer_account": "对方账号", "reference": "附言", "decimal": "."}),
    ("Demo Bank (semicolons)", {}),
]


async def _ensure_carriers(db: AsyncSession) -> None:
    for code, name, secret in DEMO_CARRIERS:
        if await db.get(Carrier, code) is None:
            db.add(Carrier(code=code, name=name, webhook_secret=secret))


async def _demo_present(db: AsyncSession) -> bool:
    found = await db.scalar(
        select(func.count()).select_from(CustomerUser).where(CustomerUser.email == "buyer@example.com")
    )
    return bool(found)


async def seed_demo(database_url: str, *, orders: bool = True) -> bool:
    """Create the demo data unless it is already there; returns whether anything was created.

    ``orders``: also the demo orders, one in every state of the lifecycle (``portal.db.demo_orders``).
    """
    engine = make_engine(database_url, pool=False)
    try:
        async with make_sessionmaker(engine)() as db, db.begin():
            await _ensure_carriers(db)  # also for databases seeded before carriers existed
            if await _demo_present(db):
                return False
            await _seed(db)
            if orders:
                await seed_orders(db)
            return True
    finally:
        await engine.dispose()


async def seed_demo_orders(database_url: str) -> list[tuple[str, str]]:
    """Add the demo orders to demo data created without them; returns (number, state) of each."""
    engine = make_engine(database_url, pool=False)
    try:
        async with make_sessionmaker(engine)() as db, db.begin():
            return [(o.number or "", o.status) for o in await seed_orders(db)]
    finally:
        await engine.dispose()


async def _seed(db: AsyncSession) -> None:
    pw = hash_password(DEMO_PASSWORD)
    accounts = {key: CustomerAccount(**dict(zip(ACCOUNT_FIELDS, row, strict=True))) for key, *row in ACCOUNTS}
    db.add_all(accounts.values())
    await db.flush()
    ids = {key: account.id for key, account in accounts.items()}
    db.add_all(
        [
            CustomerUser(account_id=ids[a], email=e, name=n, phone=ph, locale=loc, password_hash=pw)
            for a, e, n, ph, loc in BUYERS
        ]
    )
    db.add_all(
        [Address(account_id=ids[a], **dict(zip(ADDRESS_FIELDS, row, strict=True))) for a, *row in ADDRESSES]
    )
    db.add_all([StaffUser(email=e, name=n, roles=r, password_hash=pw) for e, n, r in STAFF])
    db.add_all(
        [BankProfile(name=name, mapping=mapping, updated_by="demo") for name, mapping in BANK_PROFILES]
    )
    db.add_all(
        [
            Product(
                sku=sku,
                name_zh=zh,
                name_en=en,
                category=cat,
                unit=unit,
                list_price=Decimal(price),
                stock_on_hand=stock,
                lead_time_days=lead,
                made_to_order=mto,
                spec_options=specs,
                labels=labels_for(cat, unit, specs),
                description_zh=f"{zh}，工业级品质，符合国家标准。",
                description_en=f"{en}, industrial grade, to national standards.",
            )
            for sku, zh, en, cat, unit, price, stock, lead, mto, specs in PRODUCTS
        ]
    )
    await db.flush()


async def tracked_demo_orders(database_url: str) -> list[tuple[str, str, int, int]]:
    """(number, state, id, link version) of the demo buyer's orders on their way or delivered: for tracking links."""
    engine = make_engine(database_url, pool=False)
    try:
        async with make_sessionmaker(engine)() as db:
            rows = await db.execute(
                select(Order.number, Order.status, Order.id, Order.tracking_link_version)
                .join(CustomerUser, CustomerUser.id == Order.contact_user_id)
                .where(CustomerUser.email == "buyer@example.com", Order.status.in_(states.ON_THE_WAY))
                .order_by(Order.id)
            )
            return [(r.number, r.status, r.id, r.tracking_link_version) for r in rows]
    finally:
        await engine.dispose()


async def create_staff(database_url: str, *, email: str, name: str, roles: list[str], password: str) -> None:
    """Create a staff user, or update the name, roles and password of an existing one."""
    engine = make_engine(database_url, pool=False)
    try:
        async with make_sessionmaker(engine)() as db, db.begin():
            user = await db.scalar(select(StaffUser).where(func.lower(StaffUser.email) == email.lower()))
            if user is None:
                db.add(StaffUser(email=email, name=name, roles=roles, password_hash=hash_password(password)))
            else:
                user.name, user.roles, user.password_hash, user.is_active = (
                    name,
                    roles,
                    hash_password(password),
                    True,
                )
    finally:
        await engine.dispose()
