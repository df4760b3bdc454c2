import { registry } from "@web/core/registry";

// A warehouse user validates the delivery of an eMAG order...
registry.category("web_tour.tours").add("emag_fulfilment_validate", {
    steps: () => [
        {
            content: "Validate the eMAG delivery",
            trigger: ".o_form_view .o_statusbar_buttons button[name='button_validate']",
            run: "click",
        },
        {
            content: "The click answers at once: the delivery is done, the pipeline queued",
            trigger: ".o_form_view .o_emag_fulfilment .o_emag_summary:contains('To do')",
        },
    ],
});

// ...and, once the pipeline's jobs ran, finds the AWB number and the label.
registry.category("web_tour.tours").add("emag_fulfilment_check", {
    steps: () => [
        {
            content: "The AWB number is shown on the delivery",
            trigger: ".o_form_view .o_emag_fulfilment .o_emag_awb:contains('4EMGLN')",
        },
        {
            content: "The label is one click away",
            trigger: ".o_form_view .o_statusbar_buttons button[name='action_emag_print_label']",
        },
        {
            content: "Every step of the pipeline is done",
            trigger: ".o_form_view .o_emag_fulfilment .o_emag_summary:contains('Done')",
        },
    ],
});
