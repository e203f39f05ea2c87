# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Helpers shared by sale_customer_mgmt, key_account and after_sales."""

from .batch import lock_batch
from .columns import create_filled_columns
from .params import get_param
from .sql_array import sql_array
