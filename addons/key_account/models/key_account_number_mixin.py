# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Numbers are checked before the ORM converts them.

The ORM turns the value of a float, monetary or integer field into a number
before any constraint runs: NaN or infinity in a field with digits, or in an
integer field, stops there with a raw ``ValueError``/``OverflowError``; an
integer beyond 32 bits only fails in PostgreSQL, at the flush; NaN and
infinity in a float without digits are stored as they are and break every
comparison and date computation made with them later. Every model of
key_account (and the models it extends, for the fields it adds) inherits this
mixin, whose ``create``/``write`` refuse such values with a translated
ValidationError naming the field. The ranges that make business sense (0-10,
0-100, months...) are the ``@api.constrains`` of each model.
"""

import math

from odoo import api, models
from odoo.exceptions import ValidationError

NUMBER_TYPES = ("float", "monetary", "integer")
# PostgreSQL "integer" columns
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


class KeyAccountNumberMixin(models.AbstractModel):
    _name = "key.account.number.mixin"
    _description = "Key Account Number Checks"

    @api.model
    def _ka_check_number_vals(self, vals):
        """Refuse values of the numeric fields of key_account in ``vals`` that
        are not finite numbers (or do not fit an integer column)."""
        for fname, value in vals.items():
            field = self._fields.get(fname)
            if (
                field is None
                or field.type not in NUMBER_TYPES
                or field._module != "key_account"
                or value is None
                or isinstance(value, bool)
            ):
                continue
            try:
                if isinstance(value, str) and field.type == "integer":
                    # as the ORM reads it: int("2.5") fails
                    number = float(int(value))
                elif isinstance(value, int | float | str):
                    number = float(value)
                else:
                    number = math.nan
            except (ValueError, OverflowError):
                number = math.nan
            label = field._description_string(self.env)
            if not math.isfinite(number):
                raise ValidationError(
                    self.env._(
                        "%(field)s must be a number, not %(value)s.",
                        field=label,
                        value=repr(value),
                    )
                )
            if field.type == "integer" and (
                number != int(number) or not INT_MIN <= number <= INT_MAX
            ):
                raise ValidationError(
                    self.env._(
                        "%(field)s must be a whole number, not %(value)s.",
                        field=label,
                        value=repr(value),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._ka_check_number_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._ka_check_number_vals(vals)
        return super().write(vals)
