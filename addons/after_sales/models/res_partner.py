# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.tools import SQL

CUSTOMER_CHANNELS = ("link", "portal")


class ResPartner(models.Model):
    _inherit = "res.partner"
    # Our stored columns form their own prefetch group ("after_sales"): reading a
    # partner anywhere in Odoo (its name, an address) does not fetch them;
    # reading one of them fetches the group for the records at hand.

    after_sales_defector_interviewed = fields.Boolean(
        string="Defector Interview Planned",
        copy=False,
        readonly=True,
        help="A defector-interview ticket was created when the customer was "
        "marked as lost (once per customer).",
        prefetch="after_sales",
    )

    @api.model
    def _scm_system_fields(self):
        return super()._scm_system_fields() | {"after_sales_defector_interviewed"}

    def _get_cooperation_signals(self):
        """Customer ratings (1-5 -> 0-100) minus 10 points per complaint."""
        res = super()._get_cooperation_signals()
        # one column, not the ~100 a partner prefetch would read per batch
        self.fetch(["commercial_partner_id"])
        partners = self.commercial_partner_id
        if not partners:
            return res
        Ticket = self.env["helpdesk.ticket"].sudo()  # sudo: aggregate over all teams
        # The tier recompute asks for batches of consecutive customer ids:
        # the id range lets PostgreSQL read the batch's slice of the
        # commercial-partner index instead of every ticket for every batch.
        ids = partners.ids
        query = Ticket._search(
            [
                ("commercial_partner_id", "in", ids),
                ("commercial_partner_id", ">=", min(ids)),
                ("commercial_partner_id", "<=", max(ids)),
                "|",
                ("is_complaint", "=", True),
                "&",
                ("feedback_rating", ">=", 1),
                ("feedback_channel", "in", CUSTOMER_CHANNELS),
            ]
        )

        def column(fname):
            return Ticket._field_to_sql(query.table, fname, query)

        rated = SQL(
            "%s >= 1 AND %s IN %s",
            column("feedback_rating"),
            column("feedback_channel"),
            CUSTOMER_CHANNELS,
        )
        query.groupby = column("commercial_partner_id")
        # one scan for both figures, and ids rather than a recordset per
        # customer (a batch has thousands of them)
        ratings, complaints = {}, {}
        for partner_id, count, total, complaint_count in self.env.execute_query(
            query.select(
                column("commercial_partner_id"),
                SQL("COUNT(*) FILTER (WHERE %s)", rated),
                SQL(
                    "COALESCE(SUM(%s) FILTER (WHERE %s), 0)",
                    column("feedback_rating"),
                    rated,
                ),
                SQL("COUNT(*) FILTER (WHERE %s)", column("is_complaint")),
            )
        ):
            if count:
                ratings[partner_id] = (count, total)
            if complaint_count:
                complaints[partner_id] = complaint_count
        detail = self.env._("%(count)s service ratings, %(complaints)s complaints")
        for partner_id in set(ratings) | set(complaints):
            count, total = ratings.get(partner_id, (0, 0))
            complaint_count = complaints.get(partner_id, 0)
            base = (total / count - 1.0) / 4.0 * 100.0 if count else 60.0
            score = max(0.0, min(100.0, base - 10.0 * complaint_count))
            own = {
                "score": score,
                "count": count + complaint_count,
                "detail": detail % {"count": count, "complaints": complaint_count},
            }
            if partner_id in res:
                other = res[partner_id]
                total_count = (other.get("count") or 0) + own["count"]
                own = {
                    "score": (
                        other["score"] * (other.get("count") or 0)
                        + own["score"] * own["count"]
                    )
                    / (total_count or 1),
                    "count": total_count,
                    "detail": f"{other.get('detail', '')}; {own['detail']}",
                }
            res[partner_id] = own
        return res

    def _get_open_complaint_counts(self):
        res = super()._get_open_complaint_counts()
        # one column, not the ~100 a partner prefetch would read per batch
        self.fetch(["commercial_partner_id"])
        partners = self.commercial_partner_id
        if not partners:
            return res
        # sudo: complaint counters are shown to sales users without helpdesk access
        data = (
            self.env["helpdesk.ticket"]
            .sudo()
            ._read_group(
                [
                    ("commercial_partner_id", "in", partners.ids),
                    ("is_complaint", "=", True),
                    ("loop_state", "!=", "closed"),
                    ("closed", "=", False),
                ],
                ["commercial_partner_id"],
                ["__count"],
            )
        )
        for partner, count in data:
            res[partner.id] = res.get(partner.id, 0) + count
        return res

    # ---------------------------------------------------------------
    # The SLAs of open tickets follow the customer's tier
    # ---------------------------------------------------------------

    def _after_sales_refresh_ticket_slas(self):
        # sudo: the tier changes for every team's tickets, whoever changed it
        tickets = (
            self.env["helpdesk.ticket"]
            .sudo()
            .search(
                [
                    ("commercial_partner_id", "in", self.commercial_partner_id.ids),
                    ("loop_state", "in", ("received", "dispatched", "in_progress")),
                    ("team_id.after_sales_loop", "=", True),
                    ("team_id.use_sla", "=", True),
                ]
            )
        )
        tickets._after_sales_refresh_sla()

    @api.model
    def _log_tier_changes(self, tier_changes, company, cause, now):
        """The scoring engine changed tiers: match the SLAs of those
        customers' open tickets again."""
        res = super()._log_tier_changes(tier_changes, company, cause, now)
        self.browse(list(tier_changes))._after_sales_refresh_ticket_slas()
        return res

    def write(self, vals):
        res = super().write(vals)
        if "customer_tier_id" in vals:
            # a tier pinned by hand
            self._after_sales_refresh_ticket_slas()
        return res
