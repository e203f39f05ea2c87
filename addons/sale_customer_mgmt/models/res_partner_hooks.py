# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Extension points shared by the three addons.

key_account and after_sales both depend on sale_customer_mgmt but not on each
other. The methods below are the seams through which they exchange signals
without a hard dependency: each returns "nothing known" here and is extended
(calling ``super()`` and merging) by the addon that knows more.
"""

from odoo import models


class ResPartner(models.Model):
    _inherit = "res.partner"

    def _get_cooperation_signals(self):
        """Service signals feeding the cooperation criterion of the tier score.

        Called on the commercial partners being scored, in batch.

        :return: ``{partner_id: {"score": float 0-100, "count": int,
            "detail": str}}`` for the partners with at least one signal;
            partners without signals are absent. ``count`` is the number of
            observations behind ``score`` (ratings, complaints) so the caller
            can weigh the signal against the manual rating.
        """
        return {}

    def _get_open_complaint_counts(self):
        """Open customer complaints per commercial partner, for risk flags.

        :return: ``{partner_id: int}``; partners without open complaints are
            absent.
        """
        return {}

    def _get_overdue_collection_amounts(self):
        """Overdue collection-plan instalments per commercial partner.

        Amounts are in the company currency.

        :return: ``{partner_id: float}``; partners with nothing overdue are
            absent.
        """
        return {}

    def _get_escalation_users(self):
        """Users to notify about an escalation concerning this customer.

        Used for complaints and churn alerts.

        :return: ``res.users`` recordset: the salesperson here; key_account
            adds the account's KA manager.
        """
        users = self.env["res.users"]
        for partner in self:
            users |= partner.commercial_partner_id.user_id | partner.user_id
        return users
