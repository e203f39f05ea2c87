# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

from ..models.res_partner import CUSTOMER_CHANNELS


class SaleCustomerChurnReport(models.Model):
    """Satisfaction next to retention (评分与复购): "whether the customer
    keeps buying is the main measure of satisfaction".

    Each row of the churn report is a customer and a period P (``date``)
    in which the customer was expected to buy again. after_sales adds, for
    the same customer, company and period P:

    * the customer ratings given in P: tickets of the commercial partner
      whose ``feedback_rating`` (1-5, customer channel only) was given in P,
      by ``date_feedback``. The ticket model stamps ``date_feedback`` on
      every rating, the low ones that reopen the ticket included, and a
      rating given again after a reopening replaces the earlier one with
      its own date: each ticket counts once, with its last rating;
    * the complaints received in P (``is_complaint``, by ``date_received``).

    Archived tickets do not count. The average rating of a group (tier,
    period...) is the sum of the ratings over their number, not the mean of
    the customers' averages; empty when nobody rated. The columns are part
    of the churn report's rows, so its ACL and record rules (a salesperson:
    own and team customers; the figure roles: every customer) decide who
    sees them, in the pivot, the list, the export and RPC alike.
    """

    _inherit = "sale.customer.churn.report"

    rating_count = fields.Integer(
        string="# Ratings",
        readonly=True,
        help="Customer ratings given in the period (tickets by feedback date).",
    )
    rating_total = fields.Integer(
        string="Rating Points",
        readonly=True,
        help="Sum of the customer ratings given in the period.",
    )
    rating_avg = fields.Float(
        string="Average Rating",
        aggregator="avg",
        readonly=True,
        digits=(16, 2),
        help="Average customer rating (1-5) given in the period: rating points "
        "over the number of ratings.",
    )
    complaint_count = fields.Integer(
        string="# Complaints",
        readonly=True,
        help="Complaints received from the customer in the period.",
    )

    @api.model
    def _report_ratios(self):
        ratios = super()._report_ratios()
        # no rating is "no average", not an average of 0 on a 1-5 scale
        ratios["rating_avg"] = lambda s: SQL(
            "CAST(%s AS NUMERIC) / NULLIF(%s, 0)", s("rating_total"), s("rating_count")
        )
        return ratios

    @api.model
    def _select_additional_fields(self):
        res = super()._select_additional_fields()
        # Correlated subqueries on the index of the tickets' commercial
        # partner; PostgreSQL computes only the columns a query reads.
        rated = self._after_sales_ticket_subquery(
            "date_feedback",
            SQL(
                "ticket.feedback_rating BETWEEN 1 AND 5 "
                "AND ticket.feedback_channel IN %s",
                CUSTOMER_CHANNELS,
            ),
        )
        res["rating_count"] = SQL("(SELECT COUNT(*) %s)", rated)
        res["rating_total"] = SQL(
            "(SELECT COALESCE(SUM(ticket.feedback_rating), 0) %s)", rated
        )
        res["rating_avg"] = SQL(
            "(SELECT ROUND(AVG(ticket.feedback_rating), 2) %s)", rated
        )
        res["complaint_count"] = SQL(
            "(SELECT COUNT(*) %s)",
            self._after_sales_ticket_subquery(
                "date_received", SQL("ticket.is_complaint")
            ),
        )
        return res

    @api.model
    def _after_sales_ticket_subquery(self, date_column, condition):
        """``FROM ... WHERE ...`` of the active tickets of the row's customer
        and company whose ``date_column`` falls in the row's period."""
        return SQL(
            """FROM helpdesk_ticket ticket
                WHERE ticket.commercial_partner_id = pair.partner_id
                  AND ticket.company_id = pair.company_id
                  AND ticket.active
                  AND %(date)s >= pair.period
                  AND %(date)s < pair.period + pair.step
                  AND %(condition)s""",
            date=SQL.identifier("ticket", date_column),
            condition=condition,
        )
