"""Records that hang on a restricted record follow its access (domain spec §4).

Walks the registry: for every model of the three addons (reports included)
and every many2one to a restricted parent — a prospect or opportunity
(``crm.lead``), a sale order, a helpdesk ticket, or a customer's figures
(``res.partner`` as seen through ``res.partner.figures``, for the models of
sale_customer_mgmt whose rows are a customer's figures) — a restricted user
sees only children of parents she may see. The restricted users are a
salesperson limited to her own documents and a service agent limited to her
own tickets. (An accountant reads collection plans and integrated orders
without any right on sale orders, by design: the integrated order view is
her window on the orders.)

A check is only worth something if a child of a hidden parent exists: the
fixture makes one for each case below, and the test fails when one of them
was not actually exercised.
"""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user

from .common import CrossAddonCase

OUR_ADDONS = ("sale_customer_mgmt", "key_account", "after_sales")
PARENTS = ("crm.lead", "sale.order", "helpdesk.ticket", "res.partner")
# parents whose children must hide when the parent is hidden; res.partner only
# for the models whose rows are a customer's figures (see _figure_keyed)
OTHER_PARENTS = ("crm.lead", "sale.order", "helpdesk.ticket")
MUST_BE_EXERCISED = {
    ("sale.customer.visit", "lead_id"),
    ("sale.collection.plan", "order_id"),
    ("sale.collection.plan.line", "order_id"),
    ("sale.order.integrated.report", "order_id"),
    ("after.sales.form.answer", "ticket_id"),
    ("res.partner.tier.history", "partner_id"),
    ("res.partner.figures", "partner_id"),
    ("sale.customer.composition.report", "partner_id"),
    ("sale.customer.performance.report", "partner_id"),
    ("sale.customer.product.report", "partner_id"),
}


class TestRecordsFollowTheirParent(CrossAddonCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        env = cls.env
        env.company.helpdesk_mgmt_ticket_auto_assign = False
        own = "base.group_user,sales_team.group_sale_salesman"
        cls.lin = new_test_user(env, login="h4r_lin", groups=own)
        cls.wang = new_test_user(env, login="h4r_wang", groups=own)
        cls.agent = new_test_user(
            env,
            login="h4r_agent",
            groups="base.group_user,helpdesk_mgmt.group_helpdesk_user_own",
        )
        cls.other_agent = new_test_user(
            env,
            login="h4r_other_agent",
            groups="base.group_user,after_sales.group_after_sales_agent",
        )
        # Wang's customer, order, collection plan, prospect; a visit of Lin
        # to Wang's prospect; the tier engine's figures of the customer.
        product = env["product.product"].create(
            {"name": "H4R Pump", "list_price": 1000.0, "standard_price": 600.0}
        )
        customer = env["res.partner"].create(
            {"name": "H4R Wang's Customer", "is_company": True, "user_id": cls.wang.id}
        )
        order = env["sale.order"].create(
            {
                "partner_id": customer.id,
                "user_id": cls.wang.id,
                "order_line": [
                    Command.create({"product_id": product.id, "price_unit": 1000.0})
                ],
            }
        )
        order.action_confirm()
        env["sale.collection.plan"].create(
            {
                "order_id": order.id,
                "line_ids": [
                    Command.create({"percentage": 100, "date_due": "2099-01-01"})
                ],
            }
        )
        customer._recompute_tiers()
        lead = env["crm.lead"].create(
            {"name": "H4R Wang's prospect", "user_id": cls.wang.id}
        )
        env["sale.customer.visit"].create(
            {"lead_id": lead.id, "user_id": cls.lin.id, "name": "H4R visit"}
        )
        # Another agent's ticket, with a service form answered.
        team = env["helpdesk.ticket.team"].create(
            {
                "name": "H4R team",
                "user_ids": [Command.set([cls.agent.id, cls.other_agent.id])],
            }
        )
        template = env["after.sales.form.template"].create(
            {"name": "H4R form", "question_ids": [Command.create({"name": "Cause"})]}
        )
        ticket = env["helpdesk.ticket"].create(
            {
                "name": "H4R other agent's ticket",
                "description": "<p>Down.</p>",
                "team_id": team.id,
                "user_id": cls.other_agent.id,
                "partner_id": customer.id,
            }
        )
        if not ticket.form_answer_ids:
            env["after.sales.form.answer"].create(
                {"ticket_id": ticket.id, "question_id": template.question_ids.id}
            )

    def _figure_keyed(self, model):
        """Rows that are a customer's figures: the models of
        sale_customer_mgmt hanging on a customer and on no other restricted
        parent (the tier history, the figures, the customer analyses)."""
        if model._original_module != "sale_customer_mgmt":
            return False
        return not any(
            field.type == "many2one" and field.comodel_name in OTHER_PARENTS
            for field in model._fields.values()
        )

    def _child_links(self):
        """(model, many2one field name, parent model) of the three addons."""
        for name in sorted(self.env.registry):
            model = self.env[name]
            if (
                model._abstract
                or model._transient
                or model._original_module not in OUR_ADDONS
            ):
                continue
            for field in model._fields.values():
                if (
                    field.type != "many2one"
                    or field.comodel_name not in PARENTS
                    or not (field.store or field.search)
                ):
                    continue
                if field.comodel_name == "res.partner" and not self._figure_keyed(
                    model
                ):
                    continue
                yield name, field.name, field.comodel_name

    def _visible_parents(self, user, parent_model):
        if parent_model == "res.partner":
            parent_model = "res.partner.figures"  # the customer's figures
        model = self.env[parent_model].with_user(user)
        if not model.has_access("read"):
            return set()
        return set(model.with_context(active_test=False).search([]).ids)

    def test_children_of_hidden_parents_are_hidden(self):
        links = list(self._child_links())
        self.assertTrue(
            {(model, fname) for model, fname, __ in links} >= MUST_BE_EXERCISED,
            "the walk misses a model that hangs on a restricted parent",
        )
        exercised = set()
        for user in (self.lin, self.agent):
            visible = {
                parent: self._visible_parents(user, parent) for parent in PARENTS
            }
            for model_name, fname, parent in links:
                model = self.env[model_name].with_user(user)
                if not model.has_access("read"):
                    continue  # no access at all: sees no child
                hidden = [
                    (fname, "not in", list(visible[parent])),
                    (fname, "!=", False),
                ]
                sudo = self.env[model_name].sudo().with_context(active_test=False)
                if sudo.search_count(hidden, limit=1):
                    exercised.add((model_name, fname))
                try:
                    children = model.with_context(active_test=False).search(
                        [(fname, "!=", False)]
                    )
                except AccessError as error:
                    self.fail(f"{user.login} cannot search {model_name}: {error}")
                seen_parents = set(children.sudo()[fname].ids)
                self.assertLessEqual(
                    seen_parents,
                    visible[parent],
                    f"{user.login} sees {model_name} rows of {parent} records "
                    f"{sorted(seen_parents - visible[parent])[:5]} she may not see "
                    f"(through {fname})",
                )
        self.assertFalse(
            MUST_BE_EXERCISED - exercised,
            "no child of a hidden parent was there to check",
        )
