# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What the loop does to helpdesk_mgmt's table: the columns of its stored
computes, created empty when it is installed into a running helpdesk, and
the indexes its queries need (hooks.py drops those on helpdesk_mgmt's
columns at uninstallation)."""

from odoo import models
from odoo.tools import SQL, create_index, index_exists
from odoo.tools.sql import column_exists, create_column

# stored computes of the loop that have nothing to compute on tickets made
# before the installation (no loop dates, teams not in the loop)
LOOP_COMPUTED_COLUMNS = (
    "first_response_hours",
    "resolution_hours",
    "sla_response_deadline",
    "sla_resolution_deadline",
    "sla_response_warning_date",
    "sla_resolution_warning_date",
    "form_template_id",
)


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _auto_init(self):
        """Installing into a running helpdesk leaves its tickets as they are.

        Odoo computes a new stored field on every existing row, which would
        rewrite every ticket (``write_date`` included) with empty values:
        the tickets of teams that existed before do not use the loop until
        their team opts in (then the SLA and form are computed for them).
        The columns are created empty beforehand, so nothing is rewritten.
        """
        cr = self.env.cr
        if column_exists(cr, self._table, "id"):
            for name in LOOP_COMPUTED_COLUMNS:
                if not column_exists(cr, self._table, name):
                    field = self._fields[name]
                    create_column(cr, self._table, name, field.column_type[1])
        return super()._auto_init()

    def init(self):
        res = super().init()
        cr = self.env.cr
        # The default order of tickets (priority desc, sequence, number desc,
        # id desc) had no index: every list page sorted all the tickets; with
        # it, a page reads as many index entries as it shows.
        create_index(
            cr,
            "helpdesk_ticket_list_order_index",
            self._table,
            ["priority DESC", "sequence", "number DESC", "id DESC"],
        )
        # The list count (up to 10 001 rows) of an agent restricted to the
        # team's tickets filters on the record-rule columns of helpdesk_mgmt:
        # an index-only scan of this narrow index instead of the wide table.
        # In id order, so that every team finds its rows spread evenly.
        if not index_exists(cr, "helpdesk_ticket_rule_cover_index"):
            cr.execute(
                SQL(
                    "CREATE INDEX %s ON %s (id) INCLUDE (team_id, user_id, "
                    "partner_id, company_id, active)",
                    SQL.identifier("helpdesk_ticket_rule_cover_index"),
                    SQL.identifier(self._table),
                )
            )
        # Customer signals (ratings, complaints) of a batch of customers in
        # the tier recompute, and the partner form's counters, select tickets
        # by commercial partner; helpdesk_mgmt has no index on it (a full
        # scan per batch of customers).
        create_index(
            cr,
            "helpdesk_ticket_commercial_partner_id_index",
            self._table,
            ["commercial_partner_id"],
        )
        # Complaints are a few percent of the tickets: counted per employee
        # for the evaluation (complaint_user_id, date_received) without a
        # full scan.
        create_index(
            cr,
            "helpdesk_ticket_complaint_user_index",
            self._table,
            ["complaint_user_id", "date_received"],
            where="is_complaint",
        )
        # The customers who rated each employee's tickets in a period (staff
        # evaluation, repurchase figures): the rated tickets of a month are a
        # few percent of the table, spread over most of its pages; this
        # narrow index over them answers with an index-only scan instead of
        # a full scan. Dropped with the feedback columns at uninstallation.
        if not index_exists(cr, "helpdesk_ticket_rated_feedback_index"):
            cr.execute(
                SQL(
                    "CREATE INDEX %s ON %s (date_feedback) INCLUDE (user_id, "
                    "commercial_partner_id, company_id) WHERE active "
                    "AND feedback_rating BETWEEN 1 AND 5 "
                    "AND feedback_channel IN ('link', 'portal')",
                    SQL.identifier("helpdesk_ticket_rated_feedback_index"),
                    SQL.identifier(self._table),
                )
            )
        # Deleting tickets (ON DELETE SET NULL of helpdesk_mgmt's duplicate_id)
        # looked for the duplicates of each one with a full scan of the
        # tickets: quadratic for a batch.
        create_index(
            cr,
            "helpdesk_ticket_duplicate_id_index",
            self._table,
            ["duplicate_id"],
            where="duplicate_id IS NOT NULL",
        )
        return res
