# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "After-Sales Service Loop",
    "summary": "Closed-loop service on helpdesk tickets: dispatch, SLA, service forms, "
    "customer feedback, return visits and staff ranking",
    "version": "18.0.1.1.0",
    "development_status": "Beta",
    "category": "After-Sales",
    "website": "https://github.com/customer-mgmt/odoo-customer-mgmt",
    "author": "Customer Management Team",
    "maintainers": ["customer-mgmt"],
    "license": "AGPL-3",
    "depends": [
        "helpdesk_mgmt",
        "helpdesk_mgmt_sla",
        "helpdesk_mgmt_rating",
        "sale_customer_mgmt",
    ],
    "data": [
        "security/after_sales_security.xml",
        "security/ir.model.access.csv",
        "data/after_sales_data.xml",
        "report/after_sales_report_views.xml",
        "report/sale_customer_churn_report_views.xml",
        "views/after_sales_feedback_templates.xml",
        "views/helpdesk_ticket_views.xml",
        "views/helpdesk_ticket_team_views.xml",
        "views/helpdesk_sla_views.xml",
        "views/after_sales_form_template_views.xml",
        "views/after_sales_evaluation_views.xml",
        "views/res_config_settings_views.xml",
        "views/after_sales_menus.xml",
    ],
    "demo": ["demo/after_sales_demo.xml"],
    "assets": {
        "web.assets_tests": ["after_sales/static/tests/tours/*.js"],
    },
    "post_init_hook": "post_init_hook",
    "uninstall_hook": "uninstall_hook",
    "installable": True,
    "application": False,
}
