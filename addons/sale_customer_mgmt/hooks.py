# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL

from .demo import generator
from .tools import create_filled_columns

# Indexes that ``init()`` creates on other modules' tables over their columns:
# uninstalling drops our columns (and the indexes on them), not these.
FOREIGN_INDEXES = ("sale_order_confirmed_partner_date_index",)
# Partner fields with a default, and their SQL type: created filled by
# pre_init_hook (see tools/columns.py)
DEFAULT_PARTNER_COLUMNS = {
    "tier_potential_rating": ("varchar", "0"),
    "tier_cooperation_rating": ("varchar", "0"),
}


def pre_init_hook(env):
    """The partner columns with a default created filled, without rewriting
    every partner row (see ``tools/columns.py``)."""
    create_filled_columns(env.cr, "res_partner", DEFAULT_PARTNER_COLUMNS)


def post_init_hook(env):
    """Build the demo story when the addon is installed with demo data, and
    score the customers the database already has, in the background.

    The demo story (orders, invoices, payments of two years, see
    ``demo/generator.py``) is built here, once every demo file is loaded and
    before the tests of the installation run. The installation does not
    score the other customers itself: on a large base that would hold one
    transaction over every customer. It asks the scheduler to run the tier
    job now; the job scores batch after batch, each committed, and the
    Customer Tiers list and the settings show how far it is.
    """
    if env.ref("base.module_sale_customer_mgmt").demo:
        generator.load_demo_story(env)
    cron = env.ref(
        "sale_customer_mgmt.ir_cron_recompute_customer_tiers", raise_if_not_found=False
    )
    if cron:
        cron._trigger()


def uninstall_hook(env):
    drop_indexes(env, FOREIGN_INDEXES)


def drop_indexes(env, names):
    for name in names:
        env.cr.execute(SQL("DROP INDEX IF EXISTS %s", SQL.identifier(name)))
