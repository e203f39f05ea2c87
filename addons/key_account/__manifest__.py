# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "Key Account Management",
    "summary": "Key-account selection matrix, relationship stages, decision-making "
    "unit, account plans, SPIN calls, retention, conflicts and gift compliance",
    "version": "18.0.1.1.0",
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
        "data/key_account_stage_data.xml",
        "data/key_account_factor_data.xml",
        "data/ir_cron_data.xml",
        "report/key_account_plan_report.xml",
        "wizards/key_account_stage_change_views.xml",
        "views/key_account_config_views.xml",
        "views/key_account_plan_views.xml",
        "views/key_account_call_views.xml",
        "views/key_account_register_views.xml",
        "views/res_partner_views.xml",
        "views/res_config_settings_views.xml",
        "views/key_account_menus.xml",
    ],
    "demo": ["demo/key_account_demo.xml"],
    "assets": {
        "web.assets_tests": [
            "key_account/static/tests/tours/*.js",
        ],
    },
    "installable": True,
    "application": True,
}
