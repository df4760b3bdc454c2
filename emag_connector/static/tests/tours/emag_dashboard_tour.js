import { registry } from "@web/core/registry";

// An eMAG user opens the dashboard, reads an account's health and follows a figure to its list.
registry.category("web_tour.tours").add("emag_dashboard_figures", {
    steps: () => [
        {
            content: "The card of the account shows its health",
            trigger: ".o_kanban_record:contains('Tour RO') .badge:contains('Errors: 1')",
        },
        {
            content: "The other account is healthy",
            trigger: ".o_kanban_record:contains('Tour BG') .badge:contains('Healthy')",
        },
        {
            content: "Open the orders waiting for acknowledgement",
            trigger:
                ".o_kanban_record:contains('Tour RO') a[name='action_open_dashboard_figure']:contains('To acknowledge')",
            run: "click",
        },
        {
            content: "The list holds the order counted on the card, and only it",
            trigger: ".o_list_view:has(.o_data_row:contains('TOUR-NEW')):not(:has(.o_data_row:contains('TOUR-BROKEN')))",
        },
        {
            content: "Back to the dashboard",
            trigger: ".o_breadcrumb a:contains('eMAG Dashboard')",
            run: "click",
        },
        {
            content: "The health badge opens the account's exception report",
            trigger: ".o_kanban_record:contains('Tour RO') a[name='action_view_exceptions']",
            run: "click",
        },
        {
            content: "The order in exception is reported",
            trigger: ".o_list_view .o_list_table:contains('Order in exception')",
        },
    ],
});
