# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""After-sales closed loop on helpdesk tickets: states and transitions.

Loop states and helpdesk stages are kept consistent as follows (only for
tickets whose team has ``after_sales_loop``):

* ``received`` / ``dispatched``: any open stage (the stage is not touched);
* ``in_progress``: the first open, attended stage of the team (e.g. "In
  progress") when the ticket was in an unattended or closed stage;
* ``resolved`` / ``feedback`` / ``visited`` / ``closed``: the first closed
  stage of the team (e.g. "Done"). Helpdesk's "closed" means the work is done;
  the loop's ``closed`` means feedback and return visit are finished too.

Moving a ticket to a closed stage (kanban, portal "close" button) resolves it
(with the same guards as the Resolve button); moving a resolved ticket back to
an open stage reopens it. A closed loop cannot be reopened.

This file holds the loop itself: its fields, the checks of what users write,
and the transitions that ``create``/``write`` derive from a new loop state,
stage or assignee. The other concerns extend ``helpdesk.ticket`` in their own
files (``helpdesk_ticket_*.py``), around this ``create``/``write``: it is the
first of them in ``models/__init__.py``, so their overrides wrap it and only
act on what it has checked and written.
"""

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from odoo.addons.sale_customer_mgmt.models.sale_customer_integrity_mixin import (
    SYSTEM_TOKEN,
    SYSTEM_WRITE,
    as_system,
)
from odoo.addons.sale_customer_mgmt.tools import get_param

LOOP_STATES = [
    ("received", "Received"),
    ("dispatched", "Dispatched"),
    ("in_progress", "In Progress"),
    ("resolved", "Resolved"),
    ("feedback", "Customer Feedback"),
    ("visited", "Return Visit"),
    ("closed", "Closed"),
]
OPEN_LOOP_STATES = ("received", "dispatched", "in_progress")
# Transitions allowed through buttons, direct writes and RPC. "feedback" is
# only reachable through the customer channel (SYSTEM_TRANSITIONS).
ALLOWED_TRANSITIONS = {
    "received": {"dispatched"},
    "dispatched": {"in_progress", "received"},
    "in_progress": {"resolved"},
    "resolved": {"closed", "in_progress"},
    "feedback": {"visited"},
    "visited": {"closed"},
    "closed": set(),
}
# The loop's own moves, which no user makes: written with the system token
# (``as_system``) only, with the values their caller computed (no guard, no
# stage change): the customer's answer to a feedback request
# (helpdesk_ticket_feedback.py), and a satisfaction survey, which has no
# service work and waits for feedback from its creation.
SYSTEM_TRANSITIONS = {
    "received": {"resolved"},
    "dispatched": {"resolved"},
    "resolved": {"feedback"},
}
DATE_FIELDS = {
    "dispatched": "date_dispatched",
    "in_progress": "date_in_progress",
    "resolved": "date_resolved",
    "feedback": "date_feedback",
    "visited": "date_visited",
    "closed": "date_loop_closed",
}
# Relational values our overrides read before the ORM does.
CHECKED_MANY2ONE = ("partner_id", "stage_id", "user_id", "team_id", "visit_user_id")
# Fields only the customer channel may set (helpdesk_ticket_feedback.py).
CUSTOMER_FIELDS = {"feedback_rating", "feedback_comment", "feedback_channel"}
# Bounds of the loop's numeric settings when read back: a value stored by
# hand (not through the settings) beyond them would break the date
# arithmetic of the crons, and the default applies.
PARAM_LOW, PARAM_HIGH = 0, 10_000


def loop_param(env, key, default):
    """The setting ``after_sales.<key>`` (res_config_settings.py), of the
    type of ``default``."""
    return get_param(env, f"after_sales.{key}", default, PARAM_LOW, PARAM_HIGH)


def _hours_between(start, end):
    if not start or not end:
        return 0.0
    return (end - start).total_seconds() / 3600.0


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    # the integrity mixin checks what users write (system-written fields,
    # numbers); each concern adds its fields to _scm_system_fields()
    _inherit = ["helpdesk.ticket", "sale.customer.integrity.mixin"]

    loop_enabled = fields.Boolean(related="team_id.after_sales_loop")
    loop_state = fields.Selection(
        LOOP_STATES,
        string="Service Loop",
        default="received",
        required=True,
        tracking=True,
        copy=False,
        index=True,
    )
    date_received = fields.Datetime(
        string="Received on", default=fields.Datetime.now, copy=False, readonly=True
    )
    date_dispatched = fields.Datetime(string="Dispatched on", copy=False, readonly=True)
    date_in_progress = fields.Datetime(
        string="First Response on",
        copy=False,
        readonly=True,
        help="When work started for the first time (first response).",
    )
    date_resolved = fields.Datetime(string="Resolved on", copy=False, readonly=True)
    date_feedback = fields.Datetime(string="Feedback on", copy=False, readonly=True)
    date_visited = fields.Datetime(string="Return Visit on", copy=False, readonly=True)
    date_loop_closed = fields.Datetime(
        string="Loop Closed on", copy=False, readonly=True
    )
    first_response_hours = fields.Float(
        compute="_compute_loop_durations", store=True, aggregator="avg"
    )
    resolution_hours = fields.Float(
        compute="_compute_loop_durations", store=True, aggregator="avg"
    )
    reopen_count = fields.Integer(copy=False, readonly=True)
    no_feedback_reason = fields.Char(
        copy=False,
        tracking=True,
        help="Why the ticket is closed without customer feedback.",
    )
    # return visit
    visit_user_id = fields.Many2one(
        "res.users", string="Return Visit by", copy=False, readonly=True
    )
    visit_note = fields.Text(string="Return Visit Notes", copy=False)

    @api.depends("date_received", "date_in_progress", "date_resolved")
    def _compute_loop_durations(self):
        for ticket in self:
            ticket.first_response_hours = _hours_between(
                ticket.date_received, ticket.date_in_progress
            )
            ticket.resolution_hours = _hours_between(
                ticket.date_received, ticket.date_resolved
            )

    @api.depends("team_id")
    def _compute_stage_id(self):
        """As in helpdesk_mgmt, with the stages of each team looked up once
        per batch instead of once per ticket."""
        applicable = {}
        for ticket in self:
            team = ticket.team_id
            if team.id not in applicable:
                applicable[team.id] = team._get_applicable_stages()
            if ticket.stage_id not in applicable[team.id]:
                ticket.stage_id = applicable[team.id][:1]

    # ---------------------------------------------------------------
    # CRUD
    # ---------------------------------------------------------------

    @api.model
    def _scm_system_fields(self):
        """The loop's dates and durations: they feed the staff evaluation."""
        return super()._scm_system_fields() | {
            "date_received",
            "date_dispatched",
            "date_in_progress",
            "date_resolved",
            "date_feedback",
            "date_visited",
            "date_loop_closed",
            "first_response_hours",
            "resolution_hours",
            "reopen_count",
        }

    def _after_sales_is_system_write(self):
        """The write is the loop's own (``as_system``): the customer channel,
        the crons. Unlike ``_scm_is_system``, the superuser is not the
        customer: only the token counts."""
        return self.env.context.get(SYSTEM_WRITE) is SYSTEM_TOKEN

    def _after_sales_check_values(self, vals):
        """Refuse what only the loop may write, and values our overrides
        would stumble on, with the error the ORM gives for its own fields."""
        self._scm_check_vals(vals)
        if CUSTOMER_FIELDS & vals.keys() and not self._after_sales_is_system_write():
            raise AccessError(
                self.env._("Customer feedback can only be given by the customer.")
            )
        for name in CHECKED_MANY2ONE:
            value = vals.get(name)
            if value and (
                isinstance(value, bool) or not isinstance(value, int | models.BaseModel)
            ):
                raise ValidationError(
                    self.env._(
                        "Wrong value for %(field)s: %(value)r",
                        field=self._fields[name].string,
                        value=value,
                    )
                )
        if "loop_state" in vals and vals["loop_state"] not in dict(LOOP_STATES):
            raise ValidationError(
                self.env._(
                    "Wrong value for %(field)s: %(value)r",
                    field=self._fields["loop_state"].string,
                    value=vals["loop_state"],
                )
            )
        if "visit_user_id" in vals and vals["visit_user_id"] not in (
            False,
            self.env.uid,
        ):
            raise ValidationError(
                self.env._("A return visit is recorded by the person who made it.")
            )

    @api.model
    def _after_sales_reception_values(self, vals_list):
        """Complete the values of new tickets: the first stage of their team
        (looked up once per team; helpdesk_mgmt does it per ticket) and the
        service priority of their customer's tier."""
        first_stages = {}
        for vals in vals_list:
            if vals.get("team_id") and "stage_id" not in vals:
                team_id = vals["team_id"]
                if team_id not in first_stages:
                    team = self.env["helpdesk.ticket.team"].browse(team_id)
                    first_stages[team_id] = team._get_applicable_stages()[:1].id
                vals["stage_id"] = first_stages[team_id]
        partners = self.env["res.partner"].browse(
            list({vals["partner_id"] for vals in vals_list if vals.get("partner_id")})
        )
        for vals in vals_list:
            if vals.get("partner_id") and "priority" not in vals:
                partner = partners.browse(vals["partner_id"]).commercial_partner_id
                priority = partner.customer_tier_id.service_priority
                if priority:
                    vals["priority"] = priority

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._after_sales_check_values(vals)
            if vals.get("loop_state", "received") != "received":
                raise UserError(
                    self.env._("A new ticket always starts in the Received state.")
                )
        self._after_sales_reception_values(vals_list)
        tickets = super().create(vals_list)
        # a new loop ticket with an assignee is dispatched to them
        assigned = tickets.filtered(lambda t: t.loop_enabled and t.user_id)
        if assigned:
            assigned.write({"loop_state": "dispatched"})
        return tickets

    def write(self, vals):
        self._after_sales_check_values(vals)
        if not {"loop_state", "stage_id", "user_id"} & vals.keys():
            return super().write(vals)
        loop_tickets = self.filtered("loop_enabled")
        others = self - loop_tickets
        if "loop_state" in vals and others:
            raise UserError(
                self.env._(
                    "The after-sales loop is not enabled for the team of "
                    "ticket %(ticket)s.",
                    ticket=others[0].display_name,
                )
            )
        res = super(HelpdeskTicket, others).write(vals) if others else True
        # Transitions depend on each ticket's current state; the tickets
        # ending with the same values are written together (a batch of
        # tickets in the same state: one write).
        groups = {}
        stages = {}  # stage of each team, looked up once for the batch
        for ticket in loop_tickets:
            ticket_vals = ticket._after_sales_prepare_transition(
                dict(vals), stages=stages
            )
            key = repr(sorted(ticket_vals.items()))
            groups.setdefault(key, (ticket_vals, []))[1].append(ticket.id)
        for ticket_vals, ids in groups.values():
            # the user's values were checked above; the transition adds the
            # loop's dates and flags, which the loop writes
            super(HelpdeskTicket, as_system(self.browse(ids))).write(ticket_vals)
        return res

    # ---------------------------------------------------------------
    # Transitions
    # ---------------------------------------------------------------

    def _after_sales_stage(self, kind, stages=None):
        """First applicable stage of the team of the given kind.

        ``stages``: a dict kept by the caller for a batch of tickets, where
        the stage of each (team, kind) is remembered.
        """
        if stages is not None:
            key = (self.team_id.id, kind)
            if key not in stages:
                stages[key] = self._after_sales_stage(kind)
            return stages[key]
        stages = self.team_id._get_applicable_stages()
        if kind == "closed":
            return stages.filtered("closed")[:1]
        open_stages = stages.filtered(lambda s: not s.closed)
        return open_stages.filtered(lambda s: not s.unattended)[:1] or open_stages[:1]

    def _after_sales_prepare_transition(self, vals, stages=None):
        """Check the loop transition implied by ``vals`` and complete ``vals``.

        Called for one loop ticket; raises when the transition is not allowed.
        """
        self.ensure_one()
        current = self.loop_state
        target = vals.get("loop_state")
        stage_driven = False
        if not target and vals.get("stage_id"):
            stage = self.env["helpdesk.ticket.stage"].browse(vals["stage_id"])
            if stage.closed and current in OPEN_LOOP_STATES:
                target, stage_driven = "resolved", True
            elif not stage.closed and current in ("resolved", "feedback", "visited"):
                target, stage_driven = "in_progress", True
            elif not stage.closed and current == "closed":
                raise UserError(
                    self.env._(
                        "Ticket %(ticket)s has completed the service loop and "
                        "cannot be reopened.",
                        ticket=self.display_name,
                    )
                )
        if not target and "user_id" in vals:
            if vals["user_id"] and current == "received":
                target = "dispatched"
            elif not vals["user_id"] and current == "dispatched":
                target = "received"
        if not target or target == current:
            return vals
        if (
            target in SYSTEM_TRANSITIONS.get(current, ())
            and self._after_sales_is_system_write()
        ):
            # the loop's own move, with the values its caller computed
            return vals
        if stage_driven and target == "in_progress" and current != "resolved":
            # reopening a ticket with feedback: same as a negative feedback
            pass
        elif not stage_driven and target not in ALLOWED_TRANSITIONS[current]:
            raise UserError(
                self.env._(
                    "Ticket %(ticket)s cannot go from %(from)s to %(to)s.",
                    ticket=self.display_name,
                    **{
                        "from": dict(LOOP_STATES)[current],
                        "to": dict(LOOP_STATES)[target],
                    },
                )
            )
        self._after_sales_check_guard(target, vals)
        vals["loop_state"] = target
        vals.update(
            self._after_sales_transition_values(current, target, vals, stages=stages)
        )
        return vals

    def _after_sales_check_guard(self, target, vals):
        self.ensure_one()
        if target == "dispatched" and not vals.get("user_id", self.user_id.id):
            raise UserError(self.env._("Assign a user before dispatching the ticket."))
        if target == "resolved":
            missing = self.form_answer_ids.filtered(
                lambda a: a.is_required and not a.is_answered
            )
            if missing:
                raise UserError(
                    self.env._(
                        "Answer the required service form questions before "
                        "resolving: %(questions)s",
                        questions=", ".join(missing.mapped("question_id.name")),
                    )
                )
        if target == "closed":
            reason = vals.get("no_feedback_reason", self.no_feedback_reason)
            if self.loop_state == "resolved" and not (reason or "").strip():
                raise UserError(
                    self.env._(
                        "A ticket without customer feedback can only be closed "
                        "with a no-feedback reason."
                    )
                )
        if target == "visited":
            # the acting user is the visitor (_after_sales_check_values
            # refuses naming someone else)
            visitor = self.env.user
            if visitor == self.user_id:
                raise ValidationError(
                    self.env._(
                        "The return visit must be done by someone other than "
                        "%(user)s, who handled the ticket.",
                        user=self.user_id.name,
                    )
                )

    def _after_sales_transition_values(self, current, target, vals, stages=None):
        self.ensure_one()
        now = fields.Datetime.now()
        res = {DATE_FIELDS[target]: now} if target in DATE_FIELDS else {}
        if target == "dispatched" and self.date_dispatched:
            res.pop("date_dispatched")
        if target == "in_progress":
            if current in OPEN_LOOP_STATES:
                if self.date_in_progress:
                    res.pop("date_in_progress")
                elif self.sla_response_deadline:
                    res["sla_response_breached"] = now > self.sla_response_deadline
            else:
                # reopened: the resolution and feedback must be given again
                res.pop("date_in_progress")
                res.update(
                    {
                        "reopen_count": self.reopen_count + 1,
                        "feedback_request_date": False,
                        "date_resolved": False,
                        "no_feedback_reason": False,
                    }
                )
            if "stage_id" not in vals and (
                self.stage_id.closed or self.stage_id.unattended
            ):
                res["stage_id"] = self._after_sales_stage("open", stages).id
        if target == "resolved":
            for state in ("dispatched", "in_progress"):
                if not self[DATE_FIELDS[state]]:
                    res[DATE_FIELDS[state]] = now
            if self.sla_resolution_deadline:
                res["sla_resolution_breached"] = now > self.sla_resolution_deadline
            if (
                "date_in_progress" in res
                and self.sla_response_deadline
                and not self.date_in_progress
            ):
                res["sla_response_breached"] = now > self.sla_response_deadline
            if "stage_id" not in vals and not self.stage_id.closed:
                stage = self._after_sales_stage("closed", stages)
                if stage:
                    res["stage_id"] = stage.id
                    res["closed_date"] = now
                    res["last_stage_update"] = now
        if target == "visited":
            res["visit_user_id"] = self.env.uid
        if target == "received":
            res["user_id"] = False
        return res

    # ---------------------------------------------------------------
    # Buttons
    # ---------------------------------------------------------------

    def action_after_sales_start(self):
        self.write({"loop_state": "in_progress"})
        return True

    def action_after_sales_resolve(self):
        self.write({"loop_state": "resolved"})
        return True

    def action_after_sales_reopen(self):
        self.write({"loop_state": "in_progress"})
        return True

    def action_after_sales_visit(self):
        self.write({"loop_state": "visited"})
        return True

    def action_after_sales_close(self):
        self.write({"loop_state": "closed"})
        return True

    def action_after_sales_print_report(self):
        return self.env.ref("after_sales.action_report_service_ticket").report_action(
            self
        )
