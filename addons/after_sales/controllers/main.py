# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from werkzeug.exceptions import Forbidden, NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request
from odoo.tools.misc import get_lang

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.rating.controllers.main import Rating


def _usable_rating(token):
    """The rating request of a loop ticket whose access token is ``token``
    and that can still be answered, or an empty recordset."""
    # sudo: the customer is not logged in; the unguessable, single-use,
    # expiring token is the authorisation (checked by _after_sales_is_usable)
    Rating = request.env["rating.rating"].sudo()
    if not token or not isinstance(token, str):
        return Rating
    rating = Rating.search(
        [("access_token", "=", token), ("res_model", "=", "helpdesk.ticket")],
        limit=1,
    )
    return rating if rating and rating._after_sales_is_usable() else Rating


class AfterSalesRating(Rating):
    def _get_rating_and_record(self, token):
        """Odoo's own rating pages (/rate/...) refuse the used, expired or
        replaced requests of loop tickets, as the loop's feedback form does."""
        rating, record = super()._get_rating_and_record(token)
        if (
            rating.res_model == "helpdesk.ticket"
            and record.loop_enabled
            and not _usable_rating(token)
        ):
            raise NotFound()
        return rating, record


class AfterSalesFeedbackController(http.Controller):
    def _get_token(self, token):
        return _usable_rating(token)

    def _render(self, template, values, partner=None, status=200):
        lang = (partner and partner.lang) or get_lang(request.env).code
        html = (
            request.env["ir.ui.view"]
            .with_context(lang=lang)
            ._render_template(template, values)
        )
        return request.make_response(html, status=status)

    def _render_invalid(self):
        return self._render("after_sales.feedback_invalid_page", {}, status=404)

    @http.route(
        "/after_sales/feedback/<string:token>",
        type="http",
        auth="public",
        methods=["GET"],
        website=True,
    )
    def feedback_form(self, token, **kwargs):
        record = self._get_token(token)
        if not record:
            return self._render_invalid()
        return self._render(
            "after_sales.feedback_form_page",
            {"token": record.access_token, "ticket": self._ticket(record)},
            partner=record.partner_id,
        )

    @http.route(
        "/after_sales/feedback/<string:token>/submit",
        type="http",
        auth="public",
        methods=["POST"],
        website=True,
        # the secret token in the URL protects this form like a CSRF token
        csrf=False,
    )
    def feedback_submit(self, token, rating=None, comment=None, **kwargs):
        record = self._get_token(token)
        if not record:
            return self._render_invalid()
        try:
            rating = int(rating or 0)
        except ValueError:
            rating = 0
        if not 1 <= rating <= 5:
            return self._render(
                "after_sales.feedback_form_page",
                {
                    "token": record.access_token,
                    "ticket": self._ticket(record),
                    "error": True,
                },
                partner=record.partner_id,
                status=400,
            )
        ticket = self._ticket(record)
        ticket.rating_apply(rating, rating=record, feedback=comment or False)
        return self._render(
            "after_sales.feedback_thanks_page",
            {"ticket": ticket},
            partner=record.partner_id,
        )

    def _ticket(self, rating):
        # sudo: as _get_token
        return request.env["helpdesk.ticket"].sudo().browse(rating.res_id)


class AfterSalesPortal(CustomerPortal):
    @http.route(
        "/my/ticket/<int:ticket_id>/feedback",
        type="http",
        auth="user",
        methods=["GET"],
        website=False,
    )
    def portal_ticket_feedback(self, ticket_id, **kwargs):
        try:
            ticket = self._document_check_access("helpdesk.ticket", ticket_id)
        except (AccessError, MissingError) as error:
            raise NotFound() from error
        customer = request.env.user.partner_id.commercial_partner_id
        if ticket.commercial_partner_id != customer:
            raise Forbidden()
        if ticket.loop_state != "resolved":
            return request.redirect(f"/my/ticket/{ticket_id}")
        # sudo: portal users cannot make rating requests; access was checked
        rating = ticket.sudo()._after_sales_request_ratings(channel="portal")
        return request.redirect(f"/after_sales/feedback/{rating.access_token}")
