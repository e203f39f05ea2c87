# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import re
from datetime import timedelta

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import HttpCase, freeze_time, new_test_user, tagged

from .common import AfterSalesCommon


@tagged("post_install", "-at_install")
class TestFeedbackHttp(HttpCase, AfterSalesCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal_user = new_test_user(
            cls.env,
            login="as_portal",
            groups="base.group_portal",
            partner_id=cls.contact.id,
        )
        cls.other_customer = cls.env["res.partner"].create(
            {"name": "Other Co", "is_company": True, "email": "other@example.com"}
        )

    def _resolved_ticket(self, partner=None):
        ticket = self._ticket(partner_id=(partner or self.contact).id)
        return self._resolve(ticket)

    def _submit(self, token, rating="5"):
        return self.url_open(
            f"/after_sales/feedback/{token}/submit",
            data={"rating": rating, "comment": "Great"},
        )

    def test_token_single_use(self):
        ticket = self._resolved_ticket()
        token = ticket._after_sales_send_feedback_request()
        self.assertTrue(ticket.feedback_request_date)
        response = self.url_open(f"/after_sales/feedback/{token.access_token}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Rate our service", response.text)
        response = self._submit(token.access_token, "5")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ticket.loop_state, "feedback")
        self.assertEqual(ticket.feedback_rating, 5)
        self.assertEqual(ticket.feedback_channel, "link")
        # Odoo's rating (helpdesk_mgmt_rating): the screens and reports show it
        self.assertTrue(token.consumed)
        self.assertEqual(token.rating, 5)
        self.assertEqual(token.feedback, "Great")
        self.assertEqual(ticket.rating_ids, token)
        self.assertEqual(ticket.rating_last_value, 5)
        # reused
        self.assertEqual(self._submit(token.access_token, "1").status_code, 404)
        self.assertEqual(ticket.feedback_rating, 5)

    def test_wrong_and_expired_token(self):
        ticket = self._resolved_ticket()
        token = ticket._after_sales_send_feedback_request()
        self.assertEqual(self._submit("not-a-token").status_code, 404)
        self.assertEqual(
            self.url_open("/after_sales/feedback/not-a-token").status_code, 404
        )
        token.after_sales_expiration_date = fields.Datetime.now() - timedelta(minutes=1)
        self.assertEqual(self._submit(token.access_token).status_code, 404)
        self.assertEqual(ticket.loop_state, "resolved")
        self.assertFalse(ticket.feedback_rating)

    def test_invalid_rating(self):
        ticket = self._resolved_ticket()
        token = ticket._after_sales_send_feedback_request()
        self.assertEqual(self._submit(token.access_token, "9").status_code, 400)
        self.assertEqual(ticket.loop_state, "resolved")
        self.assertFalse(token.consumed)

    def test_portal_feedback_own_ticket_only(self):
        own = self._resolved_ticket()
        other = self._resolved_ticket(partner=self.other_customer)
        self.authenticate("as_portal", "as_portal")
        response = self.url_open(f"/my/ticket/{other.id}/feedback")
        self.assertIn(response.status_code, (403, 404))
        self.assertFalse(other.rating_ids)
        response = self.url_open(f"/my/ticket/{own.id}/feedback")
        self.assertEqual(response.status_code, 200)
        token = own.rating_ids
        self.assertEqual(token.after_sales_channel, "portal")
        self._submit(token.access_token, "4")
        self.assertEqual(own.feedback_rating, 4)
        self.assertEqual(own.feedback_channel, "portal")

    def test_cron_request_and_auto_close(self):
        with freeze_time("2026-03-02 08:00:00"):
            ticket = self._resolved_ticket()
        with freeze_time("2026-03-02 09:00:00"):
            self.Ticket._cron_after_sales_feedback()
            self.assertFalse(ticket.feedback_request_date)  # delay is 2 hours
        with freeze_time("2026-03-02 10:30:00"):
            self.Ticket._cron_after_sales_feedback()
            self.assertTrue(ticket.feedback_request_date)
            self.assertEqual(len(ticket.rating_ids), 1)
        with freeze_time("2026-03-09 10:00:00"):
            self.Ticket._cron_after_sales_feedback()
            self.assertEqual(ticket.loop_state, "resolved")
        with freeze_time("2026-03-09 11:00:00"):
            self.Ticket._cron_after_sales_feedback()
            self.assertEqual(ticket.loop_state, "closed")
            self.assertIn("7", ticket.no_feedback_reason)

    def test_new_request_invalidates_older_links(self):
        """Reopened and resolved again: the first link no longer works, the
        new one does, and the low rating given first stays as given."""
        ticket = self._resolved_ticket()
        first = ticket._after_sales_send_feedback_request()
        self._submit(first.access_token, "1")
        self.assertEqual(ticket.loop_state, "in_progress")  # a low score reopens
        self.assertEqual(ticket.feedback_rating, 1)
        ticket.action_after_sales_resolve()
        second = ticket._after_sales_send_feedback_request()
        third = ticket._after_sales_send_feedback_request()
        self.assertFalse(second.exists(), "a new request withdraws the pending one")
        self.assertEqual(self._submit(first.access_token, "5").status_code, 404)
        self.assertEqual(ticket.loop_state, "resolved")
        self.assertEqual(first.rating, 1)
        self.assertEqual(self._submit(third.access_token, "4").status_code, 200)
        self.assertEqual(ticket.feedback_rating, 4)
        self.assertEqual(ticket.loop_state, "feedback")
        # a given rating is never rewritten, not even through the ORM
        with self.assertRaises(UserError):
            first.sudo().write({"rating": 5})
        self.assertEqual(first.rating, 1)

    def test_odoo_rating_page_follows_the_loop(self):
        """Odoo's own rating route (/rate/<token>/<1|3|5>) is the same
        channel: a usable request is applied as 1-5, a used one is refused."""
        ticket = self._resolved_ticket()
        request = ticket._after_sales_send_feedback_request()
        page = self.url_open(f"/rate/{request.access_token}/3")
        self.assertEqual(page.status_code, 200)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
        response = self.url_open(
            f"/rate/{request.access_token}/submit_feedback",
            data={"rate": "3", "feedback": "OK", "csrf_token": csrf},
        )
        self.assertEqual(response.status_code, 200)
        self.assertEqual(ticket.feedback_rating, 3)
        self.assertEqual(ticket.loop_state, "feedback")
        self.assertEqual(
            self.url_open(f"/rate/{request.access_token}/5").status_code, 404
        )
