# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The key-account demo story, on top of the sales demo of sale_customer_mgmt.

``demo/key_account_demo.xml`` makes customers of the sales demo key accounts.
Like any new key account they enter the first stage; the file then calls
:meth:`_demo_walk_stages` for each account, which moves it through the stages
it has reached the way a user does (confirm the exit checklist, advance; a
manager's override or a regression with its reason), so that the history rows
and checklist lines are the ones the system itself records. Afterwards the
rows and the confirmations are dated back over the months the relationship
took. :meth:`_demo_set_plan_goals` sets a plan's goals in proportion to the
account's confirmed sales of the last 12 months, which the sales demo builds
relative to today: the goals stay believable whatever the day of install.

Only the demo data files call these methods, as the superuser.
"""

import math

from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError


class KeyAccountDemo(models.AbstractModel):
    _name = "key.account.demo"
    _description = "Key Account Demo Story"

    def _demo_check_superuser(self):
        if not self.env.su:
            raise UserError(self.env._("Only the demo data loader builds the story."))

    @api.model
    def _demo_walk_stages(self, partner_id, steps, ticked):
        """Walk a key account through ``steps`` and date them back.

        :param partner_id: a key account in the first stage
        :param steps: ``[(months_ago, stage_code, event, reason), ...]``, the
            first being the stage the account is in; ``event`` is
            ``progress``, ``override`` or ``regression``
        :param ticked: number of exit-checklist items of the last stage
            confirmed so far
        """
        self._demo_check_superuser()
        partner = self.env["res.partner"].browse(partner_id)
        stages = {
            stage.code: stage for stage in self.env["key.account.stage"].search([])
        }
        if partner.ka_stage_id != stages[steps[0][1]]:
            raise UserError(
                self.env._(
                    "%(account)s is not in stage %(stage)s.",
                    account=partner.display_name,
                    stage=stages[steps[0][1]].name,
                )
            )
        for __, code, event, reason in steps[1:]:
            current = partner.ka_checklist_line_ids.filtered(
                lambda line: line.stage_id == partner.ka_stage_id
            )
            if event == "progress":
                current.write({"done": True})
            elif event == "override":
                # the override is for a checklist that is not complete
                current[:-1].write({"done": True})
            partner.with_context(ka_stage_event=event, ka_stage_reason=reason).write(
                {"ka_stage_id": stages[code].id}
            )
        current = partner.ka_checklist_line_ids.filtered(
            lambda line: line.stage_id == partner.ka_stage_id
        )
        current[:ticked].filtered(lambda line: not line.done).write({"done": True})
        current[ticked:].filtered("done").write({"done": False})
        self._demo_date_back(partner, [months for months, *__ in steps])

    @api.model
    def _demo_date_back(self, partner, months_ago):
        """Date the history rows and the checklist confirmations back."""
        history = (
            self.env["key.account.stage.history"]
            .search([("partner_id", "=", partner.id)])
            .sorted("id")
        )
        if len(history) != len(months_ago):
            raise UserError(
                self.env._(
                    "%(account)s has %(rows)s stage history rows, not %(steps)s.",
                    account=partner.display_name,
                    rows=len(history),
                    steps=len(months_ago),
                )
            )
        now = fields.Datetime.now().replace(hour=2, minute=0, second=0, microsecond=0)
        starts = [now - relativedelta(months=months) for months in months_ago]
        ends = starts[1:] + [False]
        user = partner.ka_user_id or self.env.ref("base.user_admin")
        for row, start, end in zip(history, starts, ends, strict=True):
            row.write({"date_start": start, "date_end": end, "user_id": user.id})
        partner.write({"ka_stage_date": starts[-1]})
        # each stage left: its items confirmed in the days before leaving it
        left = {row.stage_id: row.date_end for row in history if row.date_end}
        today = fields.Date.context_today(self)
        lines = partner.ka_checklist_line_ids.filtered("done")
        current = lines.filtered(lambda line: line.stage_id == partner.ka_stage_id)
        for index, line in enumerate(lines - current):
            day = left[line.stage_id].date() - relativedelta(days=3 + 4 * index % 20)
            line.write({"done_date": day, "done_user_id": user.id})
        # the current stage: confirmed over the time spent in it so far
        spent = (today - starts[-1].date()).days
        for index, line in enumerate(current):
            day = starts[-1].date() + relativedelta(
                days=spent * (index + 1) // (len(current) + 1)
            )
            line.write({"done_date": day, "done_user_id": user.id})

    @api.model
    def _demo_set_plan_goals(self, plan_id, growth, budget_share=0.25):
        """Sales goal: the account's confirmed sales of the last 12 months
        times ``growth``; profit goal at the account's margin rate; budget a
        share of the profit goal."""
        self._demo_check_superuser()
        plan = self.env["key.account.plan"].browse(plan_id)
        account = plan.partner_id.commercial_partner_id
        orders = self.env["sale.order"].search(
            [
                ("partner_id", "child_of", account.id),
                ("state", "=", "sale"),
                ("date_order", ">=", fields.Datetime.now() - relativedelta(months=12)),
            ]
        )
        sales = sum(orders.mapped("amount_untaxed"))
        if not sales:
            raise UserError(
                self.env._(
                    "%(account)s has no confirmed sales to set goals from.",
                    account=account.display_name,
                )
            )
        margin_rate = sum(orders.mapped("margin")) / sales
        goal_sales = math.ceil(sales * growth / 10000) * 10000
        goal_profit = round(goal_sales * margin_rate, -3)
        plan.write(
            {
                "goal_sales": goal_sales,
                "goal_profit": goal_profit,
                "resource_budget": round(goal_profit * budget_share, -3),
            }
        )
