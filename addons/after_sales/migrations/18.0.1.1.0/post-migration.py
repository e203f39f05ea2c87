# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.0.0 -> 18.0.1.1.0: the loop's SLA and feedback move to OCA's models.

* Each SLA policy of after_sales (response and resolution hours per team,
  priority and tier) becomes two SLAs of helpdesk_mgmt_sla (first response:
  reach "In Progress"; resolution: reach "Done"); the two policies of the
  module's own data are replaced by its new SLAs. Teams of the loop count
  SLAs; open loop tickets get their SLAs.
* Customer feedback already given becomes a rating of helpdesk_mgmt_rating
  (Odoo's rating screens show it); a feedback link not used yet keeps working
  as the ticket's rating request, until it expires.
The old tables go with their models when the upgrade ends.
"""

from odoo import api
from odoo.tools import SQL
from odoo.tools.sql import table_exists

OWN_POLICIES = ("sla_policy_default", "sla_policy_urgent")


def _migrate_policies(env):
    cr = env.cr
    stage_progress = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_in_progress", False)
    stage_done = env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done", False)
    cr.execute(
        SQL(
            """
            SELECT p.id, p.name->>'en_US', p.sequence, p.active, p.company_id,
                   p.team_id, p.priority, p.tier_id, p.response_hours,
                   p.resolution_hours, p.warning_percent
              FROM after_sales_sla_policy p
             WHERE NOT EXISTS (
                   SELECT 1 FROM ir_model_data d
                    WHERE d.model = 'after.sales.sla.policy' AND d.res_id = p.id
                      AND d.module = 'after_sales' AND d.name IN %s)
            """,
            OWN_POLICIES,
        )
    )
    vals_list = []
    for (
        __,
        name,
        sequence,
        active,
        company_id,
        team_id,
        priority,
        tier_id,
        response_hours,
        resolution_hours,
        warning_percent,
    ) in cr.fetchall():
        for target, hours, stage in (
            ("response", response_hours, stage_progress),
            ("resolution", resolution_hours, stage_done),
        ):
            vals_list.append(
                {
                    "name": f"{name} ({target})",
                    "sequence": sequence,
                    "active": active,
                    "company_id": company_id,
                    "team_ids": [(6, 0, [team_id] if team_id else [])],
                    "priority": priority,
                    "tier_ids": [(6, 0, [tier_id] if tier_id else [])],
                    "after_sales_target": target,
                    # helpdesk_mgmt_sla counts whole hours
                    "hours": max(1, round(hours or 0)),
                    "warning_percent": warning_percent or 80.0,
                    "stage_id": stage.id if stage else False,
                }
            )
    env["helpdesk.sla"].create(vals_list)


def _migrate_feedback(env):
    cr = env.cr
    model_id = env["ir.model"]._get_id("helpdesk.ticket")
    # feedback given: a consumed rating per rated ticket
    cr.execute(
        """
        SELECT t.id, t.partner_id, u.partner_id, t.feedback_rating,
               t.feedback_comment, t.feedback_channel
          FROM helpdesk_ticket t
          LEFT JOIN res_users u ON u.id = t.user_id
         WHERE t.feedback_rating BETWEEN 1 AND 5
           AND t.feedback_channel IS NOT NULL
        """
    )
    vals_list = [
        {
            "res_model_id": model_id,
            "res_id": ticket_id,
            "partner_id": partner_id,
            "rated_partner_id": operator_id,
            "rating": rating,
            "feedback": comment,
            "consumed": True,
            "after_sales_channel": channel,
        }
        for ticket_id, partner_id, operator_id, rating, comment, channel in (
            cr.fetchall()
        )
    ]
    # links not used yet, still valid: the same token as a rating request
    cr.execute(
        """
        SELECT k.ticket_id, k.partner_id, u.partner_id, k.token,
               k.expiration_date, k.channel
          FROM after_sales_feedback_token k
          JOIN helpdesk_ticket t ON t.id = k.ticket_id
          LEFT JOIN res_users u ON u.id = t.user_id
         WHERE k.used_date IS NULL AND k.expiration_date > now() at time zone 'UTC'
           AND t.loop_state = 'resolved'
        """
    )
    vals_list += [
        {
            "res_model_id": model_id,
            "res_id": ticket_id,
            "partner_id": partner_id,
            "rated_partner_id": operator_id,
            "access_token": token,
            "after_sales_expiration_date": expiration,
            "after_sales_channel": channel,
            "is_internal": False,
        }
        for ticket_id, partner_id, operator_id, token, expiration, channel in (
            cr.fetchall()
        )
    ]
    env["rating.rating"].create(vals_list)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, api.SUPERUSER_ID, {})
    if table_exists(cr, "after_sales_sla_policy"):
        _migrate_policies(env)
    if table_exists(cr, "after_sales_feedback_token"):
        _migrate_feedback(env)
    teams = env["helpdesk.ticket.team"].search([("after_sales_loop", "=", True)])
    teams.write({"use_sla": True})
    tickets = env["helpdesk.ticket"].search(
        [
            ("team_id", "in", teams.ids),
            ("loop_state", "in", ("received", "dispatched", "in_progress")),
        ]
    )
    tickets.set_sla()
    # the records of the models that are gone
    cr.execute(
        "DELETE FROM ir_model_data WHERE module = 'after_sales' AND model IN "
        "('after.sales.sla.policy', 'after.sales.feedback.token')"
    )
