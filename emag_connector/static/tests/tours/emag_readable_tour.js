import { registry } from "@web/core/registry";

/** Fail the tour when ``element`` hides part of its text behind an ellipsis. */
function assertWhole(element, what) {
    if (!element) {
        throw new Error(`${what}: not found`);
    }
    if (element.scrollWidth > element.clientWidth + 1) {
        throw new Error(`${what} is cut: "${element.innerText}"`);
    }
}

// The health badge and the exception report stay readable next to long names and messages.
registry.category("web_tour.tours").add("emag_readable_dashboard", {
    steps: () => [
        {
            content: "The health badge of an account with a long name is shown whole",
            trigger:
                ".o_kanban_record:contains('Tour BG, the shop of a long name') a[name='action_view_exceptions']:contains('Healthy')",
            run() {
                assertWhole(this.anchor, "the health badge");
            },
        },
        {
            content: "Open the exception report of the account in trouble",
            trigger: ".o_kanban_record:contains('Tour RO') a[name='action_view_exceptions']",
            run: "click",
        },
        {
            content: "Open the orders in exception",
            trigger: ".o_group_header:contains('Order in exception')",
            run: "click",
        },
        {
            content: "Beside a long message, the kind, account and record are shown whole",
            trigger: ".o_list_view .o_data_row:contains('TOUR-BROKEN-0001')",
            run() {
                for (const name of ["kind", "account_id", "record_name"]) {
                    assertWhole(this.anchor.querySelector(`td[name='${name}']`), `the ${name} cell`);
                }
            },
        },
    ],
});

// A pushed price is shown with its currency and eMAG's four decimals.
registry.category("web_tour.tours").add("emag_offer_prices", {
    steps: () => [
        {
            content: "The pushed price names its currency",
            trigger: ".o_data_row:contains('Tour kettle') td[name='pushed_price']:contains('40.0248'):contains('lei')",
        },
    ],
});
