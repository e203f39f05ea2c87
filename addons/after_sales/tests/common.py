# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import Command

from odoo.addons.base.tests.common import BaseCommon
from odoo.addons.sale_customer_mgmt.tests.common import make_users

MANAGER = "base.group_user,after_sales.group_after_sales_manager"
AGENT = "base.group_user,after_sales.group_after_sales_agent"


class AfterSalesCommon(BaseCommon):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Ticket = cls.env["helpdesk.ticket"]
        # no helpdesk_mgmt auto-assignment of the current user
        cls.env.company.helpdesk_mgmt_ticket_auto_assign = False
        users = make_users(
            cls.env,
            "as",
            {"manager": MANAGER, "agent_1": AGENT, "agent_2": AGENT, "agent_3": AGENT},
        )
        cls.manager = users["manager"]
        cls.agent_1, cls.agent_2, cls.agent_3 = (
            users["agent_1"],
            users["agent_2"],
            users["agent_3"],
        )
        # SLA deadlines in clock hours unless a test says otherwise
        cls.calendar_24_7 = cls._calendar(
            "Round the clock", [(day, 0, 24) for day in range(7)]
        )
        cls.team = cls.env["helpdesk.ticket.team"].create(
            {
                "name": "Loop Team",
                "resource_calendar_id": cls.calendar_24_7.id,
                "user_id": cls.manager.id,
                "user_ids": [
                    Command.set([cls.agent_1.id, cls.agent_2.id, cls.agent_3.id])
                ],
            }
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Customer Co", "is_company": True, "email": "co@example.com"}
        )
        cls.contact = cls.env["res.partner"].create(
            {
                "name": "Customer Contact",
                "parent_id": cls.customer.id,
                "email": "contact@example.com",
            }
        )
        cls.stage_new = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_new")
        cls.stage_progress = cls.env.ref(
            "helpdesk_mgmt.helpdesk_ticket_stage_in_progress"
        )
        cls.stage_done = cls.env.ref("helpdesk_mgmt.helpdesk_ticket_stage_done")

    @classmethod
    def _calendar(cls, name, slots, tz="UTC"):
        """A working-time calendar: ``slots`` = [(weekday, from, to)]."""
        return cls.env["resource.calendar"].create(
            {
                "name": name,
                "tz": tz,
                "attendance_ids": [Command.clear()]
                + [
                    Command.create(
                        {
                            "name": f"{day} {start}-{end}",
                            "dayofweek": str(day),
                            "hour_from": start,
                            "hour_to": end,
                        }
                    )
                    for day, start, end in slots
                ],
            }
        )

    @classmethod
    def _sla_targets(cls, name, response, resolution, **criteria):
        """A first-response and a resolution SLA (helpdesk_mgmt_sla)."""
        common = {"name": name, **criteria}
        return cls.env["helpdesk.sla"].create(
            [
                dict(
                    common,
                    name=f"{name} (response)",
                    after_sales_target="response",
                    hours=response,
                    stage_id=cls.stage_progress.id,
                ),
                dict(
                    common,
                    name=f"{name} (resolution)",
                    after_sales_target="resolution",
                    hours=resolution,
                    stage_id=cls.stage_done.id,
                ),
            ]
        )

    @classmethod
    def _archive_data_slas(cls):
        cls.env["helpdesk.sla"].search([]).active = False

    @classmethod
    def _ticket(cls, **vals):
        values = {
            "name": "Machine down",
            "description": "<p>It stopped.</p>",
            "team_id": cls.team.id,
            "partner_id": cls.contact.id,
        }
        values.update(vals)
        return cls.env["helpdesk.ticket"].create(values)

    def _resolve(self, ticket, user=None):
        if not ticket.user_id:
            ticket.user_id = user or self.agent_1
        if ticket.loop_state == "dispatched":
            ticket.action_after_sales_start()
        ticket.action_after_sales_resolve()
        return ticket
