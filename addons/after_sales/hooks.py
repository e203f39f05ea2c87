# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo.addons.sale_customer_mgmt.hooks import drop_indexes

from . import demo_story

# Indexes that ``init()`` creates on helpdesk_mgmt's table over its columns:
# uninstalling drops our columns (and the indexes on them), not these.
FOREIGN_INDEXES = (
    "helpdesk_ticket_list_order_index",
    "helpdesk_ticket_rule_cover_index",
    "helpdesk_ticket_commercial_partner_id_index",
    "helpdesk_ticket_duplicate_id_index",
)


def post_init_hook(env):
    """Teams that existed before the installation opt in to the loop later.

    The field defaults to True (new teams use the loop); the after-sales team
    created by this addon keeps it. With demo data, the demo tickets go
    through the loop (demo_story.py).
    """
    own_team = env.ref("after_sales.helpdesk_team_after_sales", False)
    teams = (
        env["helpdesk.ticket.team"]
        .with_context(active_test=False)
        .search([("id", "!=", own_team.id if own_team else 0)])
    )
    teams.write({"after_sales_loop": False})
    # installed with demo data (loaded before this hook): the demo tickets'
    # story through the loop
    if env.ref("base.module_after_sales").demo:
        demo_story.play(env)


def uninstall_hook(env):
    drop_indexes(env, FOREIGN_INDEXES)
    # The loop's SLAs are helpdesk_mgmt_sla's records, which the tickets'
    # SLA lines refer to (and keep, as the history of what each ticket was
    # measured against): they stay, archived (without the loop's priority
    # and tier criteria they would apply to every ticket of their teams),
    # and are no longer this addon's data.
    own = env["ir.model.data"].search(
        [("module", "=", "after_sales"), ("model", "=", "helpdesk.sla")]
    )
    env["helpdesk.sla"].browse(own.mapped("res_id")).exists().active = False
    own.unlink()
