import { registry } from "@web/core/registry";

// A storekeeper without eMAG rights receives the goods of an eMAG return.
registry.category("web_tour.tours").add("emag_rma_receive", {
    steps: () => [
        {
            content: "The return picking shows the customer's reason",
            trigger: ".o_form_view .o_field_widget[name='emag_return_reason']:contains('Defective')",
        },
        {
            content: "Validate the returned goods",
            trigger: ".o_form_view .o_statusbar_buttons button[name='button_validate']",
            run: "click",
        },
        {
            content: "Received at once, without an access error",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked='true']:contains('Done')",
        },
    ],
});

// Retry on a return whose problem eMAG has not fixed: it stays in exception.
registry.category("web_tour.tours").add("emag_rma_retry_unresolved", {
    steps: () => [
        {
            content: "The return says why it waits",
            trigger: ".o_form_view .alert-danger:contains('only 0 were delivered')",
        },
        {
            content: "Retry",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_retry']:contains('Retry')",
            run: "click",
        },
        {
            content: "The return is read again in a moment",
            trigger: ".o_notification:contains('read again from eMAG')",
        },
        {
            content: "Still in exception, with its message",
            trigger: ".o_form_view .o_statusbar_status button[aria-checked='true']:contains('Exception')",
        },
        {
            content: "The message is still there",
            trigger: ".o_form_view .alert-danger:contains('only 0 were delivered')",
        },
    ],
});
