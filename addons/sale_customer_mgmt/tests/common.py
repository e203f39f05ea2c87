# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Test helpers shared by the tests of sale_customer_mgmt, key_account and
after_sales (import them from ``odoo.addons.sale_customer_mgmt.tests.common``
or, as ``two_workers``, from ``...tests.workers``)."""

from odoo import models
from odoo.tests import new_test_user

# the roles of a sales team, as groups of sale_customer_mgmt's tests
SALES_ROLES = {
    "salesman": "sales_team.group_sale_salesman",
    "manager": "sales_team.group_sale_manager",
    "accountant": "sale_customer_mgmt.group_customer_accountant,"
    "account.group_account_readonly",
}


def make_users(env, prefix, roles, **values):
    """One user per role: ``{role: res.users}``.

    :param prefix: start of the logins (``<prefix>_<role>``), unique per
        test class
    :param roles: ``{role: groups}``, the groups as ``new_test_user`` takes
        them (comma-separated xmlids)
    :param values: more values for every user (``company_id``,
        ``company_ids``, ``name``...)
    """
    return {
        role: new_test_user(env, login=f"{prefix}_{role}", groups=groups, **values)
        for role, groups in roles.items()
    }


def count_queries(env, func):
    """Queries run by ``func()`` and by the flush of what it wrote, caches
    cold, after a first unmeasured run (which fills the registry's caches:
    its one-off queries are not counted)."""
    env.flush_all()
    env.invalidate_all()
    func()
    env.flush_all()
    env.invalidate_all()
    before = env.cr.sql_log_count
    func()
    env.flush_all()
    return env.cr.sql_log_count - before


class QueryCountMixin:
    """For a TransactionCase: a computation does not cost more queries for
    many records than for a few (no query per record), without pinning
    counts that change with Odoo's own code."""

    def assertQueriesFlat(self, records, func, few=3, many=30):
        """``func(records[:many])`` runs no more queries than
        ``func(records[:few])``; returns both counts."""
        count_few = count_queries(self.env, lambda: func(records[:few]))
        count_many = count_queries(self.env, lambda: func(records[:many]))
        self.assertLessEqual(
            count_many,
            count_few,
            f"{count_few} queries for {few} records, {count_many} for {many}",
        )
        return count_few, count_many


def check_default_columns(case, model, module, columns):
    """``columns`` (``{name: (sql_type, value)}``, created filled by
    ``module``'s pre_init_hook) are exactly ``model``'s stored fields of
    ``module`` that have a default, with their column type and default."""
    defaulted = {
        name: field
        for name, field in model._fields.items()
        if field.store
        and field.column_type
        and not field.compute
        and field.default is not None
        and module in field._modules
        and name not in models.MAGIC_COLUMNS
    }
    case.assertEqual(set(defaulted), set(columns))
    for name, (sql_type, value) in columns.items():
        field = defaulted[name]
        case.assertEqual(field.column_type[0], sql_type, name)
        case.assertEqual(
            field.convert_to_column(field.default(model), model), value, name
        )
