# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Customer Management (Tiers, Prospects, Visits, Targets)",
    "summary": "Customer tiers from real sales, margin and payment data; MAN "
    "prospects, colour cards, visit plans, sales targets and customer analysis",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "Sales/Sales",
    "website": "https://github.com/customer-mgmt/odoo-customer-mgmt",
    "author": "Customer Management Team",
    "maintainers": ["customer-mgmt"],
    "license": "AGPL-3",
    "depends": ["sale_management", "sale_margin", "sale_crm", "account"],
    "data": [
        "security/sale_customer_mgmt_security.xml",
        "security/ir.model.access.csv",
        "views/sale_customer_mgmt_menus.xml",
    ],
    "demo": [],
    "assets": {
        "web.assets_tests": [
            "sale_customer_mgmt/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": False,
}
