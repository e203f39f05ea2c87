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

from collections import defaultdict
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

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


def _hours_between(start, end):
    if not start or not end:
        return 0.0
    return (end - start).total_seconds() / 3600.0


class HelpdeskTicket(models.Model):
    _inherit = "helpdesk.ticket"

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
    # SLA
    sla_policy_id = fields.Many2one(
        "after.sales.sla.policy",
        string="SLA Policy",
        compute="_compute_sla_policy_id",
        store=True,
        readonly=False,
    )
    sla_response_deadline = fields.Datetime(
        compute="_compute_sla_deadlines", store=True
    )
    sla_resolution_deadline = fields.Datetime(
        compute="_compute_sla_deadlines", store=True
    )
    sla_response_warning_date = fields.Datetime(
        compute="_compute_sla_deadlines", store=True
    )
    sla_resolution_warning_date = fields.Datetime(
        compute="_compute_sla_deadlines", store=True
    )
    sla_response_warned = fields.Boolean(copy=False, readonly=True)
    sla_resolution_warned = fields.Boolean(copy=False, readonly=True)
    sla_response_breached = fields.Boolean(copy=False, readonly=True)
    sla_resolution_breached = fields.Boolean(copy=False, readonly=True)
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
    feedback_token_ids = fields.One2many(
        "after.sales.feedback.token", "ticket_id", string="Feedback Tokens"
    )

    @api.depends("date_received", "date_in_progress", "date_resolved")
    def _compute_loop_durations(self):
        for ticket in self:
            ticket.first_response_hours = _hours_between(
                ticket.date_received, ticket.date_in_progress
            )
            ticket.resolution_hours = _hours_between(
                ticket.date_received, ticket.date_resolved
            )

    def _sla_depends(self):
        deps = ["team_id", "priority", "company_id", "commercial_partner_id"]
        if "customer_tier_id" in self.env["res.partner"]._fields:
            deps.append("commercial_partner_id.customer_tier_id")
        return deps

    @api.depends(lambda self: self._sla_depends())
    def _compute_sla_policy_id(self):
        policies = self.env["after.sales.sla.policy"].search(
            [("company_id", "in", self.company_id.ids + [False])]
        )
        for ticket in self:
            ticket.sla_policy_id = policies._match(ticket)

    @api.depends(
        "date_received",
        "sla_policy_id",
        "sla_policy_id.response_hours",
        "sla_policy_id.resolution_hours",
        "sla_policy_id.warning_percent",
    )
    def _compute_sla_deadlines(self):
        for ticket in self:
            policy = ticket.sla_policy_id
            start = ticket.date_received
            if not policy or not start:
                ticket.sla_response_deadline = False
                ticket.sla_resolution_deadline = False
                ticket.sla_response_warning_date = False
                ticket.sla_resolution_warning_date = False
                continue
            ratio = (policy.warning_percent or 100.0) / 100.0
            ticket.sla_response_deadline = start + timedelta(
                hours=policy.response_hours
            )
            ticket.sla_resolution_deadline = start + timedelta(
                hours=policy.resolution_hours
            )
            ticket.sla_response_warning_date = start + timedelta(
                hours=policy.response_hours * ratio
            )
            ticket.sla_resolution_warning_date = start + timedelta(
                hours=policy.resolution_hours * ratio
            )

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

    @api.model_create_multi
    def create(self, vals_list):
        partner_ids = {
            vals["partner_id"] for vals in vals_list if vals.get("partner_id")
        }
        partners = self.env["res.partner"].browse(list(partner_ids))
        tier_field = "customer_tier_id" in partners._fields
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
            super(HelpdeskTicket, assigned).write(
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
            # Transitions depend on each ticket's current state.
            for ticket in loop_tickets:
                super(HelpdeskTicket, ticket).write(
                    ticket._after_sales_prepare_transition(dict(vals))
                )
        if {"category_id", "team_id", "form_template_id"} & vals.keys():
            self.filtered("loop_enabled")._after_sales_sync_form_answers()
        if new_complaints:
            new_complaints.filtered("loop_enabled")._after_sales_escalate_complaint()
        return res

    # ---------------------------------------------------------------
    # Transitions
    # ---------------------------------------------------------------

    def _after_sales_stage(self, kind):
        """First applicable stage of the team of the given kind."""
        stages = self.team_id._get_applicable_stages()
        if kind == "closed":
            return stages.filtered("closed")[:1]
        open_stages = stages.filtered(lambda s: not s.closed)
        return open_stages.filtered(lambda s: not s.unattended)[:1] or open_stages[:1]

    def _after_sales_prepare_transition(self, vals):
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
        vals.update(self._after_sales_transition_values(current, target, vals))
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
            if self.loop_state == "resolved" and not reason:
                raise UserError(
                    self.env._(
                        "A ticket without customer feedback can only be closed "
                        "with a no-feedback reason."
                    )
                )
        if target == "visited":
            visitor = self.env["res.users"].browse(
                vals.get("visit_user_id") or self.env.uid
            )
            if visitor == self.user_id:
                raise ValidationError(
                    self.env._(
                        "The return visit must be done by someone other than "
                        "%(user)s, who handled the ticket.",
                        user=self.user_id.name,
                    )
                )

    def _after_sales_transition_values(self, current, target, vals):
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
                res["stage_id"] = self._after_sales_stage("open").id
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
                stage = self._after_sales_stage("closed")
                if stage:
                    res["stage_id"] = stage.id
                    res["closed_date"] = now
                    res["last_stage_update"] = now
        if target == "visited":
            res["visit_user_id"] = vals.get("visit_user_id") or self.env.uid
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
        self.write({"loop_state": "visited", "visit_user_id": self.env.uid})
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
            ticket.write({"user_id": user.id, "loop_state": "dispatched"})

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
        try:
            return type(default)(value) if value not in (None, False, "") else default
        except ValueError:
            return default

    def _after_sales_send_feedback_request(self):
        template = self.env.ref("after_sales.mail_template_feedback_request")
        # sudo: tokens are secrets that agents can neither read nor create
        tokens = self.env["after.sales.feedback.token"].sudo()
        for ticket in self:
            if ticket.loop_state != "resolved" or not ticket.partner_id:
                continue
            # sudo: tokens are secrets that agents can neither read nor create
            token = tokens.sudo()._create_for_ticket(ticket)
            template.with_context(feedback_token=token.token).send_mail(
                ticket.id, email_layout_xmlid="mail.mail_notification_light"
            )
            tokens |= token
        self.filtered(lambda t: t.loop_state == "resolved").write(
            {"feedback_request_date": fields.Datetime.now()}
        )
        return tokens

    @api.private
    def after_sales_feedback_url(self):
        """Feedback link of the token being sent (mail template helper)."""
        self.ensure_one()
        token = self.env.context.get("feedback_token")
        return f"{self.get_base_url()}/after_sales/feedback/{token}"

    def _after_sales_apply_feedback(self, rating, comment, channel):
        """Record the customer's rating. Only called by the customer channel
        (feedback controller), which has checked the token/portal access."""
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
        self.write({"complaint_escalated": True})

    # ---------------------------------------------------------------
    # Crons
    # ---------------------------------------------------------------

    @api.model
    def _cron_after_sales_feedback(self, batch_size=200):
        """Send due feedback requests and close tickets left without answer."""
        now = fields.Datetime.now()
        delay = self._after_sales_param("feedback_delay_hours", 2.0)
        due = self.search(
            [
                ("loop_state", "=", "resolved"),
                ("loop_enabled", "=", True),
                ("feedback_request_date", "=", False),
                ("partner_id", "!=", False),
                ("date_resolved", "<=", now - timedelta(hours=delay)),
            ],
            limit=batch_size,
        )
        due._after_sales_send_feedback_request()
        days = self._after_sales_param("no_feedback_days", 7)
        stale = self.search(
            [
                ("loop_state", "=", "resolved"),
                ("loop_enabled", "=", True),
                ("feedback_request_date", "<=", now - timedelta(days=days)),
            ],
            limit=batch_size,
        )
        if stale:
            stale.write(
                {
                    "loop_state": "closed",
                    "no_feedback_reason": self.env._(
                        "No feedback after %(days)s days", days=days
                    ),
                }
            )
        done = len(due) + len(stale)
        remaining = 0 if done < batch_size else 1
        self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)

    @api.model
    def _cron_after_sales_sla(self, batch_size=200):
        """Warn before SLA breaches and escalate breaches to the team leader."""
        now = fields.Datetime.now()
        checks = [
            ("response", ("received", "dispatched")),
            ("resolution", OPEN_LOOP_STATES),
        ]
        done = 0
        for kind, states in checks:
            warn = self.search(
                [
                    ("loop_state", "in", states),
                    (f"sla_{kind}_warning_date", "<=", now),
                    (f"sla_{kind}_warned", "=", False),
                ],
                limit=batch_size,
            )
            for ticket in warn:
                user = ticket.user_id or ticket.team_id.user_id
                if user:
                    ticket.activity_schedule(
                        "mail.mail_activity_data_todo",
                        user_id=user.id,
                        date_deadline=ticket[f"sla_{kind}_deadline"].date(),
                        summary=self.env._("SLA %(kind)s deadline close", kind=kind),
                    )
            warn.write({f"sla_{kind}_warned": True})
            breach = self.search(
                [
                    ("loop_state", "in", states),
                    (f"sla_{kind}_deadline", "<", now),
                    (f"sla_{kind}_breached", "=", False),
                ],
                limit=batch_size,
            )
            for ticket in breach:
                user = ticket.team_id.user_id or ticket.user_id
                if user:
                    ticket.activity_schedule(
                        "mail.mail_activity_data_todo",
                        user_id=user.id,
                        summary=self.env._("SLA %(kind)s breached", kind=kind),
                    )
            breach.write({f"sla_{kind}_breached": True, "priority": "3"})
            done += len(warn) + len(breach)
        self.env["ir.cron"]._notify_progress(
            done=done, remaining=0 if done < batch_size else 1
        )

    @api.model
    def _cron_after_sales_defector_interview(self, batch_size=100):
        """Create one defector-interview ticket per lost customer."""
        partner_model = self.env["res.partner"]
        if "churn_state" not in partner_model._fields:
            return
        team = self.env.ref("after_sales.helpdesk_team_after_sales", False)
        interviewed = (
            self.with_context(active_test=False)
            .search([("is_defector_interview", "=", True)])
            .commercial_partner_id
        )
        lost = partner_model.search(
            [
                ("churn_state", "=", "lost"),
                ("is_company", "=", True),
                ("id", "not in", interviewed.ids),
            ],
            limit=batch_size,
        )
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
        self.env["ir.cron"]._notify_progress(
            done=len(lost), remaining=0 if len(lost) < batch_size else 1
        )
