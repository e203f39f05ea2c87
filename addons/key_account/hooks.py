# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.tools import SQL
from odoo.tools.sql import column_exists

from .demo.key_account_demo import tell_story

# The stored computed fields this module adds to res.partner, with their SQL
# type and the value their computes give a partner without key-account data
# (no ratings, no relationship stage, no decision-making-unit contacts):
# every partner of the database when the module is installed.
EMPTY_PARTNER_COLUMNS = {
    "ka_attractiveness": ("numeric", 0),
    "ka_advantage": ("numeric", 0),
    "ka_attractiveness_bucket": ("int4", 0),
    "ka_advantage_bucket": ("int4", 0),
    "ka_quadrant": ("varchar", None),
    "ka_attractiveness_level": ("varchar", None),
    "ka_advantage_level": ("varchar", None),
    "ka_supplier_position": ("varchar", None),
    "ka_matrix_position": ("varchar", None),
    "ka_network_pair_count": ("int4", 0),
    "ka_network_function_count": ("int4", 0),
    "ka_single_thread": ("bool", False),
}


def pre_init_hook(env):
    """Create the columns of the stored computed partner fields with the
    value their computes give every existing partner, so that the ORM finds
    them and does not compute the twelve fields partner by partner: on a
    database with 50 000 customers that took 14 s of a 16 s installation and
    left a dead row version per partner. ``ADD COLUMN ... DEFAULT`` with a
    constant rewrites no row; the default is dropped again (the ORM keeps
    none). ``tests/test_install.py`` checks the list and the values against
    the fields' own computes."""
    cr = env.cr
    for name, (sql_type, value) in EMPTY_PARTNER_COLUMNS.items():
        if column_exists(cr, "res_partner", name):
            continue
        column = SQL.identifier(name)
        if value is None:
            cr.execute(
                SQL("ALTER TABLE res_partner ADD COLUMN %s %s", column, SQL(sql_type))
            )
            continue
        cr.execute(
            SQL(
                "ALTER TABLE res_partner ADD COLUMN %s %s DEFAULT %s",
                column,
                SQL(sql_type),
                value,
            )
        )
        cr.execute(SQL("ALTER TABLE res_partner ALTER COLUMN %s DROP DEFAULT", column))


def post_init_hook(env):
    """With demo data, tell the demo story (see demo/key_account_demo.py).

    The hook runs once, at installation, after the demo data is loaded and
    before the tests that run at install; ``demo`` is set by then.
    """
    if env.ref("base.module_key_account").demo:
        tell_story(env)
