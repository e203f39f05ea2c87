/** @odoo-module **/
// Copyright 2026 Customer Management Team
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("after_sales_loop_tour", {
    steps: () => [
        {
            content: "Ticket title",
            trigger: ".o_field_widget[name='name'] input",
            run: "edit Tour: packing machine stopped",
        },
        {
            content: "Description",
            trigger: ".o_field_html[name='description'] div.o-paragraph",
            run: "editor The packing machine stopped",
        },
        {
            content: "Team",
            trigger: ".o_field_widget[name='team_id'] input",
            run: "edit Tour Service Team",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Tour Service Team')",
            run: "click",
        },
        {
            content: "Technician",
            trigger: ".o_field_widget[name='user_id'] input",
            run: "edit Tour Technician",
        },
        {
            trigger: ".o-autocomplete--dropdown-item > a:contains('Tour Technician')",
            run: "click",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "Dispatched: start work",
            trigger: "button[name='action_after_sales_start']",
            run: "click",
        },
        {
            trigger: "button[name='action_after_sales_resolve']",
        },
        {
            content: "Open the service form",
            trigger: "a.nav-link:contains('Service Form')",
            run: "click",
        },
        {
            content: "Answer the required question",
            trigger:
                ".o_field_widget[name='form_answer_ids'] .o_data_row:first .o_data_cell[name='value_text']",
            run: "click",
        },
        {
            trigger:
                ".o_field_widget[name='form_answer_ids'] .o_data_row:first .o_field_widget[name='value_text'] input",
            run: "edit Belt replaced",
        },
        {
            content: "Save",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            trigger: ".o_form_saved",
        },
        {
            content: "Resolve",
            trigger: "button[name='action_after_sales_resolve']",
            run: "click",
        },
        {
            content: "Resolved",
            trigger: "button[name='action_after_sales_reopen']",
        },
    ],
});
