# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo tickets' story through the service loop.

demo/after_sales_demo.xml makes the records (agents, the team's members, a
service form, ten tickets); this plays what happened to them: work started,
form answered, resolved, rated by the customer, visited, closed, over the
last four weeks, then the staff evaluation of the month. It is not part of
the addon's models: the post-init hook (hooks.py) calls it when the addon is
installed with demo data. Odoo 18 loads a module's data and demo files, then
runs its post-init hook, then its at_install tests (odoo/modules/loading.py,
load_module_graph), so the tests find the story played.
"""

from datetime import date, datetime, time, timedelta

from odoo import fields

from odoo.addons.sale_customer_mgmt.models.sale_customer_integrity_mixin import (
    as_system,
)

COMMENT = "Quick and professional service."
FAULT = "Worn bearing, replaced"
# ticket (xmlid without module) -> its steps after creation, in order;
# ("rate", n): the customer answers the feedback request with n stars
STORY = [
    ("helpdesk_ticket_received_demo", [("write", {"loop_state": "received"})]),
    ("helpdesk_ticket_in_progress_demo", ["start"]),
    ("helpdesk_ticket_resolved_demo", ["start", "answer", "resolve"]),
    ("helpdesk_ticket_feedback_demo", ["start", "answer", "resolve", ("rate", 5)]),
    (
        "helpdesk_ticket_visited_demo",
        ["start", "answer", "resolve", ("rate", 4), "visit"],
    ),
    (
        "helpdesk_ticket_closed_demo",
        ["start", "answer", "resolve", ("rate", 5), "visit", "close"],
    ),
    (
        "helpdesk_ticket_closed2_demo",
        ["start", "answer", "resolve", ("rate", 3), "visit", "close"],
    ),
    (
        "helpdesk_ticket_closed3_demo",
        ["start", "answer", "resolve", ("rate", 4), "visit", "close"],
    ),
    ("helpdesk_ticket_complaint_demo", ["start"]),
]
# received, first response and resolution over the last four weeks, within
# and outside working hours: (ticket, days ago, hour received, hours to first
# response, hours to resolution)
TIMELINE = [
    ("helpdesk_ticket_received_demo", 0, 9, None, None),
    ("helpdesk_ticket_dispatched_demo", 1, 16, 3, None),
    ("helpdesk_ticket_in_progress_demo", 2, 10, 3, None),
    ("helpdesk_ticket_complaint_demo", 3, 13, 4, None),
    ("helpdesk_ticket_resolved_demo", 4, 14, 2, 20),
    ("helpdesk_ticket_feedback_demo", 8, 9, 1.5, 6),
    ("helpdesk_ticket_visited_demo", 12, 17, 15, 40),
    ("helpdesk_ticket_closed_demo", 18, 11, 1, 5),
    ("helpdesk_ticket_closed2_demo", 21, 15, 26, 72),
    ("helpdesk_ticket_closed3_demo", 25, 8, 0.5, 4),
]
EVALUATED_AGENTS = (
    "user_agent_wang_demo",
    "user_agent_chen_demo",
    "user_agent_zhao_demo",
)


def _ref(env, name):
    return env.ref(f"after_sales.{name}")


def play(env):
    """Play the story of the demo tickets (``env``: the superuser's)."""
    for name, steps in STORY:
        ticket = _ref(env, name)
        for step in steps:
            _play_step(env, ticket, step)
    _spread_timeline(env)
    today = date.today()
    users = env["res.users"].browse([_ref(env, name).id for name in EVALUATED_AGENTS])
    env["after.sales.evaluation"]._generate(today - timedelta(days=29), today, users)


def _play_step(env, ticket, step):
    if step == "start":
        ticket.action_after_sales_start()
    elif step == "resolve":
        ticket.action_after_sales_resolve()
    elif step == "visit":
        ticket.action_after_sales_visit()
    elif step == "close":
        ticket.action_after_sales_close()
    elif step == "answer":
        question = _ref(env, "form_question_fault_demo")
        ticket.form_answer_ids.filtered(
            lambda answer: answer.question_id == question
        ).write({"value_text": FAULT})
    elif step[0] == "rate":
        # the customer answers a feedback request
        rating = ticket._after_sales_request_ratings()
        ticket.rating_apply(step[1], rating=rating, feedback=COMMENT)
    elif step[0] == "write":
        ticket.write(step[1])


def _spread_timeline(env):
    """Spread the demo tickets over the last weeks (TIMELINE, in clock
    hours); the SLAs are counted again from the new reception date, in
    working hours, and the breaches follow."""
    today = fields.Date.context_today(env["helpdesk.ticket"])
    for name, days_ago, hour, response, resolution in TIMELINE:
        ticket = _ref(env, name)
        received = datetime.combine(today - timedelta(days=days_ago), time(hour))
        vals = {"date_received": received}
        if ticket.date_dispatched:
            vals["date_dispatched"] = received + timedelta(hours=(response or 1) / 3)
        if ticket.date_in_progress and response is not None:
            vals["date_in_progress"] = received + timedelta(hours=response)
        if ticket.date_resolved and resolution is not None:
            vals["date_resolved"] = received + timedelta(hours=resolution)
            for fname in ("date_feedback", "date_visited", "date_loop_closed"):
                if ticket[fname]:
                    days = {"date_feedback": 1, "date_visited": 3}.get(fname, 4)
                    vals[fname] = vals["date_resolved"] + timedelta(days=days)
        # the loop's dates are the system's: here the demo sets them
        as_system(ticket).write(vals)
        ticket.set_sla()
        ticket.flush_recordset()
        for kind, date_name in (
            ("response", "date_in_progress"),
            ("resolution", "date_resolved"),
        ):
            deadline, done = ticket[f"sla_{kind}_deadline"], ticket[date_name]
            breached = bool(deadline and done and done > deadline)
            as_system(ticket).write({f"sla_{kind}_breached": breached})
