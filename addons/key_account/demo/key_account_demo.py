# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""The key-account demo story, on top of the sales demo of sale_customer_mgmt.

``key_account_demo.xml`` makes customers of the sales demo key accounts. Like
any new key account they enter the first stage; :func:`tell_story` then
moves each account through the stages it has reached the way a user does
(confirm the exit checklist, advance; a manager's override or a regression
with its reason), so that the history rows and checklist lines are the ones
the system itself records. Afterwards the rows and the confirmations are
dated back over the months the relationship took. The plans' goals are set
in proportion to each account's confirmed sales of the last 12 months, which
the sales demo builds relative to today: the goals stay believable whatever
the day of install.

The story is told in Chinese when the database has zh_CN active (the
module's translations are loaded by then: Odoo loads them for every active
language before the ``post_init_hook``): the chatter's stage changes, their
tracked values and the messages of overrides and regressions are written
in the language of the people of the demo, each move posted when it is made
and dated back with it.

A plain module, not a model: nothing here can be called over RPC. The
``post_init_hook`` (``hooks.py``) calls :func:`tell_story` once, when the
module is installed with its demo data, after that data and before the
tests that run at install.
"""

import math

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import UserError

from odoo.addons.sale_customer_mgmt.demo.generator import (
    DEMO_LANG,
    retell_creation_messages,
    story_env,
)

SALES = "sale_customer_mgmt"
# the demo key account manager (key_account_demo.xml)
KA_MANAGER = "key_account.user_ka_manager_demo"
# the way each account came to its stage: the account, then its steps
# ``(months ago, stage code, event, reason)`` (the first one is the stage it
# is in after the data file), then the number of exit-checklist items of its
# last stage confirmed so far
STAGE_WALKS = [
    (
        f"{SALES}.res_partner_hengli_demo",
        [
            (28, "exploratory", "initial", ""),
            (24, "basic", "progress", ""),
            (17, "cooperative", "progress", ""),
            (10, "partnership", "progress", ""),
            (3, "synergistic", "progress", ""),
        ],
        1,
    ),
    (
        f"{SALES}.res_partner_huake_demo",
        [
            (27, "exploratory", "initial", ""),
            (23, "basic", "progress", ""),
            (15, "cooperative", "progress", ""),
            (6, "partnership", "progress", ""),
        ],
        2,
    ),
    (
        f"{SALES}.res_partner_dongfang_demo",
        [
            (26, "exploratory", "initial", ""),
            (22, "basic", "progress", ""),
            (11, "cooperative", "progress", ""),
        ],
        3,
    ),
    (
        f"{SALES}.res_partner_hongyuan_demo",
        [
            (26, "exploratory", "initial", ""),
            (21, "basic", "progress", ""),
            (14, "cooperative", "progress", ""),
            (8, "partnership", "progress", ""),
            (
                3,
                "cooperative",
                "regression",
                "客户新任采购经理重新招标，引入德国竞争对手，关系回退。",
            ),
        ],
        3,
    ),
    (
        f"{SALES}.res_partner_xindongli_demo",
        [
            (15, "exploratory", "initial", ""),
            (8, "basic", "override", "集团储能项目框架协议已签署，经理批准越过清单。"),
        ],
        2,
    ),
    (f"{SALES}.res_partner_zhongke_demo", [(4, "exploratory", "initial", "")], 2),
    (f"{SALES}.res_partner_qinchuan_demo", [(2, "exploratory", "initial", "")], 1),
]
# plan goals: next year's sales in proportion to the last 12 months'
PLAN_GROWTH = [
    ("key_account.key_account_plan_hengli_demo", 1.15),
    ("key_account.key_account_plan_huake_demo", 1.1),
    ("key_account.key_account_plan_dongfang_demo", 1.1),
    ("key_account.key_account_plan_hongyuan_demo", 1.0),
    ("key_account.key_account_plan_xindongli_demo", 1.3),
]


def tell_story(env):
    """Walk the demo key accounts through their stages and set the demo
    plans' goals (``env``: the superuser's, as the installation gives it)."""
    env = story_env(env)
    for xmlid, steps, ticked in STAGE_WALKS:
        walk_stages(env, env.ref(xmlid), steps, ticked)
    for xmlid, growth in PLAN_GROWTH:
        set_plan_goals(env, env.ref(xmlid), growth)
    # like the people of the sales demo: Chinese when the database has it
    if env.lang == DEMO_LANG:
        env.ref(KA_MANAGER).partner_id.lang = DEMO_LANG
    # the creation messages of the data file's records, in Chinese too
    retell_creation_messages(env)


def post_moves(env, partner):
    """Post the chatter messages of the changes made so far and return the
    messages of ``partner``.

    Odoo posts the tracked changes of a transaction when it commits, all of
    them in one message per record, with the values read in the context of
    the first write (here the demo data file's, in English); the story is
    one transaction. Posting now, in ``env``'s language, gives each move its
    own message, in the story's language, that :func:`date_back` can date.
    """
    # The inline address is tracked too, as text in the reader's language:
    # read in English by the data file, in Chinese now, it would show as a
    # change of address. The story changes no address.
    pending = env.cr.precommit.data.get("mail.tracking.res.partner") or {}
    for initial_values in pending.values():
        if initial_values:
            initial_values.pop("contact_address_inline", None)
    env["res.partner"]._track_finalize()
    return env["mail.message"].search(
        [("model", "=", "res.partner"), ("res_id", "=", partner.id)]
    )


def walk_stages(env, partner, steps, ticked):
    """Walk a key account through ``steps`` and date them back.

    :param partner: a key account in the first stage
    :param steps: ``[(months_ago, stage_code, event, reason), ...]``, the
        first being the stage the account is in; ``event`` is ``progress``,
        ``override`` or ``regression``
    :param ticked: number of exit-checklist items of the last stage
        confirmed so far
    """
    partner = partner.with_env(env)
    stages = {stage.code: stage for stage in env["key.account.stage"].search([])}
    if partner.ka_stage_id != stages[steps[0][1]]:
        raise UserError(
            env._(
                "%(account)s is not in stage %(stage)s.",
                account=partner.display_name,
                stage=stages[steps[0][1]].name,
            )
        )
    # the messages of each step: entering the first stage (the data file's
    # change), then each move
    posted = post_moves(env, partner)
    step_messages = [
        posted.filtered(
            lambda message: "ka_stage_id"
            in message.tracking_value_ids.field_id.mapped("name")
        )
    ]
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
        messages = post_moves(env, partner)
        step_messages.append(messages - posted)
        posted = messages
    current = partner.ka_checklist_line_ids.filtered(
        lambda line: line.stage_id == partner.ka_stage_id
    )
    current[:ticked].filtered(lambda line: not line.done).write({"done": True})
    current[ticked:].filtered("done").write({"done": False})
    date_back(env, partner, [months for months, *__ in steps], step_messages)


def date_back(env, partner, months_ago, step_messages=()):
    """Date the history rows, the checklist confirmations and the chatter
    messages of each step (``step_messages``, one recordset per step) back;
    the rows are the account's key account manager's, an override is a
    manager's."""
    history = (
        env["key.account.stage.history"]
        .search([("partner_id", "=", partner.id)])
        .sorted("id")
    )
    if len(history) != len(months_ago):
        raise UserError(
            env._(
                "%(account)s has %(rows)s stage history rows, not %(steps)s.",
                account=partner.display_name,
                rows=len(history),
                steps=len(months_ago),
            )
        )
    now = fields.Datetime.now().replace(hour=2, minute=0, second=0, microsecond=0)
    starts = [now - relativedelta(months=months) for months in months_ago]
    ends = starts[1:] + [False]
    user = partner.ka_user_id or env.ref(KA_MANAGER)
    manager = user
    if not manager.has_group("key_account.group_key_account_manager"):
        manager = env.ref(KA_MANAGER)
    step_messages = list(step_messages) or [env["mail.message"]] * len(history)
    for row, start, end, messages in zip(
        history, starts, ends, step_messages, strict=True
    ):
        author = manager if row.event_type == "override" else user
        row.write({"date_start": start, "date_end": end, "user_id": author.id})
        messages.write({"date": start, "author_id": author.partner_id.id})
    partner.write({"ka_stage_date": starts[-1]})
    # each stage left: its items confirmed in the days before leaving it
    left = {row.stage_id: row.date_end for row in history if row.date_end}
    today = fields.Date.context_today(partner)
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


def set_plan_goals(env, plan, growth, budget_share=0.25):
    """Sales goal: the account's confirmed sales of the last 12 months times
    ``growth``; profit goal at the account's margin rate; budget a share of
    the profit goal."""
    account = plan.partner_id.commercial_partner_id
    orders = env["sale.order"].search(
        [
            ("partner_id", "child_of", account.id),
            ("state", "=", "sale"),
            ("date_order", ">=", fields.Datetime.now() - relativedelta(months=12)),
        ]
    )
    sales = sum(orders.mapped("amount_untaxed"))
    if not sales:
        raise UserError(
            env._(
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
