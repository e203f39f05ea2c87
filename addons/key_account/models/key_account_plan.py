# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from dateutil.relativedelta import relativedelta

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# the states a plan may move to from each state (buttons and writes alike)
PLAN_TRANSITIONS = {
    "draft": ("active",),
    "active": ("closed",),
    "closed": (),
}
# written by the "Mark Reviewed" button only
PLAN_SYSTEM_FIELDS = ("last_review_date",)
MAX_REVIEW_INTERVAL = 60


class KeyAccountPlan(models.Model):
    _name = "key.account.plan"
    _description = "Key Account Plan"
    _inherit = ["mail.thread", "mail.activity.mixin", "sale.customer.integrity.mixin"]
    _order = "date_from desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    partner_id = fields.Many2one(
        "res.partner",
        string="Account",
        required=True,
        index=True,
        tracking=True,
        check_company=True,
        domain=[("is_key_account", "=", True)],
    )
    company_id = fields.Many2one(
        "res.company", required=True, default=lambda self: self.env.company
    )
    currency_id = fields.Many2one(related="company_id.currency_id")
    user_id = fields.Many2one(
        "res.users",
        string="Responsible",
        default=lambda self: self.env.user,
        tracking=True,
        check_company=True,
    )
    date_from = fields.Date(string="Start", required=True, tracking=True)
    date_to = fields.Date(string="End", required=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("active", "Active"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
    )
    # goals
    goal_sales = fields.Monetary(string="Sales Goal")
    goal_profit = fields.Monetary(string="Profit Goal")
    goal_share = fields.Float(
        string="Share of Wallet Goal (%)",
        help="The share of the customer's purchases in our category that we aim "
        "at, 0-100.",
    )
    goal_people = fields.Text(string="People Development Goal")
    # resources
    resource_budget = fields.Monetary(string="Budget")
    resource_experts = fields.Text(string="Experts")
    resource_support = fields.Text(string="Technical Support")
    resource_relationships = fields.Text(string="Relationships")
    # opportunities
    opportunity_policy = fields.Text(string="Policy")
    opportunity_technology = fields.Text(string="Technology Breakthrough")
    opportunity_business = fields.Text(string="Business Model Innovation")
    opportunity_window = fields.Text(string="Time Window")
    action_ids = fields.One2many("key.account.plan.action", "plan_id", string="Actions")
    balance_ok = fields.Boolean(string="Balanced", compute="_compute_balance")
    balance_message = fields.Text(string="Balance Check", compute="_compute_balance")
    # review
    review_interval = fields.Integer(
        string="Review Every (Months)",
        default=3,
        required=True,
        help="1 to 60 months.",
    )
    last_review_date = fields.Date(readonly=True, tracking=True)
    next_review_date = fields.Date(tracking=True)

    @api.depends(
        "goal_sales",
        "goal_profit",
        "goal_share",
        "goal_people",
        "resource_budget",
        "resource_experts",
        "resource_support",
        "resource_relationships",
        "opportunity_policy",
        "opportunity_technology",
        "opportunity_business",
        "opportunity_window",
        "action_ids.user_id",
        "action_ids.date_deadline",
    )
    def _compute_balance(self):
        for plan in self:
            problems = []
            has_goals = bool(
                plan.goal_sales
                or plan.goal_profit
                or plan.goal_share
                or plan.goal_people
            )
            has_resources = bool(
                plan.resource_budget
                or plan.resource_experts
                or plan.resource_support
                or plan.resource_relationships
            )
            has_opportunities = bool(
                plan.opportunity_policy
                or plan.opportunity_technology
                or plan.opportunity_business
                or plan.opportunity_window
            )
            if not has_goals:
                problems.append(self.env._("No goal is set."))
            if has_goals and not has_resources:
                problems.append(self.env._("Goals are set but no resources back them."))
            if has_goals and not has_opportunities:
                problems.append(
                    self.env._("Goals are set but no market opportunity supports them.")
                )
            if has_resources and not has_goals:
                problems.append(self.env._("Resources are committed without a goal."))
            if plan.goal_profit and plan.resource_budget > plan.goal_profit:
                problems.append(self.env._("The budget exceeds the profit goal."))
            if not plan.action_ids:
                problems.append(self.env._("The plan has no action."))
            elif plan.action_ids.filtered(
                lambda a: not a.user_id or not a.date_deadline
            ):
                problems.append(self.env._("Some actions lack an owner or a deadline."))
            plan.balance_ok = not problems
            plan.balance_message = (
                "\n".join(problems)
                if problems
                else self.env._("Goals, resources and opportunities are balanced.")
            )

    @api.constrains("date_from", "date_to")
    def _check_dates(self):
        for plan in self:
            if plan.date_from and plan.date_to and plan.date_from > plan.date_to:
                raise ValidationError(self.env._("The plan must end after it starts."))

    @api.constrains("review_interval")
    def _check_review_interval(self):
        for plan in self:
            if not 1 <= plan.review_interval <= MAX_REVIEW_INTERVAL:
                raise ValidationError(
                    self.env._(
                        "The review interval must be between 1 and %(max)s months.",
                        max=MAX_REVIEW_INTERVAL,
                    )
                )

    @api.constrains("goal_share")
    def _check_goal_share(self):
        for plan in self:
            if not 0 <= plan.goal_share <= 100:
                raise ValidationError(
                    self.env._("The share of wallet goal is a percentage (0-100).")
                )

    @api.constrains("goal_sales", "goal_profit", "resource_budget")
    def _check_amounts(self):
        for plan in self:
            for fname in ("goal_sales", "goal_profit", "resource_budget"):
                if plan[fname] < 0:
                    raise ValidationError(
                        self.env._(
                            "%(field)s cannot be negative.",
                            field=self._fields[fname]._description_string(self.env),
                        )
                    )

    def _check_write_rules(self, vals):
        """States move only forward (draft, active, closed) and a closed plan
        is no longer changed, for buttons and writes alike."""
        system = [fname for fname in PLAN_SYSTEM_FIELDS if fname in vals]
        if system:
            raise UserError(
                self.env._(
                    "The last review date is recorded by Mark Reviewed; it cannot "
                    "be set by hand."
                )
            )
        new_state = vals.get("state")
        own = [
            fname
            for fname in vals
            if fname in self._fields and self._fields[fname]._module == "key_account"
        ]
        states = dict(self._fields["state"]._description_selection(self.env))
        for plan in self:
            if plan.state == "closed" and own:
                raise UserError(
                    self.env._(
                        "%(plan)s is closed and can no longer be changed.",
                        plan=plan.display_name,
                    )
                )
            if "state" in vals and new_state != plan.state:
                if new_state not in PLAN_TRANSITIONS.get(plan.state, ()):
                    raise UserError(
                        self.env._(
                            "%(plan)s cannot go from %(old)s to %(new)s: a plan "
                            "goes from draft to active to closed.",
                            plan=plan.display_name,
                            old=states.get(plan.state, plan.state),
                            new=states.get(new_state, str(new_state))
                            if isinstance(new_state, str)
                            else str(new_state),
                        )
                    )

    def write(self, vals):
        if not self.env.su:
            self._check_write_rules(vals)
        return super().write(vals)

    def _schedule_review(self):
        for plan in self.filtered("next_review_date"):
            plan.activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=plan.next_review_date,
                summary=self.env._("Review the account plan"),
                user_id=(plan.user_id or self.env.user).id,
            )

    def action_activate(self):
        if self.filtered(lambda p: p.state != "draft"):
            raise UserError(self.env._("Only a draft plan can be activated."))
        today = fields.Date.context_today(self)
        for plan in self:
            vals = {"state": "active"}
            if not plan.next_review_date:
                vals["next_review_date"] = today + relativedelta(
                    months=plan.review_interval
                )
            plan.write(vals)
        self._schedule_review()
        return True

    def action_review_done(self):
        if self.filtered(lambda p: p.state != "active"):
            raise UserError(self.env._("Only an active plan is reviewed."))
        self.check_access("write")
        today = fields.Date.context_today(self)
        for plan in self:
            plan.activity_feedback(["mail.mail_activity_data_todo"])
            # sudo: the review date is system data that users cannot write
            # (checked above: the user may write the plan)
            plan.sudo().write(
                {
                    "last_review_date": today,
                    "next_review_date": today
                    + relativedelta(months=plan.review_interval),
                }
            )
        self._schedule_review()
        return True

    def action_close(self):
        self.write({"state": "closed"})
        return True
