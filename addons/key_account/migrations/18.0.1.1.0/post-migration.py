# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""18.0.1.1.0: a key account always has a relationship stage.

Before, a partner flagged as a key account by a create, a write or an import
had no stage, and a partner that lost the flag kept its stage. The data is
brought to the rule of this version through the writes the users' changes
go through, so every account gets the same bookkeeping:

- a key account without a stage enters the first stage, with its "initial"
  history row and the exit checklist of the stage, as the "Make Key Account"
  button does;
- a partner with a stage that is not a key account loses the stage, as
  clearing the flag does now: its open history row is closed, the history and
  the checklist lines stay.

Archived partners are included. The stage changes are tracked in the chatter.
"""

import logging

from odoo import SUPERUSER_ID, api

_logger = logging.getLogger(__name__)


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    Partner = env["res.partner"].with_context(active_test=False)
    unstaged = Partner.search(
        [("is_key_account", "=", True), ("ka_stage_id", "=", False)]
    )
    if unstaged:
        unstaged.write({"is_key_account": True})
    strays = Partner.search(
        [("is_key_account", "=", False), ("ka_stage_id", "!=", False)]
    )
    if strays:
        strays.write({"is_key_account": False})
    _logger.info(
        "key_account 18.0.1.1.0: %s key accounts entered the first stage, "
        "%s partners that are not key accounts left their stage",
        len(unstaged),
        len(strays),
    )
