"""The simulated e-Factura REST routes: upload, stareMesaj, descarcare and message lists.

Parameter checks, their order and the literal texts follow ANAF's swagger
(``efactura.md`` §1.3–1.6). Query refusals are HTTP 200 answers like ANAF's;
only missing parameters are HTTP 400.
"""

import math
import time
from datetime import datetime, timedelta

from . import documents
from .judge import document_facts
from .replies import (
    ANAF_TZ,
    XML,
    Reply,
    anaf_now,
    download_error,
    error_reply,
    json_reply,
    list_error,
)
from .store import STANDARDS, Upload

_UPLOAD_FLAGS = (("extern", "extern"), ("autofactura", "autofacturare"), ("executare", "executare"))
_LIST_FILTERS = {"E": "ERORI FACTURA", "T": "FACTURA TRIMISA", "P": "FACTURA PRIMITA"}


class SpvRoutes:
    """Mixin of :class:`~anaf_simulator.AnafSimulator` serving ``/<env>/FCTEL/rest/...``."""

    def _api(self, route, query, headers, body):
        auth = headers.get("Authorization", "")
        token = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        with self._lock:
            state = self._store.access_token_state(token) if token else "missing"
        if state != "valid":
            description = {
                "missing": "Full authentication is required to access this resource",
                "expired": "Access token expired",
                "unknown": "Invalid access token",
            }[state]
            challenge = 'Bearer realm="anaf"'
            if state != "missing":
                challenge += f', error="invalid_token", error_description="{description}"'
            return error_reply(401, "Unauthorized", description, {"WWW-Authenticate": challenge})
        with self._lock:
            forced_limit = self._store.take_fault(route, ("daily_limit",)) is not None
        if route in ("upload", "uploadb2c"):
            return self._upload(query, body, route == "uploadb2c", forced_limit)
        handler = {
            "stareMesaj": self._status,
            "descarcare": self._download,
            "listaMesajeFactura": self._list,
            "listaMesajePaginatieFactura": self._list_paginated,
        }[route]
        with self._lock:
            return handler(query, forced_limit)

    def _upload(self, query, body, b2c, forced_limit):
        now = anaf_now()
        standard, cif = query.get("standard"), query.get("cif")
        if not standard or not cif:
            return error_reply(400, "Bad Request", "Parametrii standard si cif sunt obligatorii")
        if not body.strip():
            return error_reply(
                400, "Bad Request", "Trebuie sa aveti atasat in request un fisier de tip xml"
            )

        def refuse(message):
            return Reply(200, documents.upload_answer(now, errors=[message]), XML)

        if standard not in STANDARDS:
            return refuse(
                "Valorile acceptate pentru parametrul standard sunt UBL, CN, CII sau RASP"
            )
        if len(body) > self.max_upload_bytes:
            return refuse("Marime fisier transmis mai mare de 10 MB.")
        if not cif.isdigit():
            return refuse(f"CIF introdus= {cif} nu este un numar")
        for name, label in _UPLOAD_FLAGS:
            if name in query and query[name] != "DA":
                return refuse(
                    f"Daca parametrul {label} trebuie completat, valoarea acceptata este DA"
                )
        if self.cifs is not None and not self.cifs:
            return refuse("Nu exista niciun CIF pentru care sa aveti drept in SPV")
        if self.cifs is not None and cif not in self.cifs:
            return refuse(f"Nu aveti drept in SPV pentru CIF={cif}")
        # RASP is the only upload with a daily quota; a forced limit reuses its text.
        with self._lock:
            if standard == "RASP":
                count, limit = self._store.count("rasp_per_cif", cif)
            else:
                count, limit = 0, self._store.limits["rasp_per_cif"]
        if forced_limit or count > limit:
            return refuse(
                f"S-au incarcat deja {limit} de mesaje de tip RASP pentru cui={cif} in cursul zilei"
            )
        problem = self._judge.upload_errors(body, standard)
        if problem:
            return refuse(problem)
        with self._lock:
            upload = Upload(
                index=self._store.new_index(),
                cif=cif,
                standard=standard,
                b2c=b2c,
                flags={name: True for name, _label in _UPLOAD_FLAGS if name in query},
                xml=bytes(body),
                received_at=time.time(),
                delay_polls=self._delay["polls"],
                delay_seconds=self._delay["seconds"],
                facts=document_facts(body),
            )
            self._store.uploads[upload.index] = upload
            if self._store.forced_next:
                verdict, findings = self._store.forced_next.pop(0)
                upload.forced = True
                self._settle(upload, verdict, findings)
        with self._idle:
            self._pending += 1
        self._queue.put(upload.index)
        return Reply(200, documents.upload_answer(now, index=upload.index), XML)

    def _status(self, query, forced_limit):
        index = query.get("id_incarcare")
        if not index:
            return error_reply(400, "Bad Request", "Parametrul id_incarcare este obligatoriu")

        def query_error(message):
            return Reply(200, documents.status_answer(errors=[message]), XML)

        if not index.isdigit():
            return query_error(f"Id_incarcare introdus= {index} nu este un numar intreg")
        upload = self._store.uploads.get(index)
        if not upload:
            return query_error(f"Nu exista factura cu id_incarcare= {index}")
        if self.cifs is not None and upload.cif not in self.cifs:
            return query_error(f"Nu aveti dreptul de inteorgare pentru id_incarcare= {index}")
        count, limit = self._store.count("stareMesaj", index)
        if forced_limit or count > limit:
            # ANAF's swagger uses this "descarcari" wording for the stareMesaj quota too.
            return query_error(f"S-au facut deja {limit} descarcari de mesaj in cursul zilei")
        upload.observe()
        verdict = upload.visible_verdict(time.time())
        if verdict is None:
            body = documents.status_answer(state="in prelucrare")
        elif verdict == "xml_errors":
            body = documents.status_answer(state="XML cu erori nepreluat de sistem")
        else:
            body = documents.status_answer(state=verdict, download_id=upload.download_id)
        return Reply(200, body, XML)

    def _download(self, query, forced_limit):
        download_id = query.get("id")
        if not download_id:
            return error_reply(400, "Bad Request", "Parametrul id este obligatoriu")
        if not download_id.isdigit():
            return download_error(f"Id descarcare introdus= {download_id} nu este un numar intreg")
        upload = self._store.by_download.get(download_id)
        if not upload:
            return download_error(f"Pentru id={download_id} nu exista inregistrata nici o factura")
        if self.cifs is not None and not self._may_read(upload):
            return download_error("Nu aveti dreptul sa descarcati acesta factura")
        if time.time() - upload.received_at > self.retention_days * 86400:
            return download_error(
                "Fisierul nu mai poate fi descarcat pentru ca a trecut perioada de "
                f"{self.retention_days} de zile in care este disponibil"
            )
        count, limit = self._store.count("descarcare", download_id)
        if forced_limit or count > limit:
            return download_error(f"S-au facut deja {limit} descarcari de mesaj in cursul zilei")
        if upload.verdict == "ok":
            content = upload.xml
        else:
            issuer = upload.facts.get("issuer_cif") or upload.cif
            messages = [finding.anaf_message() for finding in upload.findings]
            content = documents.error_document(upload.index, issuer, messages)
        return Reply(
            200,
            documents.archive(upload.index, content),
            "application/zip",
            {"Content-Disposition": f'attachment; filename="{download_id}.zip"'},
        )

    def _may_read(self, upload):
        """The issuer, and the buyer of a B2B document, may download its archive."""
        buyer = None if upload.b2c else upload.facts.get("buyer_cif")
        return upload.cif in self.cifs or buyer in self.cifs

    def _check_list_query(self, cif, filtru, scope, forced_limit):
        """Common checks of both list routes: the error text, or ``None``."""
        if not cif.isdigit():
            return f"CIF introdus= {cif} nu este un numar"
        if filtru is not None and filtru not in ("E", "T", "P", "R"):
            return "Valorile acceptate pentru parametrul filtru sunt E, T, P sau R"
        if self.cifs is not None and not self.cifs:
            return "Nu exista niciun CIF pentru care sa aveti drept in SPV"
        if self.cifs is not None and cif not in self.cifs:
            return f"Nu aveti drept in SPV pentru CIF={cif}"
        count, limit = self._store.count(scope, cif)
        if forced_limit or count > limit:
            return (
                f"S-au facut deja {limit} interogari de lista mesaje de catre utilizator "
                "in cursul zilei"
            )
        return None

    def _messages(self, cif, since, until, filtru):
        """Messages of ``cif`` whose upload time is within ``[since, until]``, newest first."""
        now = time.time()
        found = []
        for upload in reversed(self._store.uploads.values()):
            issuer = upload.cif == cif
            buyer = upload.facts.get("buyer_cif") == cif and not upload.b2c
            if not (issuer or buyer) or not since <= upload.received_at <= until:
                continue
            upload.observe()
            verdict = upload.visible_verdict(now)
            if verdict == "ok":
                kind = "FACTURA TRIMISA" if issuer else "FACTURA PRIMITA"
                details = (
                    f"Factura cu id_incarcare={upload.index} emisa de "
                    f"cif_emitent={upload.facts.get('issuer_cif') or upload.cif} pentru "
                    f"cif_beneficiar={upload.facts.get('buyer_cif') or ''}"
                )
            elif verdict == "nok" and issuer:
                kind = "ERORI FACTURA"
                details = (
                    f"Erori de validare identificate la factura primita cu "
                    f"id_incarcare={upload.index}"
                )
            else:
                continue
            if filtru and _LIST_FILTERS.get(filtru) != kind:
                continue
            created = datetime.fromtimestamp(upload.received_at, ANAF_TZ)
            found.append(
                {
                    "data_creare": created.strftime("%Y%m%d%H%M"),
                    "cif": cif,
                    "id_solicitare": upload.index,
                    "detalii": details,
                    "tip": kind,
                    "id": upload.download_id,
                }
            )
        return found

    def _list(self, query, forced_limit):
        days, cif, filtru = query.get("zile"), query.get("cif"), query.get("filtru")
        if not days or not cif:
            return error_reply(400, "Bad Request", "Parametrii zile si cif sunt obligatorii")
        if not days.isdigit():
            return list_error(f"Numarul de zile introdus= {days} nu este un numar intreg")
        if not 1 <= int(days) <= 60:
            return list_error("Numarul de zile trebuie sa fie intre 1 si 60")
        problem = self._check_list_query(cif, filtru, "listaMesajeFactura", forced_limit)
        if problem:
            return list_error(problem)
        now = time.time()
        messages = self._messages(cif, now - int(days) * 86400, now, filtru)
        if not messages:
            return list_error(f"Nu exista mesaje in ultimele {days} zile")
        if len(messages) > self.page_size:
            return list_error(
                f"Lista de mesaje este mai mare decat numarul de {self.page_size} elemente "
                "permise in pagina. Folositi endpoint-ul cu paginatie."
            )
        return json_reply(
            {
                "mesaje": messages,
                "serial": "SIM0000001",
                "cui": cif,
                "titlu": f"Lista Mesaje disponibile din ultimele {days} zile",
            }
        )

    def _list_paginated(self, query, forced_limit):
        names = ("startTime", "endTime", "cif", "pagina")
        if not all(query.get(name) for name in names):
            return error_reply(
                400, "Bad Request", "Parametrii startTime, endTime, cif si pagina sunt obligatorii"
            )
        start, end, cif, page = (query[name] for name in names)
        filtru = query.get("filtru")
        for name, value in (("startTime", start), ("endTime", end), ("pagina", page)):
            if not value.isdigit():
                return list_error(f"{name} introdus= {value} nu este un numar intreg")
        start_at = datetime.fromtimestamp(int(start) / 1000, ANAF_TZ)
        end_at = datetime.fromtimestamp(int(end) / 1000, ANAF_TZ)
        now = anaf_now()
        shown_start, shown_end = (documents.format_spv_datetime(m) for m in (start_at, end_at))
        if start_at < now - timedelta(days=60):
            return list_error(
                f"startTime = {shown_start} nu poate fi mai vechi de 60 de zile "
                "fata de momentul requestului"
            )
        if end_at <= start_at:
            return list_error(f"endTime = {shown_end} nu poate fi <= startTime = {shown_start}")
        if end_at > now:
            return list_error(
                f"endTime = {shown_end} nu poate in viitor fata de momentul requestului"
            )
        problem = self._check_list_query(cif, filtru, "listaMesajePaginatieFactura", forced_limit)
        if problem:
            return list_error(problem)
        messages = self._messages(cif, int(start) / 1000, int(end) / 1000, filtru)
        if not messages:
            return list_error("Nu exista mesaje in intervalul selectat")
        pages = math.ceil(len(messages) / self.page_size)
        if int(page) > pages or int(page) < 1:
            return list_error(
                f"Pagina solicitata {page} este mai mare decat numarul toatal de pagini {pages}"
            )
        chunk = messages[(int(page) - 1) * self.page_size : int(page) * self.page_size]
        return json_reply(
            {
                "mesaje": chunk,
                "numar_inregistrari_in_pagina": len(chunk),
                "numar_total_inregistrari_per_pagina": self.page_size,
                "numar_total_inregistrari": len(messages),
                "numar_total_pagini": pages,
                "index_pagina_curenta": int(page),
                "serial": "SIM0000001",
                "cui": cif,
                "titlu": f"Lista Mesaje disponibile din intervalul {shown_start} - {shown_end}",
            }
        )
