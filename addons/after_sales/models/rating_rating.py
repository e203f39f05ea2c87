# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import fields, models
from odoo.exceptions import UserError

# rating.rating values the customer sets (rating_apply)
CUSTOMER_RATING_FIELDS = {"rating", "feedback", "consumed"}


class RatingRating(models.Model):
    """Ratings of tickets (helpdesk_mgmt_rating), as feedback requests of the
    service loop: each request of a loop ticket is a rating whose access
    token is single use and expires; a new request replaces the pending ones
    of the ticket; a given rating is never rewritten."""

    _inherit = "rating.rating"

    after_sales_expiration_date = fields.Datetime(
        string="Feedback Link Expires on", readonly=True, copy=False
    )
    after_sales_channel = fields.Selection(
        [("link", "Feedback Link"), ("portal", "Portal")],
        string="Feedback Channel",
        readonly=True,
        copy=False,
    )

    def _after_sales_is_usable(self):
        """The request can still be answered: not answered yet, not expired,
        and its ticket waits for feedback (a reopened, closed or re-resolved
        ticket has a newer request or none)."""
        self.ensure_one()
        if self.consumed or self.res_model != "helpdesk.ticket":
            return False
        if (
            not self.after_sales_expiration_date
            or self.after_sales_expiration_date < fields.Datetime.now()
        ):
            return False
        ticket = self.env["helpdesk.ticket"].browse(self.res_id).exists()
        return bool(ticket) and ticket.loop_state == "resolved"

    def write(self, vals):
        if CUSTOMER_RATING_FIELDS & vals.keys():
            given = self.filtered(
                lambda r: r.consumed
                and r.res_model == "helpdesk.ticket"
                and r.after_sales_channel
            )
            if given:
                raise UserError(
                    self.env._(
                        "The customer has already given this rating; a rating "
                        "is written once."
                    )
                )
        return super().write(vals)
