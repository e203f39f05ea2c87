# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Dispatch of loop tickets: to the assigned user, or automatically to the
team member with the fewest open tickets (helpdesk_ticket_team.py: the
team's ``after_sales_auto_dispatch``; res_users.py: the skills)."""

from collections import defaultdict

from odoo import api, models
from odoo.exceptions import UserError

from .helpdesk_ticket import OPEN_LOOP_STATES


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    @api.model_create_multi
    def create(self, vals_list):
        tickets = super().create(vals_list)
        # a team without members keeps its new tickets unassigned (received)
        # rather than refusing them: a customer's portal ticket or a cron's
        # defector interview must not fail for the team's staffing
        to_dispatch = tickets.filtered(
            lambda t: t.loop_enabled
            and not t.user_id
            and t.team_id.after_sales_auto_dispatch
            and t.team_id.user_ids
        )
        if to_dispatch:
            to_dispatch._after_sales_auto_dispatch()
        return tickets

    def action_after_sales_dispatch(self):
        """Dispatch: to the assigned user, or automatically when none."""
        unassigned = self.filtered(lambda t: not t.user_id)
        if unassigned:
            unassigned._after_sales_auto_dispatch()
        (self - unassigned).write({"loop_state": "dispatched"})
        return True

    def _after_sales_auto_dispatch(self):
        """Give each ticket to the team member with the fewest open tickets.

        Members skilled for the ticket's category are preferred when the team
        has any. Ties go to the user with the lowest id. Loads are read once
        for the whole batch and updated in memory.
        """
        members = self.team_id.user_ids
        if not members:
            raise UserError(
                self.env._("The team has no member to dispatch the ticket to.")
            )
        data = self.env["helpdesk.ticket"]._read_group(
            [
                ("user_id", "in", members.ids),
                ("loop_state", "in", OPEN_LOOP_STATES),
                ("id", "not in", self.ids),
            ],
            ["user_id"],
            ["__count"],
        )
        load = defaultdict(int, {user.id: count for user, count in data})
        assigned = defaultdict(lambda: self.browse())
        for ticket in self.sorted("id"):
            candidates = ticket.team_id.user_ids
            if not candidates:
                raise UserError(
                    self.env._(
                        "Team %(team)s has no member to dispatch ticket "
                        "%(ticket)s to.",
                        team=ticket.team_id.display_name,
                        ticket=ticket.display_name,
                    )
                )
            if ticket.category_id:
                skilled = candidates.filtered(
                    lambda u, c=ticket.category_id: c in u.after_sales_category_ids
                )
                candidates = skilled or candidates
            user = min(candidates, key=lambda u: (load[u.id], u.id))
            load[user.id] += 1
            assigned[user] |= ticket
        # one write per user, not per ticket
        for user, tickets in assigned.items():
            tickets.write({"user_id": user.id, "loop_state": "dispatched"})
