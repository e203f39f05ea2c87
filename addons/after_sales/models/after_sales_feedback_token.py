# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import secrets
from datetime import timedelta

from odoo import api, fields, models


class AfterSalesFeedbackToken(models.Model):
    """Single-use, expiring token of a customer feedback link."""

    _name = "after.sales.feedback.token"
    _description = "Customer Feedback Token"
    _order = "id desc"

    ticket_id = fields.Many2one(
        "helpdesk.ticket", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="ticket_id.company_id", store=True)
    partner_id = fields.Many2one("res.partner", string="Customer", required=True)
    token = fields.Char(required=True, readonly=True, index=True, copy=False)
    expiration_date = fields.Datetime(required=True, readonly=True)
    used_date = fields.Datetime(readonly=True, copy=False)
    channel = fields.Selection(
        [("link", "Feedback Link"), ("portal", "Portal")],
        default="link",
        required=True,
        readonly=True,
    )

    _sql_constraints = [("token_unique", "UNIQUE(token)", "Tokens must be unique.")]

    @api.model
    def _create_for_ticket(self, ticket, channel="link"):
        return self._create_for_tickets(ticket, channel=channel)

    @api.model
    def _create_for_tickets(self, tickets, channel="link"):
        """One new token per ticket (one batch)."""
        days = tickets._after_sales_param("feedback_token_days", 7)
        expiration = fields.Datetime.now() + timedelta(days=days)
        return self.create(
            [
                {
                    "channel": channel,
                    "ticket_id": ticket.id,
                    "partner_id": ticket.partner_id.id,
                    "token": secrets.token_urlsafe(32),
                    "expiration_date": expiration,
                }
                for ticket in tickets
            ]
        )

    @api.model
    def _get_valid(self, token):
        """The usable token record for ``token``, or an empty recordset.

        A token is usable once, before its expiration, while its ticket still
        waits for feedback.
        """
        if not token or not isinstance(token, str):
            return self.browse()
        record = self.search([("token", "=", token)], limit=1)
        if (
            not record
            or record.used_date
            or record.expiration_date < fields.Datetime.now()
            or record.ticket_id.loop_state != "resolved"
        ):
            return self.browse()
        return record

    def _consume(self, rating, comment):
        self.ensure_one()
        self.ticket_id._after_sales_apply_feedback(rating, comment, self.channel)
        self.used_date = fields.Datetime.now()
