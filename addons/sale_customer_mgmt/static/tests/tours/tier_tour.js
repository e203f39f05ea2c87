/** @odoo-module **/
/* Copyright 2026 Customer Management Team
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("sale_customer_mgmt_tier_tour", {
    steps: () => [
        {
            content: "Open the Customer Tier page of the customer",
            trigger: ".o_notebook .nav-link:contains('Customer Tier')",
            run: "click",
        },
        {
            content: "The tier is shown",
            trigger: ".o_field_widget[name=customer_tier_id]:contains('Key Customer')",
        },
        {
            content: "The breakdown explains the score",
            trigger: ".o_tier_breakdown td:contains('Payment safety')",
        },
        {
            content: "Open the what-if wizard",
            trigger: "button.o_tier_whatif_button",
            run: "click",
        },
        {
            content: "Put all the weight on the purchase volume",
            trigger: ".modal .o_field_widget[name=weight_cooperation] input",
            run: "edit 0",
        },
        {
            content: "Preview the tier moves",
            trigger: ".modal button.o_tier_whatif_preview",
            run: "click",
        },
        {
            content: "The preview lists the moves",
            trigger: ".modal .o_tier_whatif_result .o_data_row",
        },
        {
            content: "Close without applying",
            trigger: ".modal .modal-footer button:contains('Cancel')",
            run: "click",
        },
        {
            content: "Back on the customer",
            trigger: "body:not(:has(.modal))",
        },
    ],
});
