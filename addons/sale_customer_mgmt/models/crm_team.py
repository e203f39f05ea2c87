# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, models


class CrmTeam(models.Model):
    _inherit = "crm.team"

    @api.model
    def action_your_pipeline(self):
        """CRM's pipeline opens on the user's scope: a salesperson who sees
        her own documents keeps "My Pipeline"; a user who sees every
        opportunity (all documents, managers) starts on all of them."""
        action = super().action_your_pipeline()
        if self.env.user.has_group("sales_team.group_sale_salesman_all_leads"):
            context = dict(action.get("context") or {})
            context.pop("search_default_assigned_to_me", None)
            action["context"] = context
        return action
