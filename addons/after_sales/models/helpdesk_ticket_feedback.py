# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Customer feedback on loop tickets: the requests, the customer's rating.

Once a loop ticket is resolved, the customer is asked for a rating of 1 to 5
(the cron after a delay, or the agent's button): a rating request of
helpdesk_mgmt_rating whose access token is a single-use, expiring link. The
customer's answer (the link's form, the portal, Odoo's own /rate pages) goes
through ``rating_apply``, the only way the feedback fields are written: a low
rating reopens the ticket, another one moves it on to the return visit. A
resolved ticket left without answer is closed by the cron after some days.

A satisfaction survey after a sale (sale_order.py) is a ticket without
service work: it waits for feedback from its creation.
"""

from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.sale_customer_mgmt.models.sale_customer_integrity_mixin import (
    as_system,
)
from odoo.addons.sale_customer_mgmt.tools import lock_batch

from .helpdesk_ticket import loop_param


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # written by the customer channel only (CUSTOMER_FIELDS of the loop)
    feedback_rating = fields.Integer(
        copy=False,
        readonly=True,
        aggregator="avg",
        help="1 (very unsatisfied) to 5 (very satisfied), given by the customer "
        "through the feedback link or the portal.",
    )
    feedback_comment = fields.Text(copy=False, readonly=True)
    feedback_channel = fields.Selection(
        [("link", "Feedback Link"), ("portal", "Portal")],
        copy=False,
        readonly=True,
    )
    feedback_request_date = fields.Datetime(
        string="Feedback Requested on", copy=False, readonly=True
    )
    is_satisfaction_survey = fields.Boolean(
        copy=False,
        readonly=True,
        help="Ticket created to survey the customer's satisfaction after a sale.",
    )

    @api.model
    def _scm_system_fields(self):
        return super()._scm_system_fields() | {
            "feedback_request_date",
            "is_satisfaction_survey",
        }

    # ---------------------------------------------------------------
    # Requests
    # ---------------------------------------------------------------

    def action_after_sales_request_feedback(self):
        """Send the feedback request now (instead of waiting for the cron)."""
        self._after_sales_send_feedback_request()
        return True

    def _after_sales_request_ratings(self, channel="link"):
        """A new rating request (helpdesk_mgmt_rating's ``rating.rating``)
        per ticket, whose access token is the customer's single-use,
        expiring feedback link. The pending requests of the tickets are
        withdrawn first: only the newest link of a ticket works."""
        # sudo: rating requests hold secret tokens that agents neither read
        # nor write; the caller checked the access to the tickets
        Rating = self.env["rating.rating"].sudo()
        pending = Rating.search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("consumed", "=", False),
            ]
        )
        pending.unlink()
        days = loop_param(self.env, "feedback_token_days", 7)
        expiration = fields.Datetime.now() + timedelta(days=days)
        model_id = self.env["ir.model"]._get_id(self._name)
        # the ratings' record names and rated operators, read once for all
        self.fetch(["number", "name", "partner_id", "user_id"])
        self.user_id.fetch(["partner_id"])
        return Rating.create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": ticket.id,
                    "partner_id": ticket.partner_id.id,
                    "rated_partner_id": ticket._rating_get_operator().id,
                    "is_internal": False,
                    "after_sales_channel": channel,
                    "after_sales_expiration_date": expiration,
                }
                for ticket in self
            ]
        )

    def _after_sales_send_feedback_request(self):
        """Mail a single-use feedback link to the customer of each resolved
        ticket (rating requests and mails made in one batch)."""
        tickets = self.filtered(lambda t: t.loop_state == "resolved")
        to_ask = tickets.filtered("partner_id")
        ratings = self.env["rating.rating"]
        if to_ask:
            ratings = to_ask._after_sales_request_ratings()
            template = self.env.ref("after_sales.mail_template_feedback_request")
            template.with_context(
                feedback_tokens={r.res_id: r.access_token for r in ratings}
            ).send_mail_batch(
                to_ask.ids, email_layout_xmlid="mail.mail_notification_light"
            )
        as_system(tickets).write({"feedback_request_date": fields.Datetime.now()})
        return ratings

    @api.private
    def after_sales_feedback_url(self):
        """Feedback link of the token being sent (mail template helper)."""
        self.ensure_one()
        tokens = self.env.context.get("feedback_tokens") or {}
        token = tokens.get(self.id) or self.env.context.get("feedback_token")
        return f"{self.get_base_url()}/after_sales/feedback/{token}"

    def _send_ticket_rating_mail(self, force_send=False):
        """Loop tickets ask for feedback through the loop (after resolution,
        with an expiring link), not on a stage change as well."""
        others = self.filtered(lambda t: not t.loop_enabled)
        return super(HelpdeskTicket, others)._send_ticket_rating_mail(
            force_send=force_send
        )

    # ---------------------------------------------------------------
    # The customer's answer
    # ---------------------------------------------------------------

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """A customer's rating of a loop ticket: through a usable request
        only (single use, not expired, the ticket waiting for feedback), as a
        whole score from 1 to 5; it then drives the loop like the feedback
        form (a low score reopens the ticket). Ratings of other tickets are
        helpdesk_mgmt_rating's."""
        if not self.loop_enabled:
            return super().rating_apply(
                rate,
                token=token,
                rating=rating,
                feedback=feedback,
                subtype_xmlid=subtype_xmlid,
                notify_delay_send=notify_delay_send,
            )
        self.ensure_one()
        if token:
            rating = self.env["rating.rating"].search(
                [("access_token", "=", token)], limit=1
            )
        if (
            not rating
            or rating.res_model != self._name
            or rating.res_id != self.id
            or not rating._after_sales_is_usable()
        ):
            raise UserError(self.env._("This feedback link is no longer valid."))
        if rate not in (1, 2, 3, 4, 5):
            raise ValidationError(self.env._("The rating must be between 1 and 5."))
        rating = super().rating_apply(
            rate,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        self._after_sales_apply_feedback(
            int(rate), feedback, rating.after_sales_channel or "link"
        )
        return rating

    def _after_sales_apply_feedback(self, rating, comment, channel):
        """Record the customer's rating on the ticket and move the loop on.
        Only called by ``rating_apply`` (the customer channel), which has
        checked the request."""
        self.ensure_one()
        if self.loop_state != "resolved":
            raise UserError(self.env._("This ticket is not waiting for feedback."))
        rating = int(rating)
        if not 1 <= rating <= 5:
            raise ValidationError(self.env._("The rating must be between 1 and 5."))
        threshold = loop_param(self.env, "low_rating_threshold", 2)
        vals = {
            "feedback_rating": rating,
            "feedback_comment": comment or False,
            "feedback_channel": channel,
        }
        if rating <= threshold:
            # reopened, as by the Reopen button, with the date of the feedback
            vals["loop_state"] = "in_progress"
            vals["date_feedback"] = fields.Datetime.now()
        else:
            vals["loop_state"] = "feedback"
            vals.update(self._after_sales_transition_values("resolved", "feedback", {}))
        # the customer channel: the loop's own write of the customer's fields
        as_system(self).write(vals)
        if rating <= threshold:
            self._after_sales_notify_low_rating()
        return True

    def _after_sales_notify_low_rating(self):
        for ticket in self:
            leader = ticket.team_id.user_id or ticket.user_id
            body = self.env._(
                "Negative customer feedback (%(rating)s/5): the ticket is reopened.",
                rating=ticket.feedback_rating,
            )
            ticket.message_post(body=body, subtype_xmlid="mail.mt_note")
            if leader:
                ticket.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=leader.id,
                    summary=self.env._("Negative feedback"),
                    note=body,
                )

    def _after_sales_mark_survey_resolved(self):
        """A survey ticket has no service work: it waits for feedback at once,
        so the regular feedback request (mail + tokenised link) is sent."""
        now = fields.Datetime.now()
        # (a team outside the loop, or no team: the ticket stays as it is)
        surveys = self.filtered("loop_enabled")
        return as_system(surveys).write(
            {"loop_state": "resolved", "date_resolved": now}
        )

    # ---------------------------------------------------------------
    # Cron
    # ---------------------------------------------------------------

    @api.model
    def _after_sales_feedback_domains(self):
        now = fields.Datetime.now()
        delay = loop_param(self.env, "feedback_delay_hours", 2.0)
        days = loop_param(self.env, "no_feedback_days", 7)
        due = [
            ("loop_state", "=", "resolved"),
            ("loop_enabled", "=", True),
            ("feedback_request_date", "=", False),
            ("partner_id", "!=", False),
            ("date_resolved", "<=", now - timedelta(hours=delay)),
        ]
        stale = [
            ("loop_state", "=", "resolved"),
            ("loop_enabled", "=", True),
            ("feedback_request_date", "<=", now - timedelta(days=days)),
        ]
        return due, stale, days

    @api.model
    def _cron_after_sales_feedback(self, batch_size=200):
        """Send due feedback requests and close tickets left without answer.

        One batch per call (the cron runner commits and calls again while
        some remain); the markers (``feedback_request_date``, the closed
        state) are written in the same transaction as the work.
        """
        due_domain, stale_domain, days = self._after_sales_feedback_domains()
        due = lock_batch(self, due_domain, batch_size)
        due._after_sales_send_feedback_request()
        stale = lock_batch(self, stale_domain, batch_size)
        if stale:
            stale.write(
                {
                    "loop_state": "closed",
                    "no_feedback_reason": self.env._(
                        "No feedback after %(days)s days", days=days
                    ),
                }
            )
        remaining = self.search_count(due_domain) + self.search_count(stale_domain)
        self.env["ir.cron"]._notify_progress(
            done=len(due) + len(stale), remaining=remaining
        )
        return remaining
