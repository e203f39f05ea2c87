# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from odoo.addons.sale_customer_mgmt.tools import get_param

# the settings of key_account kept in ir.config_parameter:
# {parameter: (default, minimum, maximum)}; the default gives the type
KA_PARAMETERS = {
    "key_account.quadrant_threshold": (5.0, 0.0, 10.0),
    "key_account.contact_alert_days": (60, 1, 3650),
    "key_account.freshness_days": (90, 1, 3650),
}
# {settings field: parameter}; read and saved here rather than through the
# standard ``config_parameter``, which keeps whatever text is stored (and logs
# a warning for each bad one at every opening of the settings) and saves a
# zero as "no value", i.e. the default
KA_SETTING_FIELDS = {
    "ka_quadrant_threshold": "key_account.quadrant_threshold",
    "ka_contact_alert_days": "key_account.contact_alert_days",
    "ka_freshness_days": "key_account.freshness_days",
}


def ka_get_param(env, key):
    """The value of the key_account parameter ``key``, converted to its type
    and within its bounds; the default when the stored text is missing, is
    not a number of that type or is out of bounds (see ``get_param``)."""
    default, minimum, maximum = KA_PARAMETERS[key]
    return get_param(env, key, default, minimum, maximum)


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    ka_quadrant_threshold = fields.Float(
        string="Quadrant Threshold",
        help="A score equal to or above this value (0-10) counts as high in the "
        "selection matrix and the supplier positioning.",
    )
    ka_contact_alert_days = fields.Integer(
        string="Decision Maker Contact Alert (Days)",
        help="Days without contact (1-3650) before a decision maker is flagged.",
    )
    ka_freshness_days = fields.Integer(
        string="Freshness Window (Days)",
        help="Days (1-3650) in which new offers and contacts keep an account fresh.",
    )

    @api.constrains(*KA_SETTING_FIELDS)
    def _check_ka_settings(self):
        for fname, key in KA_SETTING_FIELDS.items():
            _default, minimum, maximum = KA_PARAMETERS[key]
            for settings in self:
                if not minimum <= settings[fname] <= maximum:
                    raise ValidationError(
                        self.env._(
                            "%(setting)s must be between %(minimum)s and %(maximum)s.",
                            setting=self._fields[fname]._description_string(self.env),
                            minimum=minimum,
                            maximum=maximum,
                        )
                    )

    @api.model
    def get_values(self):
        res = super().get_values()
        # the values in force, not a bad text stored by hand
        for fname, key in KA_SETTING_FIELDS.items():
            res[fname] = ka_get_param(self.env, key)
        return res

    def set_values(self):
        res = super().set_values()
        old_threshold = ka_get_param(self.env, "key_account.quadrant_threshold")
        # sudo: configuration parameters are only writable by administrators
        params = self.env["ir.config_parameter"].sudo()
        for fname, key in KA_SETTING_FIELDS.items():
            value = repr(self[fname])
            if params.get_param(key) != value:
                params.set_param(key, value)
        if old_threshold != ka_get_param(self.env, "key_account.quadrant_threshold"):
            self.env["res.partner"]._ka_recompute_quadrants()
        return res
