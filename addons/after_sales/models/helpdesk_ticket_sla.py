# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from datetime import timedelta

from odoo import api, fields, models


class HelpdeskTicketSla(models.Model):
    """An SLA of a ticket (helpdesk_mgmt_sla), with the loop's warning date.

    The SLA clock of a loop ticket starts when the ticket was received
    (``date_received``, the creation for tickets made in Odoo, the original
    reception for tickets recorded afterwards), not when the record was made.
    """

    _inherit = "helpdesk.ticket.sla"

    after_sales_target = fields.Selection(
        related="sla_id.after_sales_target", store=True
    )
    warning_date = fields.Datetime(
        string="Warning on",
        compute="_compute_warning_date",
        store=True,
        help="When the handler is warned that the deadline comes close.",
    )

    def _compute_sla_data(self):
        res = super()._compute_sla_data()
        for record in self:
            received = record.ticket_id.date_received
            if record.last_state_date and received and record.ticket_id.loop_enabled:
                record.last_state_date = received
        return res

    @api.depends(
        "state",
        "hours",
        "consumed_time",
        "last_state_date",
        "deadline",
        "sla_id.warning_percent",
    )
    def _compute_warning_date(self):
        for record in self:
            percent = record.sla_id.warning_percent or 100.0
            if record.state != "in_progress" or not record.deadline:
                record.warning_date = record.warning_date
                continue
            start = record.last_state_date or record.ticket_id.create_date
            hours = max(record.hours * percent / 100.0 - record.consumed_time, 0.0)
            calendar = record.ticket_id.team_id.resource_calendar_id
            if calendar:
                warning = calendar.plan_hours(hours, start, compute_leaves=True)
            else:
                warning = start + timedelta(hours=hours)
            record.warning_date = min(warning or record.deadline, record.deadline)
