# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Settings kept in ``ir.config_parameter``, read with their real type."""

import math

TRUE_WORDS = ("1", "true", "yes", "on")


def get_param(env, key, default, low=None, high=None):
    """The parameter ``key`` converted to the type of ``default``.

    ``default`` is returned when nothing is stored, when the stored text is
    not a value of that type (``"1e6"`` for a whole number, ``"nan"``), or
    when a number lies outside ``[low, high]``: a bad value stored by hand
    (Settings > Technical > System Parameters) never reaches a computation or
    a cron. Booleans are read as words: ``bool("False")`` would be true.
    """
    # sudo: configuration parameters are readable by administrators only;
    # the callers read settings every user's computations depend on
    raw = env["ir.config_parameter"].sudo().get_param(key)
    if raw in (None, False, ""):
        return default
    if isinstance(default, bool):
        return str(raw).strip().lower() in TRUE_WORDS
    try:
        value = type(default)(raw)
    except (TypeError, ValueError, OverflowError):
        return default
    if isinstance(value, float) and not math.isfinite(value):
        return default
    if (low is not None and value < low) or (high is not None and value > high):
        return default
    return value
