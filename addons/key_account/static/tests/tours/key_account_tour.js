/** @odoo-module **/
// Copyright 2026 Customer Management Team
// License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).

import {registry} from "@web/core/registry";

registry.category("web_tour.tours").add("key_account_tour", {
    steps: () => [
        {
            content: "Open the key account tab",
            trigger: ".o_notebook .nav-link[name=key_account]",
            run: "click",
        },
        {
            content: "Rate the advantage factor (listed first)",
            trigger: "div[name=ka_rating_ids] .o_data_row:eq(0) td[name=rating]",
            run: "click",
        },
        {
            trigger: "div[name=ka_rating_ids] .o_data_row:eq(0) td[name=rating] input",
            run: "edit 8",
        },
        {
            content: "Rate the attractiveness factor",
            trigger: "div[name=ka_rating_ids] .o_data_row:eq(1) td[name=rating]",
            run: "click",
        },
        {
            trigger: "div[name=ka_rating_ids] .o_data_row:eq(1) td[name=rating] input",
            run: "edit 6",
        },
        {
            content: "Save the ratings",
            trigger: ".o_form_button_save",
            run: "click",
        },
        {
            content: "The account lands in the key quadrant",
            trigger: "div[name=ka_quadrant]:contains(Key)",
        },
        {
            content: "Confirm the last exit criterion",
            trigger:
                "div[name=ka_current_checklist_ids] .o_data_row:last-child button[name=action_mark_done]",
            run: "click",
        },
        {
            content: "Every criterion is confirmed",
            trigger:
                "div[name=ka_current_checklist_ids]:not(:has(button[name=action_mark_done]))",
        },
        {
            content: "Advance to the next stage",
            trigger: "button[name=action_ka_advance_stage]",
            run: "click",
        },
        {
            content: "The checklist of the basic stage is shown",
            trigger:
                "div[name=ka_current_checklist_ids] td:contains(Supply relationship running)",
        },
    ],
});
