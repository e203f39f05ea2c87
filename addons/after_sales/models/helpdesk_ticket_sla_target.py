# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The SLA targets of loop tickets: first response and resolution.

The SLAs are helpdesk_mgmt_sla's (helpdesk_sla.py adds the loop's criteria
and targets; helpdesk_ticket_sla.py the warning date of a ticket's SLA). A
ticket carries the earliest deadline and warning date of each target; the
transitions (helpdesk_ticket.py) set the breached flags when the target is
reached late, the cron warns before a deadline and escalates a breach.
"""

from collections import defaultdict

from odoo import api, fields, models

from odoo.addons.sale_customer_mgmt.models.sale_customer_integrity_mixin import (
    as_system,
)
from odoo.addons.sale_customer_mgmt.tools import lock_batch

from .helpdesk_ticket import OPEN_LOOP_STATES

# Changing these matches the SLAs of an open loop ticket again.
SLA_CRITERIA = {"priority", "team_id", "category_id", "tag_ids", "partner_id"}


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

    # the first-response and resolution targets among the ticket's SLAs
    # (helpdesk_mgmt_sla), in the working hours of the team's calendar
    sla_response_deadline = fields.Datetime(
        string="First Response Deadline", compute="_compute_sla_deadlines", store=True
    )
    sla_resolution_deadline = fields.Datetime(
        string="Resolution Deadline", compute="_compute_sla_deadlines", store=True
    )
    sla_response_warning_date = fields.Datetime(
        string="First Response Warning on",
        compute="_compute_sla_deadlines",
        store=True,
    )
    sla_resolution_warning_date = fields.Datetime(
        string="Resolution Warning on", compute="_compute_sla_deadlines", store=True
    )
    sla_response_warned = fields.Boolean(
        string="First Response Warned", copy=False, readonly=True
    )
    sla_resolution_warned = fields.Boolean(
        string="Resolution Warned", copy=False, readonly=True
    )
    sla_response_breached = fields.Boolean(
        string="First Response Overdue", copy=False, readonly=True
    )
    sla_resolution_breached = fields.Boolean(
        string="Resolution Overdue", copy=False, readonly=True
    )

    @api.depends(
        "ticket_sla_ids.deadline",
        "ticket_sla_ids.warning_date",
        "ticket_sla_ids.after_sales_target",
    )
    def _compute_sla_deadlines(self):
        for ticket in self:
            for kind in ("response", "resolution"):
                lines = ticket.ticket_sla_ids.filtered(
                    lambda line, k=kind: line.after_sales_target == k
                )
                ticket[f"sla_{kind}_deadline"] = min(
                    lines.mapped("deadline") or [False]
                )
                ticket[f"sla_{kind}_warning_date"] = min(
                    [d for d in lines.mapped("warning_date") if d] or [False]
                )

    @api.model
    def _scm_system_fields(self):
        return super()._scm_system_fields() | {
            "sla_response_deadline",
            "sla_resolution_deadline",
            "sla_response_warning_date",
            "sla_resolution_warning_date",
            "sla_response_warned",
            "sla_resolution_warned",
            "sla_response_breached",
            "sla_resolution_breached",
        }

    def write(self, vals):
        res = super().write(vals)
        if SLA_CRITERIA & vals.keys() and not self.env.context.get(
            "after_sales_keep_sla"
        ):
            self._after_sales_refresh_sla()
        return res

    # ---------------------------------------------------------------
    # SLA matching (helpdesk_mgmt_sla) with the loop's criteria
    # ---------------------------------------------------------------

    def _get_sla_ticket_domain(self):
        """helpdesk_mgmt_sla's criteria, and the ticket's company, priority
        and customer tier."""
        domain = super()._get_sla_ticket_domain()
        tier = self.commercial_partner_id.customer_tier_id
        domain += [
            ("company_id", "in", [False, self.company_id.id]),
            ("priority", "in", [False, self.priority]),
            "|",
            ("tier_ids", "=", False),
            ("tier_ids", "in", tier.ids),
        ]
        return domain

    def _get_sla(self):
        """Of the matching SLAs of each loop target, the most specific one."""
        slas = super()._get_sla()
        best = {}
        for sla in slas.filtered("after_sales_target").sorted(
            lambda sla: sla._after_sales_specificity()
        ):
            best.setdefault(sla.after_sales_target, sla)
        others = slas.filtered(lambda sla: not sla.after_sales_target)
        return others | self.env["helpdesk.sla"].union(*best.values())

    def _after_sales_sla_key(self):
        """What the SLAs matching the ticket depend on (without filters)."""
        return (
            self.team_id.id,
            self.category_id.id,
            frozenset(self.tag_ids.ids),
            self.company_id.id,
            self.priority,
            self.commercial_partner_id.customer_tier_id.id,
        )

    def _after_sales_match_slas(self):
        """``{ticket: SLAs}`` of the tickets whose team uses SLAs, with
        helpdesk_mgmt_sla's ``_get_sla`` called once per kind of ticket
        (team, category, tags, company, priority, tier) rather than once per
        ticket, unless some SLA has a filter (then per ticket)."""
        tickets = self.filtered(lambda t: t.team_id.use_sla)
        if not tickets:
            return {}
        filtered = self.env["helpdesk.sla"].search_count(
            [("domain", "not in", [False, "", "[]"])], limit=1
        )
        memo = {}
        res = {}
        for ticket in tickets:
            if filtered:
                res[ticket] = ticket._get_sla()
                continue
            key = ticket._after_sales_sla_key()
            if key not in memo:
                memo[key] = ticket._get_sla()
            res[ticket] = memo[key]
        return res

    def set_sla(self):
        """helpdesk_mgmt_sla's SLAs of new tickets, matched and created in
        one batch (a batch of tickets: one create of their SLA lines)."""
        self.ticket_sla_ids.unlink()
        matches = self._after_sales_match_slas()
        self.env["helpdesk.ticket.sla"].create(
            [
                {"ticket_id": ticket.id, "sla_id": sla.id}
                for ticket, slas in matches.items()
                for sla in slas
            ]
        )

    def _after_sales_refresh_sla(self):
        """Match the SLAs of open loop tickets again (their priority, team,
        category, tags or customer tier changed), as helpdesk_mgmt_sla's
        ``refresh_sla`` does, in one batch: an SLA that no longer applies
        goes, a new one counts from the reception of the ticket."""
        tickets = self.filtered(
            lambda t: t.loop_enabled
            and t.team_id.use_sla
            and t.loop_state in OPEN_LOOP_STATES
        )
        matches = tickets._after_sales_match_slas()
        stale = self.env["helpdesk.ticket.sla"]
        new = []
        for ticket, slas in matches.items():
            stale |= ticket.ticket_sla_ids.filtered(lambda r, s=slas: r.sla_id not in s)
            for sla in slas - ticket.ticket_sla_ids.sla_id:
                new.append({"ticket_id": ticket.id, "sla_id": sla.id})
        stale.unlink()
        self.env["helpdesk.ticket.sla"].create(new)

    # ---------------------------------------------------------------
    # Cron: warnings and breaches
    # ---------------------------------------------------------------

    def _after_sales_schedule_activity(self, user_by_ticket, summary, deadlines=None):
        """One to-do per ticket for its user, in one batch per (user, date)."""
        groups = defaultdict(lambda: self.browse())
        for ticket in self:
            user = user_by_ticket(ticket)
            if user:
                deadline = deadlines(ticket) if deadlines else None
                groups[user, deadline] |= ticket
        # quick update: the handlers see the to-dos in their activities; a
        # batch of SLA warnings sends no mail per activity
        quick = self.with_context(mail_activity_quick_update=True)
        # the activities' record names, read per activity by mail: in cache
        self.fetch(["number", "name"])
        for (user, deadline), tickets in groups.items():
            tickets.with_env(quick.env).activity_schedule(
                "mail.mail_activity_data_todo",
                date_deadline=deadline,
                user_id=user.id,
                summary=summary,
            )

    @api.model
    def _after_sales_sla_domains(self):
        now = fields.Datetime.now()
        checks = [
            ("response", ("received", "dispatched")),
            ("resolution", OPEN_LOOP_STATES),
        ]
        res = []
        for kind, states in checks:
            warn = [
                ("loop_state", "in", states),
                (f"sla_{kind}_warning_date", "<=", now),
                (f"sla_{kind}_warned", "=", False),
            ]
            breach = [
                ("loop_state", "in", states),
                (f"sla_{kind}_deadline", "<", now),
                (f"sla_{kind}_breached", "=", False),
            ]
            res.append((kind, warn, breach))
        return res

    @api.model
    def _cron_after_sales_sla(self, batch_size=200):
        """Warn before SLA breaches and escalate breaches to the team leader.

        One batch per call and per check; the warned/breached flags are the
        markers, written in the same transaction as the activities.
        """
        done = remaining = 0
        for kind, warn_domain, breach_domain in self._after_sales_sla_domains():
            warn = lock_batch(self, warn_domain, batch_size)
            warn._after_sales_schedule_activity(
                lambda t: t.user_id or t.team_id.user_id,
                self.env._("SLA %(kind)s deadline close", kind=kind),
                deadlines=lambda t, k=kind: t[f"sla_{k}_deadline"].date(),
            )
            as_system(warn).write({f"sla_{kind}_warned": True})
            breach = lock_batch(self, breach_domain, batch_size)
            breach._after_sales_schedule_activity(
                lambda t: t.team_id.user_id or t.user_id,
                self.env._("SLA %(kind)s breached", kind=kind),
            )
            # escalated to the top priority, measured against the SLAs it
            # breached (not matched again to the stricter urgent ones)
            as_system(breach).with_context(after_sales_keep_sla=True).write(
                {f"sla_{kind}_breached": True, "priority": "3"}
            )
            done += len(warn) + len(breach)
            remaining += self.search_count(warn_domain) + self.search_count(
                breach_domain
            )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return remaining
