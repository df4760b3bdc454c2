// The delivery form reloads itself while its eMAG steps run: the pipeline's
// jobs send "emag_connector/fulfilment_updated" on the warehouse users' bus
// channel after each step (emag.fulfilment._emag_notify_update).
import { onWillDestroy } from "@odoo/owl";
import { useService } from "@web/core/utils/hooks";
import { patch } from "@web/core/utils/patch";
import { FormController } from "@web/views/form/form_controller";

const FULFILMENT_UPDATED = "emag_connector/fulfilment_updated";

patch(FormController.prototype, {
    setup() {
        super.setup(...arguments);
        if (this.props.resModel !== "stock.picking") {
            return;
        }
        const busService = useService("bus_service");
        const onUpdate = async ({ picking_ids }) => {
            const root = this.model.root;
            // A message can come before the form has loaded its record (a busy
            // server): nothing to refresh yet, the load reads the new state.
            // Never overwrite what the user is typing: an edited form waits for its save.
            if (root && picking_ids.includes(root.resId) && !(await root.isDirty())) {
                await root.load();
            }
        };
        busService.subscribe(FULFILMENT_UPDATED, onUpdate);
        onWillDestroy(() => busService.unsubscribe(FULFILMENT_UPDATED, onUpdate));
    },
});
