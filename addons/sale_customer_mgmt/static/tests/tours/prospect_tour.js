/** @odoo-module **/
/* Copyright 2026 Customer Management Team
 * License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl). */

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("sale_customer_mgmt_prospect_tour", {
    steps: () => [
        {
            content: "Open the qualification tab",
            trigger: ".o_notebook a[name='customer_mgmt_qualification']",
            run: "click",
        },
        {
            content: "Nobody assessed the MAN yet: no class, no banner",
            trigger:
                ".o_form_sheet:not(:has(.alert [name=man_guidance])) .o_field_widget[name=man_assessment]:contains('Not assessed')",
        },
        {
            content: "The prospect needs our products",
            trigger: ".o_field_widget[name=man_need_state] select",
            run: "selectByLabel Yes",
        },
        {
            content: "Class 5, and the guidance names what is not known yet",
            trigger:
                ".alert-info .o_field_widget[name=man_guidance]:contains('Not known yet: Money, Authority')",
        },
        {
            content: "... it has money",
            trigger: ".o_field_widget[name=man_money_state] select",
            run: "selectByLabel Yes",
        },
        {
            content: "... and authority",
            trigger: ".o_field_widget[name=man_authority_state] select",
            run: "selectByLabel Yes",
        },
        {
            content: "Guidance for class 1 is shown",
            trigger: ".o_field_widget[name=man_guidance]:contains('Ideal prospect')",
        },
        {
            content: "Yellow card",
            trigger: ".o_field_widget[name=card_color] select",
            run: "selectByLabel Yellow",
        },
        {
            content: "Heat grade A",
            trigger: ".o_field_widget[name=heat_grade] select",
            run: "selectByLabel within a week",
        },
        {
            content: "Open the visits of the lead (saves the lead)",
            trigger: "button[name=action_view_customer_visits]",
            run: "click",
        },
        {
            content: "Log a new visit",
            trigger: ".o_list_button_add",
            run: "click",
        },
        {
            content: "Open the result tab",
            trigger: ".o_notebook a[name='result']",
            run: "click",
        },
        {
            content: "Introduced the company",
            trigger: ".o_field_widget[name=purpose_introduce] input",
            run: "click",
        },
        {
            content: "Gave reasons to choose us",
            trigger: ".o_field_widget[name=purpose_reason] input",
            run: "click",
        },
        {
            content: "Conveyed the service commitment",
            trigger: ".o_field_widget[name=purpose_service] input",
            run: "click",
        },
        {
            content: "Three purposes: successful",
            trigger: ".o_field_widget[name=is_successful] input:checked",
        },
        {
            content: "Mark the visit as done",
            trigger: "button[name=action_done]",
            run: "click",
        },
        {
            content: "The visit is done",
            trigger: ".o_statusbar_status button.o_arrow_button_current:contains('Done')",
        },
    ],
});
