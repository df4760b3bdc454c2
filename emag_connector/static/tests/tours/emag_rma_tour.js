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
