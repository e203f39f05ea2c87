# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The demo tickets' story through the service loop.

demo/after_sales_demo.xml makes the records (agents, the service manager, the
team's members, a service form, ten tickets); this plays what happened to
them, each step by the person who would do it: the engineer assigned starts
the work, fills in the service form and resolves the ticket; the customer
answers the feedback request; the service manager (孙经理), not the engineer,
makes the return visit (回访) and closes the loop. The dates are then spread
over the last four weeks, and the month's staff evaluation is generated; the
lost customers of the sales demo get their defector interview (the cron's
work, assigned as the cron assigns it).

It is not part of the addon's models: the post-init hook (hooks.py) calls it
when the addon is installed with demo data. Odoo 18 loads a module's data and
demo files, then runs its post-init hook, then its at_install tests
(odoo/modules/loading.py, load_module_graph), so the tests find the story
played. The texts are the demo records' own (what the customers and the
service team wrote), in Chinese, like the rest of the demo. In a database
with zh_CN active the loop's SLAs are given their Chinese names too
(:func:`name_slas`).
"""

from datetime import date, datetime, time, timedelta

import pytz

from odoo import fields

from odoo.addons.sale_customer_mgmt.demo.generator import (
    DEMO_LANG,
    forget_address_tracking,
    retell_creation_messages,
    story_env,
)
from odoo.addons.sale_customer_mgmt.models.sale_customer_integrity_mixin import (
    as_system,
)

from .models.helpdesk_ticket import loop_param

MANAGER = "user_service_manager_demo"
# ticket (xmlid without module) -> its steps after creation, in order;
# ("rate", n): the customer answers the feedback request with n stars
STORY = [
    ("helpdesk_ticket_received_demo", [("write", {"loop_state": "received"})]),
    ("helpdesk_ticket_in_progress_demo", ["start"]),
    ("helpdesk_ticket_resolved_demo", ["start", "answer", "resolve", "request"]),
    (
        "helpdesk_ticket_feedback_demo",
        ["start", "answer", "resolve", "request", ("rate", 5)],
    ),
    (
        "helpdesk_ticket_visited_demo",
        ["start", "answer", "resolve", "request", ("rate", 4), "visit"],
    ),
    (
        "helpdesk_ticket_closed_demo",
        ["start", "answer", "resolve", "request", ("rate", 5), "visit", "close"],
    ),
    (
        "helpdesk_ticket_closed2_demo",
        ["start", "answer", "resolve", "request", ("rate", 3), "visit", "close"],
    ),
    (
        "helpdesk_ticket_closed3_demo",
        ["start", "answer", "resolve", "request", ("rate", 4), "visit", "close"],
    ),
    # the complaint: escalated when it is recorded, in the story's language
    ("helpdesk_ticket_complaint_demo", ["complain", "start"]),
]
# the service form as the engineer filled it in: ticket -> (fault and cause,
# hours on site, spare parts replaced, result, days to the next maintenance)
SERVICE_FORMS = {
    "helpdesk_ticket_resolved_demo": (
        "机械手换刀点偏移，刀套定位销磨损。重新标定换刀点，更换定位销，"
        "连续换刀200次无异常。",
        5,
        "yes",
        "已修复",
        None,
    ),
    "helpdesk_ticket_feedback_demo": (
        "冷却泵电机绕组烧损，切削液杂质多导致叶轮卡滞。更换冷却泵，"
        "建议客户每月清理切削液箱。",
        3,
        "yes",
        "已修复",
        None,
    ),
    "helpdesk_ticket_visited_demo": (
        "润滑泵单向阀堵塞，分配器油路有油泥。清洗油路和分配器，更换单向阀，"
        "导轨供油恢复正常。",
        4,
        "yes",
        "已修复",
        90,
    ),
    "helpdesk_ticket_closed_demo": (
        "年度保养：更换液压油及滤芯，检查主轴跳动、导轨和丝杠精度，均在标准"
        "范围内；清洁电柜，紧固接线。",
        8,
        "yes",
        "已修复",
        180,
    ),
    "helpdesk_ticket_closed2_demo": (
        "Y轴伺服电机编码器线缆破损导致电流异常、电机过热。第一次上门未带线缆，"
        "次日更换线缆并调整伺服参数。",
        6,
        "yes",
        "已修复",
        None,
    ),
    "helpdesk_ticket_closed3_demo": (
        "设备就位、调平，完成安装调试和几何精度验收；培训3名操作工的操作规程"
        "及日常点检。",
        16,
        "no",
        "已修复",
        180,
    ),
}
# what the customer wrote with their rating
COMMENTS = {
    "helpdesk_ticket_feedback_demo": (
        "王工当天就到了现场，冷却泵换得很快，服务很专业。"
    ),
    "helpdesk_ticket_visited_demo": (
        "问题解决了，就是等备件等了两天，希望常用备件能多备一些。"
    ),
    "helpdesk_ticket_closed_demo": (
        "保养做得很细致，还给操作工讲了日常点检要点，很满意。"
    ),
    "helpdesk_ticket_closed2_demo": (
        "电机问题处理好了，但响应偏慢，第一次来没带备件，跑了两趟。"
    ),
    "helpdesk_ticket_closed3_demo": (
        "安装调试顺利，培训讲得清楚，希望再安排一次编程培训。"
    ),
}
# what the service manager noted at the return visit
VISIT_NOTES = {
    "helpdesk_ticket_visited_demo": (
        "电话回访设备科：润滑系统运行正常。" "客户建议常用备件备库，已转备件组评估。"
    ),
    "helpdesk_ticket_closed_demo": (
        "电话回访：两台设备运行稳定，客户对保养满意，" "约定半年后再次保养。"
    ),
    "helpdesk_ticket_closed2_demo": (
        "上门回访：电机温度正常。客户对响应速度有意见，"
        "已当面致歉并说明改进措施（故障件提前确认、备件随车）。"
    ),
    "helpdesk_ticket_closed3_demo": (
        "电话回访：操作工已能独立操作设备。" "客户希望安排编程培训，已转销售跟进报价。"
    ),
}
# received, first response and resolution over the last four weeks, within
# and outside working hours: (ticket, days ago, hour received (the team's
# local time), hours to first response, hours to resolution)
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
# after the resolution: days to the customer's feedback, the return visit and
# the closing of the loop
AFTER_RESOLUTION_DAYS = {"date_feedback": 1, "date_visited": 3, "date_loop_closed": 4}
EVALUATED_AGENTS = (
    "user_agent_wang_demo",
    "user_agent_chen_demo",
    "user_agent_zhao_demo",
)


def _ref(env, name):
    return env.ref(f"after_sales.{name}")


def play(env):
    """Play the story of the demo tickets (``env``: the superuser's)."""
    # like the people of the sales demo: Chinese when the database has it
    if env["res.lang"]._get_code(DEMO_LANG):
        people = (MANAGER, *EVALUATED_AGENTS)
        env["res.users"].browse(
            [_ref(env, name).id for name in people]
        ).partner_id.lang = DEMO_LANG
    name_slas(env)
    for name, steps in STORY:
        ticket = _ref(env, name)
        for step in steps:
            _play_step(env, name, ticket, step)
    _spread_timeline(env)
    today = date.today()
    users = env["res.users"].browse([_ref(env, name).id for name in EVALUATED_AGENTS])
    env["after.sales.evaluation"]._generate(today - timedelta(days=29), today, users)
    # the sales demo's lost customers: their defector interviews, opened and
    # assigned as the daily cron does it
    env["helpdesk.ticket"]._cron_after_sales_defector_interview()
    # the customers were notified (their signup token written, in the
    # engineers' language): no address of theirs changed
    forget_address_tracking(env)
    retell_creation_messages(env)


def name_slas(env):
    """Name the loop's SLAs (data/helpdesk_sla_data.xml) in Chinese when the
    database has zh_CN active; otherwise leave them as they are.

    helpdesk_mgmt_sla's SLA name is not a translatable field: the records
    keep the English of the data file, which Chinese users would read on
    every ticket. The names come from the addon's translations, in the
    glossary's words."""
    if not env["res.lang"]._get_code(DEMO_LANG):
        return
    env = env(context=dict(env.context, lang=DEMO_LANG))
    names = {
        "sla_response_standard": env._("Standard first response"),
        "sla_resolution_standard": env._("Standard resolution"),
        "sla_response_urgent": env._("Urgent first response"),
        "sla_resolution_urgent": env._("Urgent resolution"),
    }
    for xmlid, name in names.items():
        sla = env.ref(f"after_sales.{xmlid}", raise_if_not_found=False)
        if sla:
            sla.name = name


def _play_step(env, name, ticket, step):
    # the engineer assigned does the work, the service manager the return
    # visit and the closing (someone other than the engineer)
    engineer = ticket.with_user(ticket.user_id) if ticket.user_id else ticket
    manager = ticket.with_user(_ref(env, MANAGER))
    if step == "start":
        engineer.action_after_sales_start()
    elif step == "resolve":
        engineer.action_after_sales_resolve()
    elif step == "request":
        # the feedback request (the cron's, without its mail in the demo)
        ticket._after_sales_request_ratings()
        as_system(ticket).write({"feedback_request_date": fields.Datetime.now()})
    elif step == "visit":
        manager.write({"visit_note": VISIT_NOTES[name]})
        manager.action_after_sales_visit()
    elif step == "close":
        manager.action_after_sales_close()
    elif step == "complain":
        # recorded as a complaint: escalated (activities and a note), in the
        # story's language (the data file creates its records without one)
        ticket.with_env(story_env(env)).write({"is_complaint": True})
    elif step == "answer":
        _answer_form(env, name, engineer)
    elif step[0] == "rate":
        # the customer answers the pending feedback request
        rating = ticket.rating_ids.filtered(lambda r: not r.consumed)[:1]
        ticket.rating_apply(step[1], rating=rating, feedback=COMMENTS[name])
    elif step[0] == "write":
        ticket.write(step[1])


def _answer_form(env, name, ticket):
    fault, hours, parts, result, next_days = SERVICE_FORMS[name]
    values = {
        "form_question_fault_demo": {"value_text": fault},
        "form_question_hours_demo": {"value_number": hours},
        "form_question_parts_demo": {"value_boolean": parts},
        "form_question_result_demo": {"value_choice": result},
    }
    if next_days:
        values["form_question_next_demo"] = {
            "value_date": date.today() + timedelta(days=next_days)
        }
    for question_name, vals in values.items():
        question = _ref(env, question_name)
        ticket.form_answer_ids.filtered(
            lambda answer, q=question: answer.question_id == q
        ).write(vals)


def _spread_timeline(env):
    """Spread the demo tickets over the last weeks (TIMELINE, in clock
    hours); the SLAs are counted again from the new reception date, in
    working hours, and the breaches follow. The records' own dates (created,
    assigned, closed; the ratings' request and answer) follow the story."""
    now = fields.Datetime.now()
    # the hours of the story are the team's local hours (Beijing time)
    calendar = _ref(env, "helpdesk_team_after_sales").resource_calendar_id
    tz = pytz.timezone(calendar.tz or "UTC")
    today = pytz.utc.localize(now).astimezone(tz).date()
    # the feedback request goes out after the configured delay (at least
    # half an hour: after the resolution, before the answer)
    request_delay = max(loop_param(env, "feedback_delay_hours", 2.0), 0.5)
    for name, days_ago, hour, response, resolution in TIMELINE:
        ticket = _ref(env, name)
        local = datetime.combine(today - timedelta(days=days_ago), time(hour))
        received = tz.localize(local).astimezone(pytz.utc).replace(tzinfo=None)
        # (installed early in the morning: today's ticket came in an hour ago)
        received = min(received, now - timedelta(hours=1))
        vals = {"date_received": received}
        if ticket.date_dispatched:
            vals["date_dispatched"] = received + timedelta(hours=(response or 1) / 3)
            vals["assigned_date"] = vals["date_dispatched"]
        if ticket.date_in_progress and response is not None:
            vals["date_in_progress"] = received + timedelta(hours=response)
        if ticket.date_resolved and resolution is not None:
            resolved = received + timedelta(hours=resolution)
            vals.update(
                date_resolved=resolved, closed_date=resolved, last_stage_update=resolved
            )
            if ticket.feedback_request_date:
                vals["feedback_request_date"] = resolved + timedelta(
                    hours=request_delay
                )
            for fname, days in AFTER_RESOLUTION_DAYS.items():
                if ticket[fname]:
                    vals[fname] = resolved + timedelta(days=days)
        # the loop's dates are the system's: here the demo sets them
        as_system(ticket).write(vals)
        _backdate(env, ticket, received, vals)
        ticket.set_sla()
        ticket.flush_recordset()
        for kind, date_name in (
            ("response", "date_in_progress"),
            ("resolution", "date_resolved"),
        ):
            deadline, done = ticket[f"sla_{kind}_deadline"], ticket[date_name]
            breached = bool(deadline and done and done > deadline)
            as_system(ticket).write({f"sla_{kind}_breached": breached})


def _backdate(env, ticket, received, vals):
    """The creation of the ticket at its reception, its rating requests sent
    and answered on the story's dates (magic columns: SQL, demo only)."""
    ticket.flush_recordset()
    env.cr.execute(
        "UPDATE helpdesk_ticket SET create_date = %s WHERE id = %s",
        (received, ticket.id),
    )
    requested = vals.get("feedback_request_date")
    if requested:
        answered = vals.get("date_feedback") or requested
        env["rating.rating"].flush_model()
        env.cr.execute(
            """UPDATE rating_rating
                  SET create_date = %s,
                      write_date = CASE WHEN consumed THEN %s ELSE %s END
                WHERE res_model = 'helpdesk.ticket' AND res_id = %s""",
            (requested, answered, requested, ticket.id),
        )
        env["rating.rating"].invalidate_model(["create_date", "write_date"])
    ticket.invalidate_recordset(["create_date"])
