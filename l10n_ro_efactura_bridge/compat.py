"""What differs between the Odoo series the bridge runs on (17.0, 18.0, 19.0).

The 19.0 code is the source (tools/dist.py derives the older addons from it);
a difference of a core API that a text rewrite cannot express is answered here,
once, so the models and services call one name on every series.
"""

import base64

from odoo import release

ODOO_MAJOR = release.version_info[0]

if ODOO_MAJOR >= 19:
    from odoo.fields import Domain

    def domain_and(*domains):
        """The conjunction of search domains (lists or ``Domain`` objects)."""
        return Domain.AND(domains)

else:
    from odoo.osv.expression import AND

    def domain_and(*domains):
        """The conjunction of search domains (lists or ``Domain`` objects)."""
        return AND([list(domain) for domain in domains])


# -- core's e-Factura records (efactura.md §3.2) ----------------------------------
# The bridge runs its own SPV state machine and mirrors each outcome into core's
# ``l10n_ro_edi.document`` so core's badge, filters and buttons agree. The names
# of those states moved between series: the bridge says "sent", "refused",
# "validated" (and "not_indexed": uploaded, index lost) and these tables say
# what core calls them. In 17.0 ``invoice_sent`` means *validated*.
if ODOO_MAJOR >= 19:
    CORE_DOCUMENT_STATE = {
        "sent": "invoice_sent",
        "not_indexed": "invoice_sent",
        "refused": "invoice_refused",
        "validated": "invoice_validated",
    }
    CORE_MOVE_STATE = {
        "sent": "invoice_sent",
        "not_indexed": "invoice_not_indexed",
        "refused": "invoice_refused",
        "validated": "invoice_validated",
    }
elif ODOO_MAJOR == 18:
    CORE_DOCUMENT_STATE = {
        "sent": "invoice_sent",
        "not_indexed": "invoice_sent",
        "refused": "invoice_sending_failed",
        "validated": "invoice_validated",
    }
    # An error document leaves 17.0/18.0's move state empty.
    CORE_MOVE_STATE = {
        "sent": "invoice_sent",
        "not_indexed": "invoice_sent",
        "refused": False,
        "validated": "invoice_validated",
    }
else:
    CORE_DOCUMENT_STATE = {
        "sent": "invoice_sending",
        "not_indexed": "invoice_sending",
        "refused": "invoice_sending_failed",
        "validated": "invoice_sent",
    }
    CORE_MOVE_STATE = {
        "sent": "invoice_sending",
        "not_indexed": "invoice_sending",
        "refused": False,
        "validated": "invoice_sent",
    }


def mirror_core_document(
    move,
    outcome,
    *,
    attachment=None,
    message=None,
    download_id=None,
    signature=None,
    certificate=None,
):
    """Replace the move's core e-Factura documents by one saying ``outcome``.

    ``attachment`` is the sent XML or the signature; 19.0 keeps it on the document
    (``attachment``), 17.0/18.0 in an ``ir.attachment`` (``attachment_id``, the
    signature also on the move) and the upload index on the document (``key_loading``).
    """
    documents = move.env["l10n_ro_edi.document"].sudo()
    move.l10n_ro_edi_document_ids.sudo().unlink()
    values = {"invoice_id": move.id, "state": CORE_DOCUMENT_STATE[outcome], "message": message}
    if signature is not None or certificate is not None:
        values.update({"key_signature": signature, "key_certificate": certificate})
    if ODOO_MAJOR >= 19:
        if attachment:
            values["attachment"] = base64.b64encode(attachment)
        if download_id:
            values["key_download"] = download_id
        document = documents.create(values)
        if outcome == "not_indexed":
            move.l10n_ro_edi_state = CORE_MOVE_STATE["not_indexed"]
        return document
    values["key_loading"] = move_index(move) or False
    document = documents.create(values)
    if attachment:
        name = (move.name or "").replace("/", "_")
        kind = "signature" if outcome == "validated" else "xml"
        document.attachment_id = (
            move.env["ir.attachment"]
            .sudo()
            .create(
                {
                    "name": f"ciusro_{kind}_{name}.xml",
                    "res_model": document._name,
                    "res_id": document.id,
                    "raw": attachment,
                    "type": "binary",
                    "mimetype": "application/xml",
                }
            )
        )
        if outcome == "validated":
            move.l10n_ro_edi_attachment_id = document.attachment_id
    return document


def move_index(move):
    """The SPV upload index of the move (``index_incarcare``)."""
    return move.l10n_ro_edi_index


# Core's daily "Synchronize with ANAF" (efactura.md §3.5): built into 19.0's
# ``l10n_ro_edi``, in 18.0's ``l10n_ro_efactura_synchronize``, absent from 17.0.
CORE_SYNC_MODULE = {
    19: "odoo.addons.l10n_ro_edi.models.account_move",
    18: "odoo.addons.l10n_ro_efactura_synchronize.models.account_move",
}.get(min(ODOO_MAJOR, 19))


def feedback_automated_activities(record, activity_xmlids, feedback):
    """Mark done the activities of these types the bridge planned itself (19.0's
    ``only_automated``), leaving those a person planned."""
    if ODOO_MAJOR >= 19:
        return record.activity_feedback(activity_xmlids, feedback=feedback, only_automated=True)
    types = [record.env.ref(xmlid, raise_if_not_found=False) for xmlid in activity_xmlids]
    activities = record.activity_ids.filtered(
        lambda activity: activity.automated and activity.activity_type_id in types
    )
    return activities.action_feedback(feedback=feedback)
