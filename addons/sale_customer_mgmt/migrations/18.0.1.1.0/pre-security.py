# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Who sees what (18.0.1.1.0): record rules and group membership.

* The record rules live in ``noupdate`` data, which an upgrade never
  rewrites: the rules whose domain or groups changed (and the integrated-order
  rule that is gone) are deleted here, so that the upgrade creates them again
  from the data files. Rules with new ids are created by the upgrade itself.
* The salesperson group no longer implies the accountant group. Odoo added
  every salesperson to the accountant group when it was implied, and does
  not take them out when the implication goes: the salespeople who are not
  sales managers leave it here (the accountant level was exclusive in the
  user form, so none of them was an accountant by choice). Sales managers
  keep it: the manager group implies the accountant group now.
"""

CHANGED_RULES = (
    # security/sale_customer_mgmt_report_rules.xml
    "sale_collection_plan_rule_personal",
    "sale_collection_plan_rule_all",
    "sale_collection_plan_line_rule_personal",
    "sale_collection_plan_line_rule_all",
    "sale_order_integrated_report_rule_accountant",
    # security/sale_customer_mgmt_rules.xml
    "res_partner_tier_history_rule_user",
    "res_partner_tier_history_rule_all",
    # security/sale_customer_mgmt_crm_rules.xml
    "sale_customer_visit_rule_user",
    "sale_customer_visit_rule_manager",
    "crm_development_report_rule_manager",
    "forecast_sale_report_rule_user",
    "forecast_sale_report_rule_manager",
)


def migrate(cr, version):
    if not version:
        return
    cr.execute(
        """
        DELETE FROM ir_rule
         WHERE id IN (SELECT res_id
                        FROM ir_model_data
                       WHERE module = 'sale_customer_mgmt'
                         AND model = 'ir.rule'
                         AND name IN %s)
        """,
        [CHANGED_RULES],
    )
    cr.execute(
        """
        DELETE FROM ir_model_data
         WHERE module = 'sale_customer_mgmt'
           AND model = 'ir.rule'
           AND name IN %s
        """,
        [CHANGED_RULES],
    )
    cr.execute(
        """
        WITH grp AS (
            SELECT name, res_id
              FROM ir_model_data
             WHERE module = 'sale_customer_mgmt'
               AND model = 'res.groups'
               AND name IN ('group_customer_accountant', 'group_customer_user',
                            'group_customer_manager')
        )
        DELETE FROM res_groups_users_rel rel
         USING grp accountant
         WHERE accountant.name = 'group_customer_accountant'
           AND rel.gid = accountant.res_id
           AND rel.uid IN (SELECT r.uid
                             FROM res_groups_users_rel r
                             JOIN grp ON grp.res_id = r.gid
                            WHERE grp.name = 'group_customer_user')
           AND rel.uid NOT IN (SELECT r.uid
                                 FROM res_groups_users_rel r
                                 JOIN grp ON grp.res_id = r.gid
                                WHERE grp.name = 'group_customer_manager')
        """
    )
