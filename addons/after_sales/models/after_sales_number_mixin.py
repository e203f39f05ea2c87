# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import math

from odoo import api, models
from odoo.exceptions import ValidationError

# PostgreSQL "integer" columns
INT_MIN, INT_MAX = -(2**31), 2**31 - 1


class AfterSalesNumberMixin(models.AbstractModel):
    """Numbers of the fields after_sales declares, checked before the ORM
    converts them: NaN and infinity (stored as they are in a float without
    digits, a raw error in an integer) and integers beyond the column are
    refused with a translated error naming the field. The ranges that make
    business sense are each model's constraints."""

    _name = "after.sales.number.mixin"
    _description = "After-Sales Number Checks"

    @api.model
    def _after_sales_check_numbers(self, vals):
        for name, value in vals.items():
            field = self._fields.get(name)
            if (
                field is None
                or field._module != "after_sales"
                or field.type not in ("float", "integer")
                or value is None
                or isinstance(value, bool)
            ):
                continue
            try:
                number = float(value)
            except (TypeError, ValueError, OverflowError):
                number = math.nan
            if not math.isfinite(number) or (
                field.type == "integer"
                and (number != int(number) or not INT_MIN <= number <= INT_MAX)
            ):
                raise ValidationError(
                    self.env._(
                        "%(field)s: %(value)s is not a valid number.",
                        field=field._description_string(self.env),
                        value=repr(value),
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._after_sales_check_numbers(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._after_sales_check_numbers(vals)
        return super().write(vals)
