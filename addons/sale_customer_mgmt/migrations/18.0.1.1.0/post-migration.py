# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""MAN: "not known yet" is not "no" (18.0.1.1.0).

Before this version a MAN criterion was a bare boolean, so a lead nobody had
qualified was class 8 (m-a-n, "stop contact"). Each criterion now has an
answer, ``man_*_state`` (yes, no, or empty for not known yet), and the
booleans follow it. The upgrade adds the answer columns empty, so every lead
starts "not assessed"; here the leads on which somebody ticked at least one
criterion are marked assessed (ticked: yes, not ticked: no). Leads with the
three booleans False are indistinguishable from leads nobody looked at: they
stay not assessed. The MAN class of every lead the old code classified is
computed again through the ORM, so the fields that depend on it follow.
"""

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

from odoo.addons.sale_customer_mgmt.models.crm_lead_man import MAN_STATE_FIELDS


def migrate(cr, version):
    if not version:
        return
    mark_assessed(api.Environment(cr, SUPERUSER_ID, {}))


def mark_assessed(env):
    """Mark assessed the leads with a MAN boolean True and no answer yet, then
    compute the MAN class again of those and of the leads still unanswered.

    Return the leads marked assessed.
    """
    Lead = env["crm.lead"].with_context(active_test=False)
    Lead.flush_model()
    rows = env.execute_query(
        SQL(
            """
            UPDATE crm_lead
               SET man_money_state = CASE WHEN man_money THEN 'yes' ELSE 'no' END,
                   man_authority_state
                       = CASE WHEN man_authority THEN 'yes' ELSE 'no' END,
                   man_need_state = CASE WHEN man_need THEN 'yes' ELSE 'no' END
             WHERE man_money_state IS NULL
               AND man_authority_state IS NULL
               AND man_need_state IS NULL
               AND (man_money OR man_authority OR man_need)
         RETURNING id
            """
        )
    )
    assessed = Lead.browse(row[0] for row in rows)
    unanswered = Lead.search([(fname, "=", False) for fname in MAN_STATE_FIELDS])
    leads = assessed | unanswered
    leads.invalidate_recordset(list(MAN_STATE_FIELDS))
    leads.modified(list(MAN_STATE_FIELDS))
    env.flush_all()
    return assessed
