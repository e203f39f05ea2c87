# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.models import parse_read_group_spec
from odoo.tools import SQL


class SaleCustomerReportMixin(models.AbstractModel):
    """Shared helpers of the customer analysis reports (SQL views).

    * Ratio measures (margin rate, churn rate...) are aggregated as a ratio
      of sums, not as an average of row ratios: ``_report_ratios`` maps the
      ratio field to a function returning the SQL aggregate.
    * Columns that other features add to ``res.partner`` (tier, scale, card
      type, churn state, lifetime value) are read only when the field is
      stored, so the reports degrade to empty values instead of failing.
    """

    _name = "sale.customer.report.mixin"
    _description = "Customer Analysis Report Helpers"

    @api.model
    def _report_ratios(self):
        """``{ratio_field: callable(sum_sql) -> SQL}``, ``sum_sql(fname)``
        returning the SQL ``SUM`` of a column of the report."""
        return {}

    def _read_group_select(self, aggregate_spec, query):
        fname, __, func = parse_read_group_spec(aggregate_spec)
        ratio = self._report_ratios().get(fname) if func else None
        if ratio:

            def sum_sql(column):
                return SQL(
                    "COALESCE(SUM(%s), 0)",
                    self._field_to_sql(self._table, column, query),
                )

            return ratio(sum_sql)
        return super()._read_group_select(aggregate_spec, query)

    @api.model
    def _ratio_sql(self, numerator, denominator, factor=1.0):
        return SQL(
            "COALESCE(CAST(%(num)s AS NUMERIC) / NULLIF(%(den)s, 0), 0) * %(factor)s",
            num=numerator,
            den=denominator,
            factor=factor,
        )

    @api.model
    def _partner_column(self, alias, fname, sql_type):
        """``alias.fname`` when res.partner stores the field, else NULL."""
        field = self.env["res.partner"]._fields.get(fname)
        if field is not None and field.store and field.column_type:
            return SQL("%s", SQL.identifier(alias, fname))
        return SQL("CAST(NULL AS %s)", SQL(sql_type))

    @api.model
    def _partner_selection(self, fname):
        field = self.env["res.partner"]._fields.get(fname)
        if field is None or field.type != "selection":
            return []
        return field._description_selection(self.env)

    @api.model
    def _flush_report_sources(self):
        """The report reads other models' tables through raw SQL, which the
        ORM cannot relate to pending writes: flush them before querying."""
        self.env.flush_all()

    @api.model
    def _today(self):
        return fields.Date.context_today(self)
