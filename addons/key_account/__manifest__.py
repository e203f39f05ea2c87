# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Key Account Management",
    "summary": "Key-account selection matrix, relationship stages, decision-making "
    "unit, account plans, SPIN calls, retention, conflicts and gift compliance",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Sales/Key Accounts",
    "website": "https://github.com/customer-mgmt/odoo-customer-mgmt",
    "author": "Customer Management Team",
    "maintainers": ["customer-mgmt"],
    "license": "AGPL-3",
    "depends": ["sale_customer_mgmt"],
    "data": [
        "security/key_account_security.xml",
        "security/ir.model.access.csv",
    ],
    "demo": [],
    "installable": True,
    "application": True,
}
