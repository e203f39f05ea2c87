# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""What users may write, checked before the ORM converts it.

Two rules hold for every field sale_customer_mgmt declares, on every path a
user can take over RPC (``create``, ``write``, one2many commands, ``copy``):

- **System-written fields.** A field of ours that the model declares
  read-only (plain, computed without inverse, or related) is written by the
  system only: the tier engine, the crons, and the buttons that own it (pin a
  tier, approve an order change, claim a prospect...). Those paths write with
  the private context token ``SYSTEM_WRITE``; its value is a Python object,
  which no RPC client can send (a context arrives as JSON). The superuser
  (crons, data files) is the system too. A user who writes such a field gets
  a translated AccessError naming it; ``copy()`` does not carry them over
  either (the engine computes the copy's own).
- **Numbers.** The ORM turns the value of a float, monetary or integer field
  into a number before any constraint runs: NaN or infinity in a field with
  digits, or in an integer field, stops there with a raw
  ``ValueError``/``OverflowError``; an integer beyond 32 bits only fails in
  PostgreSQL, at the flush; NaN and infinity in a float without digits are
  stored as they are and break every comparison made with them later (a
  NaN weight gave a customer the score ``nan`` and no tier). They are
  refused here with a translated ValidationError naming the field. The
  ranges that make business sense are the ``@api.constrains`` of each model.

New models of the addon inherit this mixin; the models it extends call
``_scm_check_vals`` at the top of their own ``create``/``write``, before the
ORM (and the overrides of the modules below, res.config.settings' included)
read the values.
"""

import math

from odoo import api, models
from odoo.exceptions import AccessError, ValidationError

MODULE = "sale_customer_mgmt"
# the addons whose numeric fields the mixin checks (key_account and
# after_sales build on this mixin instead of writing their own checks)
OUR_MODULES = ("sale_customer_mgmt", "key_account", "after_sales")
NUMBER_TYPES = ("float", "monetary", "integer")
# PostgreSQL "integer" columns
INT_MIN, INT_MAX = -(2**31), 2**31 - 1
# private context key of the system's own writes (see the module docstring)
SYSTEM_WRITE = "sale_customer_mgmt_system_write"
SYSTEM_TOKEN = object()
# private context key: the what-if wizard writes a company's thresholds one
# by one and validates them as a whole at the end
THRESHOLD_BATCH = "sale_customer_mgmt_threshold_batch"


def as_system(records):
    """``records`` in an environment whose writes are the system's."""
    return records.with_context(**{SYSTEM_WRITE: SYSTEM_TOKEN})


def finite_or(value, default, low=None, high=None):
    """``value`` as a float when it is a finite number within ``[low, high]``,
    else ``default``: readers of stored settings tolerate a bad value (stored
    before the checks existed, or by SQL) instead of breaking every compute
    and cron that reads it."""
    try:
        number = float(value)
    except (TypeError, ValueError):
        return default
    if not math.isfinite(number):
        return default
    if (low is not None and number < low) or (high is not None and number > high):
        return default
    return number


class SaleCustomerIntegrityMixin(models.AbstractModel):
    _name = "sale.customer.integrity.mixin"
    _description = "Customer Management Write Checks"

    def _scm_is_system(self):
        return self.env.su or self.env.context.get(SYSTEM_WRITE) is SYSTEM_TOKEN

    @api.model
    def _scm_system_fields(self):
        """Names of the fields of ours that only the system writes."""
        return {
            fname
            for fname, field in self._fields.items()
            if field._module == MODULE and field.readonly
        }

    @api.model
    def _scm_check_vals(self, vals):
        """Refuse in ``vals`` the system-written fields (unless the system
        writes) and the numbers that are not finite or do not fit."""
        if not isinstance(vals, dict):
            return
        if not self._scm_is_system():
            system = sorted(self._scm_system_fields() & set(vals))
            if system:
                raise AccessError(
                    self.env._(
                        "%(fields)s of %(model)s are set by the system (the "
                        "customer tier engine, the scheduled actions and the "
                        "buttons that own them); they cannot be written by hand.",
                        fields=", ".join(
                            self._fields[fname]._description_string(self.env)
                            for fname in system
                        ),
                        model=self._description,
                    )
                )
        self._scm_check_number_vals(vals)

    @api.model
    def _scm_check_number_vals(self, vals):
        for fname, value in vals.items():
            field = self._fields.get(fname)
            if (
                field is None
                or field.type not in NUMBER_TYPES
                or field._module not in OUR_MODULES
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
            # the label (a translation lookup) only for the error: the
            # engine's and the crons' writes pass here with valid numbers
            if not math.isfinite(number):
                raise ValidationError(
                    self.env._(
                        "%(field)s must be a number, not %(value)s.",
                        field=field._description_string(self.env),
                        value=repr(value),
                    )
                )
            if field.type == "integer" and (
                number != int(number) or not INT_MIN <= number <= INT_MAX
            ):
                raise ValidationError(
                    self.env._(
                        "%(field)s must be a whole number, not %(value)s.",
                        field=field._description_string(self.env),
                        value=repr(value),
                    )
                )

    @api.model
    def _scm_check_range(self, records, bounds):
        """Raise unless each field of ``bounds`` ``{fname: (low, high)}`` is
        within its bounds (``None``: open) on every record."""
        for record in records:
            for fname, (low, high) in bounds.items():
                value = record[fname]
                if (low is None or value >= low) and (high is None or value <= high):
                    continue
                label = record._fields[fname]._description_string(self.env)
                if high is None:
                    message = self.env._(
                        "%(field)s must be at least %(low)s (not %(value)s).",
                        field=label,
                        low=low,
                        value=value,
                    )
                elif low is None:
                    message = self.env._(
                        "%(field)s must be at most %(high)s (not %(value)s).",
                        field=label,
                        high=high,
                        value=value,
                    )
                else:
                    message = self.env._(
                        "%(field)s must be between %(low)s and %(high)s "
                        "(not %(value)s).",
                        field=label,
                        low=low,
                        high=high,
                        value=value,
                    )
                raise ValidationError(message)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            self._scm_check_vals(vals)
        return super().create(vals_list)

    def write(self, vals):
        self._scm_check_vals(vals)
        return super().write(vals)

    def copy_data(self, default=None):
        # what the system wrote on the original is not the copy's (and is not
        # even read: some of it is restricted to groups the user may lack)
        default = dict(default or {})
        skipped = {
            fname
            for fname in self._scm_system_fields()
            if self._fields[fname].copy and fname not in default
        }
        vals_list = super().copy_data(default=default | dict.fromkeys(skipped))
        return [
            {key: value for key, value in vals.items() if key not in skipped}
            for vals in vals_list
        ]
