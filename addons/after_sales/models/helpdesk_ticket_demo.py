# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Demo data helpers (called from demo/after_sales_demo.xml only)."""

from datetime import datetime, time, timedelta

from odoo import api, fields, models


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    def _after_sales_demo_rate(self, rate, comment):
        """The customer answers a feedback request (demo)."""
        for ticket in self:
            rating = ticket._after_sales_request_ratings()
            ticket.rating_apply(rate, rating=rating, feedback=comment)
        return True

    @api.model
    def _after_sales_demo_timeline(self, timelines):
        """Spread the demo tickets over the last weeks.

        :param timelines: ``[(xmlid, days ago, hour received, hours to first
            response, hours to resolution)]``, in clock hours; the SLAs are
            counted again from the new reception date, in working hours, and
            the breaches follow.
        """
        today = fields.Date.context_today(self)
        for xmlid, days_ago, hour, response, resolution in timelines:
            ticket = self.env.ref(xmlid)
            received = datetime.combine(today - timedelta(days=days_ago), time(hour))
            vals = {"date_received": received}
            if ticket.date_dispatched:
                vals["date_dispatched"] = received + timedelta(
                    hours=(response or 1) / 3
                )
            if ticket.date_in_progress and response is not None:
                vals["date_in_progress"] = received + timedelta(hours=response)
            if ticket.date_resolved and resolution is not None:
                vals["date_resolved"] = received + timedelta(hours=resolution)
                for name in ("date_feedback", "date_visited", "date_loop_closed"):
                    if ticket[name]:
                        days = {"date_feedback": 1, "date_visited": 3}.get(name, 4)
                        vals[name] = vals["date_resolved"] + timedelta(days=days)
            # the loop's dates are the system's: here the demo sets them
            ticket._after_sales_system().write(vals)
            ticket.set_sla()
            ticket.flush_recordset()
            for kind, date_name in (
                ("response", "date_in_progress"),
                ("resolution", "date_resolved"),
            ):
                deadline, done = ticket[f"sla_{kind}_deadline"], ticket[date_name]
                breached = bool(deadline and done and done > deadline)
                ticket._after_sales_system().write({f"sla_{kind}_breached": breached})
        return True
