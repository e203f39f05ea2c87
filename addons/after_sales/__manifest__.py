# Copyright 2026 Customer Management Team
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
{
    "name": "After-Sales Service Loop",
    "summary": "Closed-loop service on helpdesk tickets: dispatch, SLA, service forms, "
    "customer feedback, return visits and staff ranking",
    "version": "18.0.1.0.0",
    "development_status": "Beta",
    "category": "After-Sales",
    "website": "https://github.com/customer-mgmt/odoo-customer-mgmt",
    "author": "Customer Management Team",
    "maintainers": ["customer-mgmt"],
    "license": "AGPL-3",
    "depends": ["helpdesk_mgmt", "sale_customer_mgmt"],
    "data": [
        "security/after_sales_security.xml",
        "security/ir.model.access.csv",
    ],
    "demo": [],
    "installable": True,
    "application": False,
}
