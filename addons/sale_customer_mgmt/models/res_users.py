# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from collections import defaultdict

from dateutil import relativedelta as rd

from odoo import Command, api, fields, models

from ..tools import lock_batch
from .sale_customer_integrity_mixin import finite_or

MAX_POOL_TARGET = 10000

WEEKDAY_CODES = {"MON": rd.MO, "TUE": rd.TU, "WED": rd.WE, "THU": rd.TH, "FRI": rd.FR}
WEEKDAY_CODES.update({"SAT": rd.SA, "SUN": rd.SU})


class ResUsers(models.Model):
    _name = "res.users"
    _inherit = ["res.users", "sale.customer.integrity.mixin"]

    prospect_pool_target = fields.Integer(
        string="Own Prospect Pool Target",
        help="Live prospects this salesperson should keep; 0 uses the company target.",
    )
    prospect_pool_count = fields.Integer(
        string="Live Prospects", compute="_compute_prospect_pool"
    )
    prospect_pool_shortfall = fields.Integer(
        string="Prospect Shortfall", compute="_compute_prospect_pool"
    )
    dev_day_event_id = fields.Many2one(
        "calendar.event", string="Development Day Event", copy=False
    )

    @api.depends("prospect_pool_target")
    @api.depends_context("company")
    def _compute_prospect_pool(self):
        data = self.env["crm.lead"]._read_group(
            [
                ("user_id", "in", self.ids),
                ("probability", "<", 100),
                ("company_id", "in", [self.env.company.id, False]),
            ],
            ["user_id"],
            ["__count"],
        )
        counts = {user.id: count for user, count in data}
        default_target = int(
            self.env.company._get_customer_setting("prospect_pool_target")
        )
        for user in self:
            user.prospect_pool_count = counts.get(user.id, 0)
            target = (
                int(finite_or(user.prospect_pool_target, 0, 0, MAX_POOL_TARGET))
                or default_target
            )
            user.prospect_pool_shortfall = max(target - user.prospect_pool_count, 0)

    @api.constrains("prospect_pool_target")
    def _check_prospect_pool_target(self):
        self._scm_check_range(self, {"prospect_pool_target": (0, MAX_POOL_TARGET)})

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._scm_check_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._scm_check_vals(vals)
        return super().write(vals)

    @api.model
    def _get_development_day_rrule(self, company):
        return {
            "recurrency": True,
            "rrule_type": "monthly",
            "rrule_type_ui": "monthly",
            "month_by": "day",
            "byday": company.dev_day_week,
            "weekday": company.dev_day_weekday,
            "end_type": "count",
            "count": 12,
            "interval": 1,
        }

    @api.model
    def _get_next_development_day(self, company, today):
        """First development day (e.g. second Friday of the month) on or after today."""
        weekday = WEEKDAY_CODES[company.dev_day_weekday or "FRI"]
        week = int(company.dev_day_week or 2)
        month = today.replace(day=1)
        for _i in range(2):
            if week > 0:
                day = month + rd.relativedelta(weekday=weekday(+week))
            else:
                day = month + rd.relativedelta(day=31, weekday=weekday(-1))
            if day >= today:
                return day
            month += rd.relativedelta(months=1)
        return day

    def _needs_development_day(self, today):
        """The users of self without a development day on or after today."""

        def has_day_ahead(user):
            series = user.dev_day_event_id.recurrence_id.calendar_event_ids
            return any(day >= today for day in series.mapped("start_date"))

        return self.filtered(lambda user: not has_day_ahead(user))

    def _schedule_development_day(self, company):
        """Create a year of monthly development days for users without one ahead."""
        today = fields.Date.context_today(self)
        first_day = self._get_next_development_day(company, today)
        users = self._needs_development_day(today)
        if not users:
            return True
        events = (
            self.env["calendar.event"]
            .with_context(no_mail_to_attendees=True, mail_create_nolog=True)
            .create(
                [
                    {
                        "name": self.env._("New-customer development day"),
                        "user_id": user.id,
                        "allday": True,
                        "start": first_day,
                        "stop": first_day,
                        "start_date": first_day,
                        "stop_date": first_day,
                        "partner_ids": [Command.set(user.partner_id.ids)],
                        **self._get_development_day_rrule(company),
                    }
                    for user in users
                ]
            )
        )
        for user, event in zip(users, events, strict=True):
            # sudo: users cannot write res.users themselves
            user.sudo().dev_day_event_id = event
        return True

    @api.model
    def _cron_schedule_development_days(self, batch_size=50):
        """Give every sales team member a year of development days ahead.

        One batch of users per call: the users are locked (``SKIP LOCKED``)
        so that two cron workers at once never plan the same user twice nor
        wait for each other; a planned user has a development day ahead and
        leaves the selection, so an interrupted run resumes where it stopped.
        Returns the number of users left to plan."""
        today = fields.Date.context_today(self)
        members = self.env["crm.team.member"].search([])
        todo = []
        for company in self.env["res.company"].search([]):
            users = members.filtered(
                lambda m, c=company: m.crm_team_id.company_id
                in (c, self.env["res.company"])
            ).user_id.filtered(lambda u, c=company: c in u.company_ids)
            todo += [(user, company) for user in users._needs_development_day(today)]
        candidates = {user.id for user, __ in todo}
        locked = set()
        if candidates:
            # users another worker is planning are skipped, not waited for
            locked = set(
                lock_batch(
                    self.with_context(active_test=False),
                    [("id", "in", sorted(candidates))],
                    batch_size,
                ).ids
            )
        batch = defaultdict(lambda: self.browse())
        for user, company in todo:
            if user.id in locked:
                batch[company] |= user
                locked.discard(user.id)  # one company's series per user and run
        for company, users in batch.items():
            users._schedule_development_day(company)
        done = sum(len(users) for users in batch.values())
        remaining = max(len(candidates) - done, 0)
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return remaining
