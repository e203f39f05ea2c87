# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""After-sales closed loop on helpdesk tickets.

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
"""

import functools
import math
from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tools import SQL, create_index, index_exists
from odoo.tools.sql import column_exists, create_column

from .system_write import as_system, check_system_fields

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
# only reachable through the customer channel (_after_sales_apply_feedback).
ALLOWED_TRANSITIONS = {
    "received": {"dispatched"},
    "dispatched": {"in_progress", "received"},
    "in_progress": {"resolved"},
    "resolved": {"closed", "in_progress"},
    "feedback": {"visited"},
    "visited": {"closed"},
    "closed": set(),
}
DATE_FIELDS = {
    "dispatched": "date_dispatched",
    "in_progress": "date_in_progress",
    "resolved": "date_resolved",
    "feedback": "date_feedback",
    "visited": "date_visited",
    "closed": "date_loop_closed",
}
# Fields only the customer channel may set.
CUSTOMER_FIELDS = {"feedback_rating", "feedback_comment", "feedback_channel"}
# Set by the loop only (they feed the staff evaluation): refused in create()
# and write() unless the call is the loop's own (SYSTEM_WRITE in the context).
SYSTEM_FIELDS = {
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
    "feedback_request_date",
    "sla_response_deadline",
    "sla_resolution_deadline",
    "sla_response_warning_date",
    "sla_resolution_warning_date",
    "sla_response_warned",
    "sla_resolution_warned",
    "sla_response_breached",
    "sla_resolution_breached",
    "complaint_escalated",
    "is_satisfaction_survey",
}
# Relational values our overrides read before the ORM does.
CHECKED_MANY2ONE = ("partner_id", "stage_id", "user_id", "team_id", "visit_user_id")
# Changing these matches the SLAs of an open loop ticket again.
SLA_CRITERIA = {"priority", "team_id", "category_id", "tag_ids", "partner_id"}


def lock_batch(records, domain, limit, order="id"):
    """Up to ``limit`` records of ``records``' model matching ``domain``,
    locked until the end of the transaction.

    Rows another transaction (a second cron worker) has locked are skipped
    instead of waited for (FOR NO KEY UPDATE SKIP LOCKED): two workers take
    different batches and never wait for each other. Each cron writes its
    marker (the reason why a record no longer matches its domain) in the same
    transaction, so a worker that started before the other one committed
    cannot redo the work either: locking a row updated since its snapshot
    fails (repeatable read) and the batch is retried at the next run.
    """
    query = records._search(domain, limit=limit, order=order)
    rows = records.env.execute_query(
        SQL(
            "%s FOR NO KEY UPDATE OF %s SKIP LOCKED",
            query.select(),
            SQL.identifier(records._table),
        )
    )
    return records.browse(row[0] for row in rows)


def _hours_between(start, end):
    if not start or not end:
        return 0.0
    return (end - start).total_seconds() / 3600.0


class HelpdeskTicket(models.Model):
    _name = "helpdesk.ticket"
    _inherit = ["helpdesk.ticket", "after.sales.number.mixin"]

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
    # feedback (customer channel only)
    feedback_rating = fields.Integer(
        copy=False,
        readonly=True,
        aggregator="avg",
        help="1 (very unsatisfied) to 5 (very satisfied), given by the customer "
        "through the feedback link or the portal.",
    )
    feedback_comment = fields.Text(copy=False, readonly=True)
    feedback_channel = fields.Selection(
        [("link", "Feedback Link"), ("portal", "Portal")],
        copy=False,
        readonly=True,
    )
    feedback_request_date = fields.Datetime(
        string="Feedback Requested on", copy=False, readonly=True
    )
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
    # complaints
    is_complaint = fields.Boolean(string="Complaint", tracking=True, copy=False)
    complaint_type = fields.Selection(
        [
            ("product", "Product Quality"),
            ("service", "Service"),
            ("delivery", "Delivery"),
            ("attitude", "Staff Attitude"),
            ("billing", "Billing"),
            ("other", "Other"),
        ],
        tracking=True,
    )
    complaint_root_cause = fields.Text()
    complaint_user_id = fields.Many2one(
        "res.users",
        string="Employee Concerned",
        help="Employee the complaint is about; counted in their evaluation.",
    )
    complaint_escalated = fields.Boolean(copy=False, readonly=True)
    is_defector_interview = fields.Boolean(string="Defector Interview", copy=False)
    is_satisfaction_survey = fields.Boolean(
        copy=False,
        readonly=True,
        help="Ticket created to survey the customer's satisfaction after a sale.",
    )
    # SLA: the first-response and resolution targets among the ticket's SLAs
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
    # service form
    form_template_id = fields.Many2one(
        "after.sales.form.template",
        string="Service Form",
        compute="_compute_form_template_id",
        store=True,
        readonly=False,
    )
    form_answer_ids = fields.One2many(
        "after.sales.form.answer", "ticket_id", string="Service Form Answers"
    )

    # stored computes of the loop that have nothing to compute on tickets
    # made before the installation (no loop dates, teams not in the loop)
    LOOP_COMPUTED_COLUMNS = (
        "first_response_hours",
        "resolution_hours",
        "sla_response_deadline",
        "sla_resolution_deadline",
        "sla_response_warning_date",
        "sla_resolution_warning_date",
        "form_template_id",
    )

    def _auto_init(self):
        """Installing into a running helpdesk leaves its tickets as they are.

        Odoo computes a new stored field on every existing row, which would
        rewrite every ticket (``write_date`` included) with empty values:
        the tickets of teams that existed before do not use the loop until
        their team opts in (then the SLA and form are computed for them).
        The columns are created empty beforehand, so nothing is rewritten.
        """
        cr = self.env.cr
        if column_exists(cr, self._table, "id"):
            for name in self.LOOP_COMPUTED_COLUMNS:
                if not column_exists(cr, self._table, name):
                    field = self._fields[name]
                    create_column(cr, self._table, name, field.column_type[1])
        return super()._auto_init()

    def init(self):
        res = super().init()
        cr = self.env.cr
        # The default order of tickets (priority desc, sequence, number desc,
        # id desc) had no index: every list page sorted all the tickets (60 ms
        # for 200 000 tickets in the benchmark); with it, 80 index entries.
        create_index(
            cr,
            "helpdesk_ticket_list_order_index",
            self._table,
            ["priority DESC", "sequence", "number DESC", "id DESC"],
        )
        # The list count (up to 10 001 rows) of an agent restricted to the
        # team's tickets filters on the record-rule columns of helpdesk_mgmt:
        # an index-only scan of this narrow index instead of the wide table
        # (3 ms instead of 8 ms for 200 000 tickets). In id order, so that
        # every team finds its rows spread evenly.
        if not index_exists(cr, "helpdesk_ticket_rule_cover_index"):
            cr.execute(
                SQL(
                    "CREATE INDEX %s ON %s (id) INCLUDE (team_id, user_id, "
                    "partner_id, company_id, active)",
                    SQL.identifier("helpdesk_ticket_rule_cover_index"),
                    SQL.identifier(self._table),
                )
            )
        # Customer signals (ratings, complaints) of a batch of customers in
        # the tier recompute, and the partner form's counters, select tickets
        # by commercial partner; helpdesk_mgmt has no index on it (a full
        # scan per batch of 1 000 customers).
        create_index(
            cr,
            "helpdesk_ticket_commercial_partner_id_index",
            self._table,
            ["commercial_partner_id"],
        )
        # Complaints are a few percent of the tickets: counted per employee
        # for the evaluation (complaint_user_id, date_received) without a
        # full scan.
        create_index(
            cr,
            "helpdesk_ticket_complaint_user_index",
            self._table,
            ["complaint_user_id", "date_received"],
            where="is_complaint",
        )
        # Deleting tickets (ON DELETE SET NULL of helpdesk_mgmt's duplicate_id)
        # looked for the duplicates of each one with a full scan of the
        # tickets: quadratic for a batch (hours for 200 000 tickets).
        create_index(
            cr,
            "helpdesk_ticket_duplicate_id_index",
            self._table,
            ["duplicate_id"],
            where="duplicate_id IS NOT NULL",
        )
        return res

    def _check_access(self, operation):
        """Record rules of a page of tickets checked in SQL.

        When no stored column is to be fetched (e.g. a list reads related or
        x2many fields), Odoo checks the record rules of the records read in
        Python (``filtered_domain``): with helpdesk_mgmt's agent rules (team,
        personal, followers) that is ~8 leaves per ticket, 5 ms for a page of
        80. The same rules in SQL, as ``fetch()`` does when it reads columns,
        cost one query.
        """
        if operation != "read" or self.env.su or len(self) < 20 or not all(self._ids):
            return super()._check_access(operation)
        # access rights of the model (an empty recordset checks only those)
        result = super(HelpdeskTicket, self.browse())._check_access(operation)
        if result:
            return self, result[1]
        allowed = self.browse(
            self.with_context(active_test=False)._search([("id", "in", self.ids)])
        )
        forbidden = self - allowed
        if forbidden:
            return forbidden, functools.partial(
                self.env["ir.rule"]._make_access_error, operation, forbidden
            )
        return None

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

    @api.depends("category_id", "team_id")
    def _compute_form_template_id(self):
        templates = self.env["after.sales.form.template"].search([])
        for ticket in self:
            if ticket.form_answer_ids:
                # keep the form that was already answered
                ticket.form_template_id = ticket.form_template_id
            else:
                ticket.form_template_id = templates._match(ticket)

    # ---------------------------------------------------------------
    # CRUD
    # ---------------------------------------------------------------

    def _after_sales_system(self):
        """The same records, for a write the loop itself makes."""
        return as_system(self)

    def _after_sales_check_values(self, vals):
        """Refuse what only the loop may write, and values our overrides
        would stumble on, with the error the ORM gives for its own fields."""
        check_system_fields(self, vals, SYSTEM_FIELDS)
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

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._after_sales_check_values(vals)
        partner_ids = {
            vals["partner_id"] for vals in vals_list if vals.get("partner_id")
        }
        partners = self.env["res.partner"].browse(list(partner_ids))
        tier_field = "customer_tier_id" in partners._fields
        # helpdesk_mgmt looks up the first stage of the team per ticket
        first_stages = {}
        for vals in vals_list:
            if vals.get("team_id") and "stage_id" not in vals:
                team_id = vals["team_id"]
                if team_id not in first_stages:
                    team = self.env["helpdesk.ticket.team"].browse(team_id)
                    first_stages[team_id] = team._get_applicable_stages()[:1].id
                vals["stage_id"] = first_stages[team_id]
        for vals in vals_list:
            if CUSTOMER_FIELDS & vals.keys():
                raise AccessError(
                    self.env._("Customer feedback can only be given by the customer.")
                )
            if vals.get("loop_state", "received") != "received":
                raise UserError(
                    self.env._("A new ticket always starts in the Received state.")
                )
            if tier_field and vals.get("partner_id") and "priority" not in vals:
                partner = partners.browse(vals["partner_id"]).commercial_partner_id
                priority = partner.customer_tier_id.service_priority
                if priority:
                    vals["priority"] = priority
        tickets = super().create(vals_list)
        loop_tickets = tickets.filtered("loop_enabled")
        assigned = loop_tickets.filtered("user_id")
        if assigned:
            super(HelpdeskTicket, assigned._after_sales_system()).write(
                {"loop_state": "dispatched", "date_dispatched": fields.Datetime.now()}
            )
        to_dispatch = loop_tickets.filtered(
            lambda t: not t.user_id and t.team_id.after_sales_auto_dispatch
        )
        if to_dispatch:
            to_dispatch._after_sales_auto_dispatch()
        loop_tickets._after_sales_sync_form_answers()
        loop_tickets.filtered("is_complaint")._after_sales_escalate_complaint()
        return tickets

    def write(self, vals):
        self._after_sales_check_values(vals)
        if CUSTOMER_FIELDS & vals.keys():
            raise AccessError(
                self.env._("Customer feedback can only be given by the customer.")
            )
        new_complaints = self.browse()
        if vals.get("is_complaint"):
            new_complaints = self.filtered(lambda t: not t.is_complaint)
        if not {"loop_state", "stage_id", "user_id"} & vals.keys():
            res = super().write(vals)
        else:
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
                super(HelpdeskTicket, self.browse(ids)).write(ticket_vals)
        if {"category_id", "team_id", "form_template_id"} & vals.keys():
            self.filtered("loop_enabled")._after_sales_sync_form_answers()
        if new_complaints:
            new_complaints.filtered("loop_enabled")._after_sales_escalate_complaint()
        if SLA_CRITERIA & vals.keys() and not self.env.context.get(
            "after_sales_keep_sla"
        ):
            self._after_sales_refresh_sla()
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

    def action_after_sales_dispatch(self):
        """Dispatch: to the assigned user, or automatically when none."""
        unassigned = self.filtered(lambda t: not t.user_id)
        if unassigned:
            unassigned._after_sales_auto_dispatch()
        (self - unassigned).write({"loop_state": "dispatched"})
        return True

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

    def action_after_sales_request_feedback(self):
        """Send the feedback request now (instead of waiting for the cron)."""
        self._after_sales_send_feedback_request()
        return True

    def action_after_sales_print_report(self):
        return self.env.ref("after_sales.action_report_service_ticket").report_action(
            self
        )

    # ---------------------------------------------------------------
    # Dispatch
    # ---------------------------------------------------------------

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

    # ---------------------------------------------------------------
    # Service form
    # ---------------------------------------------------------------

    def _after_sales_sync_form_answers(self):
        """Create an answer line for each question of the ticket's template."""
        commands = []
        for ticket in self.filtered("form_template_id"):
            asked = ticket.form_answer_ids.question_id
            for question in ticket.form_template_id.question_ids - asked:
                commands.append({"ticket_id": ticket.id, "question_id": question.id})
        if commands:
            self.env["after.sales.form.answer"].create(commands)

    # ---------------------------------------------------------------
    # Feedback
    # ---------------------------------------------------------------

    def _after_sales_param(self, key, default):
        # sudo: configuration parameters are not readable by service agents
        value = self.env["ir.config_parameter"].sudo().get_param(f"after_sales.{key}")
        if value in (None, False, ""):
            return default
        if isinstance(default, bool):
            # bool("False") is True
            return str(value).strip().lower() in ("1", "true", "yes", "on")
        try:
            value = type(default)(value)
        except ValueError:
            return default
        # a value stored by hand (not through the settings) that would break
        # the date arithmetic of the crons falls back to the default
        if not math.isfinite(value) or value < 0 or value > 10_000:
            return default
        return value

    def _after_sales_request_ratings(self, channel="link"):
        """A new rating request (helpdesk_mgmt_rating's ``rating.rating``)
        per ticket, whose access token is the customer's single-use,
        expiring feedback link. The pending requests of the tickets are
        withdrawn first: only the newest link of a ticket works."""
        # sudo: rating requests hold secret tokens that agents neither read
        # nor write; the caller checked the access to the tickets
        Rating = self.env["rating.rating"].sudo()
        pending = Rating.search(
            [
                ("res_model", "=", self._name),
                ("res_id", "in", self.ids),
                ("consumed", "=", False),
            ]
        )
        pending.unlink()
        days = self._after_sales_param("feedback_token_days", 7)
        expiration = fields.Datetime.now() + timedelta(days=days)
        model_id = self.env["ir.model"]._get_id(self._name)
        # the ratings' record names and rated operators, read once for all
        self.fetch(["number", "name", "partner_id", "user_id"])
        self.user_id.fetch(["partner_id"])
        return Rating.create(
            [
                {
                    "res_model_id": model_id,
                    "res_id": ticket.id,
                    "partner_id": ticket.partner_id.id,
                    "rated_partner_id": ticket._rating_get_operator().id,
                    "is_internal": False,
                    "after_sales_channel": channel,
                    "after_sales_expiration_date": expiration,
                }
                for ticket in self
            ]
        )

    def _after_sales_send_feedback_request(self):
        """Mail a single-use feedback link to the customer of each resolved
        ticket (rating requests and mails made in one batch)."""
        tickets = self.filtered(lambda t: t.loop_state == "resolved")
        to_ask = tickets.filtered("partner_id")
        ratings = self.env["rating.rating"]
        if to_ask:
            ratings = to_ask._after_sales_request_ratings()
            template = self.env.ref("after_sales.mail_template_feedback_request")
            template.with_context(
                feedback_tokens={r.res_id: r.access_token for r in ratings}
            ).send_mail_batch(
                to_ask.ids, email_layout_xmlid="mail.mail_notification_light"
            )
        tickets._after_sales_system().write(
            {"feedback_request_date": fields.Datetime.now()}
        )
        return ratings

    @api.private
    def after_sales_feedback_url(self):
        """Feedback link of the token being sent (mail template helper)."""
        self.ensure_one()
        tokens = self.env.context.get("feedback_tokens") or {}
        token = tokens.get(self.id) or self.env.context.get("feedback_token")
        return f"{self.get_base_url()}/after_sales/feedback/{token}"

    def _send_ticket_rating_mail(self, force_send=False):
        """Loop tickets ask for feedback through the loop (after resolution,
        with an expiring link), not on a stage change as well."""
        others = self.filtered(lambda t: not t.loop_enabled)
        return super(HelpdeskTicket, others)._send_ticket_rating_mail(
            force_send=force_send
        )

    def rating_apply(
        self,
        rate,
        token=None,
        rating=None,
        feedback=None,
        subtype_xmlid=None,
        notify_delay_send=False,
    ):
        """A customer's rating of a loop ticket: through a usable request
        only (single use, not expired, the ticket waiting for feedback), as a
        whole score from 1 to 5; it then drives the loop like the feedback
        form (a low score reopens the ticket). Ratings of other tickets are
        helpdesk_mgmt_rating's."""
        if not self.loop_enabled:
            return super().rating_apply(
                rate,
                token=token,
                rating=rating,
                feedback=feedback,
                subtype_xmlid=subtype_xmlid,
                notify_delay_send=notify_delay_send,
            )
        self.ensure_one()
        if token:
            rating = self.env["rating.rating"].search(
                [("access_token", "=", token)], limit=1
            )
        if (
            not rating
            or rating.res_model != self._name
            or rating.res_id != self.id
            or not rating._after_sales_is_usable()
        ):
            raise UserError(self.env._("This feedback link is no longer valid."))
        if rate not in (1, 2, 3, 4, 5):
            raise ValidationError(self.env._("The rating must be between 1 and 5."))
        rating = super().rating_apply(
            rate,
            rating=rating,
            feedback=feedback,
            subtype_xmlid=subtype_xmlid,
            notify_delay_send=notify_delay_send,
        )
        self._after_sales_apply_feedback(
            int(rate), feedback, rating.after_sales_channel or "link"
        )
        return rating

    def _after_sales_apply_feedback(self, rating, comment, channel):
        """Record the customer's rating on the ticket and move the loop on.
        Only called by ``rating_apply`` (the customer channel), which has
        checked the request."""
        self.ensure_one()
        if self.loop_state != "resolved":
            raise UserError(self.env._("This ticket is not waiting for feedback."))
        rating = int(rating)
        if not 1 <= rating <= 5:
            raise ValidationError(self.env._("The rating must be between 1 and 5."))
        threshold = self._after_sales_param("low_rating_threshold", 2)
        vals = {
            "feedback_rating": rating,
            "feedback_comment": comment or False,
            "feedback_channel": channel,
        }
        if rating <= threshold:
            vals["loop_state"] = "in_progress"
            vals = self._after_sales_prepare_transition(vals)
            vals["date_feedback"] = fields.Datetime.now()
        else:
            vals["loop_state"] = "feedback"
            vals.update(self._after_sales_transition_values("resolved", "feedback", {}))
        # bypass the guard of write() on customer fields: this is the channel
        super().write(vals)
        if rating <= threshold:
            self._after_sales_notify_low_rating()
        return True

    def _after_sales_mark_survey_resolved(self):
        """A survey ticket has no service work: it waits for feedback at once,
        so the regular feedback request (mail + tokenised link) is sent."""
        now = fields.Datetime.now()
        return super().write({"loop_state": "resolved", "date_resolved": now})

    def _after_sales_notify_low_rating(self):
        for ticket in self:
            leader = ticket.team_id.user_id or ticket.user_id
            body = self.env._(
                "Negative customer feedback (%(rating)s/5): the ticket is reopened.",
                rating=ticket.feedback_rating,
            )
            ticket.message_post(body=body, subtype_xmlid="mail.mt_note")
            if leader:
                ticket.activity_schedule(
                    "mail.mail_activity_data_todo",
                    user_id=leader.id,
                    summary=self.env._("Negative feedback"),
                    note=body,
                )

    # ---------------------------------------------------------------
    # Complaints
    # ---------------------------------------------------------------

    def _after_sales_escalate_complaint(self):
        for ticket in self:
            users = ticket.commercial_partner_id._get_escalation_users()
            users |= ticket.team_id.user_id
            users = users.filtered(lambda u: not u.share)
            summary = self.env._("Customer complaint: %(name)s", name=ticket.name)
            for user in users:
                ticket.activity_schedule(
                    "mail.mail_activity_data_todo", user_id=user.id, summary=summary
                )
            ticket.message_post(
                body=self.env._(
                    "Complaint escalated to: %(users)s",
                    users=", ".join(users.mapped("name")) or "-",
                ),
                subtype_xmlid="mail.mt_note",
            )
        self._after_sales_system().write({"complaint_escalated": True})

    # ---------------------------------------------------------------
    # Crons
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
    def _after_sales_feedback_domains(self):
        now = fields.Datetime.now()
        delay = self._after_sales_param("feedback_delay_hours", 2.0)
        days = self._after_sales_param("no_feedback_days", 7)
        due = [
            ("loop_state", "=", "resolved"),
            ("loop_enabled", "=", True),
            ("feedback_request_date", "=", False),
            ("partner_id", "!=", False),
            ("date_resolved", "<=", now - timedelta(hours=delay)),
        ]
        stale = [
            ("loop_state", "=", "resolved"),
            ("loop_enabled", "=", True),
            ("feedback_request_date", "<=", now - timedelta(days=days)),
        ]
        return due, stale, days

    @api.model
    def _cron_after_sales_feedback(self, batch_size=200):
        """Send due feedback requests and close tickets left without answer.

        One batch per call (the cron runner commits and calls again while
        some remain); the markers (``feedback_request_date``, the closed
        state) are written in the same transaction as the work.
        """
        due_domain, stale_domain, days = self._after_sales_feedback_domains()
        due = lock_batch(self, due_domain, batch_size)
        due._after_sales_send_feedback_request()
        stale = lock_batch(self, stale_domain, batch_size)
        if stale:
            stale.write(
                {
                    "loop_state": "closed",
                    "no_feedback_reason": self.env._(
                        "No feedback after %(days)s days", days=days
                    ),
                }
            )
        remaining = self.search_count(due_domain) + self.search_count(stale_domain)
        self.env["ir.cron"]._notify_progress(
            done=len(due) + len(stale), remaining=remaining
        )
        return remaining

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
            warn._after_sales_system().write({f"sla_{kind}_warned": True})
            breach = lock_batch(self, breach_domain, batch_size)
            breach._after_sales_schedule_activity(
                lambda t: t.team_id.user_id or t.user_id,
                self.env._("SLA %(kind)s breached", kind=kind),
            )
            # escalated to the top priority, measured against the SLAs it
            # breached (not matched again to the stricter urgent ones)
            breach._after_sales_system().with_context(after_sales_keep_sla=True).write(
                {f"sla_{kind}_breached": True, "priority": "3"}
            )
            done += len(warn) + len(breach)
            remaining += self.search_count(warn_domain) + self.search_count(
                breach_domain
            )
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
        return remaining

    @api.model
    def _after_sales_defector_domain(self):
        interviewed = self.with_context(active_test=False)._search(
            [
                ("is_defector_interview", "=", True),
                ("commercial_partner_id", "!=", False),
            ]
        )
        return [
            ("churn_state", "=", "lost"),
            ("is_company", "=", True),
            ("after_sales_defector_interviewed", "=", False),
            ("id", "not in", interviewed.subselect("commercial_partner_id")),
        ]

    @api.model
    def _cron_after_sales_defector_interview(self, batch_size=100):
        """Create one defector-interview ticket per lost customer.

        The customers of a batch are locked and marked as interviewed in the
        same transaction as their ticket is created.
        """
        partner_model = self.env["res.partner"]
        if "churn_state" not in partner_model._fields:
            return 0
        team = self.env.ref("after_sales.helpdesk_team_after_sales", False)
        domain = self._after_sales_defector_domain()
        lost = lock_batch(partner_model, domain, batch_size)
        self.create(
            [
                {
                    "name": self.env._(
                        "Defector interview: %(partner)s", partner=partner.name
                    ),
                    "description": self.env._(
                        "<p>The customer was marked as lost. Ask why they left "
                        "and what would bring them back.</p>"
                    ),
                    "partner_id": partner.id,
                    "team_id": team.id if team else False,
                    "company_id": partner.company_id.id or self.env.company.id,
                    "is_defector_interview": True,
                }
                for partner in lost
            ]
        )
        lost.write({"after_sales_defector_interviewed": True})
        remaining = partner_model.search_count(domain)
        self.env["ir.cron"]._notify_progress(done=len(lost), remaining=remaining)
        return remaining
