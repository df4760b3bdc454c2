"""A hand-written, minimal but valid PDF for AWB labels.

One page, Helvetica text and a bar pattern derived from the tracking number.
No dependency: the cross-reference table is computed from byte offsets, so
viewers and parsers (and tests checking ``%PDF``/``%%EOF``) accept the file.
"""

import unicodedata

PAGE_SIZES = {"A4": (595, 842), "A5": (420, 595), "A6": (298, 420)}


def _to_latin1(char):
    """Keep Latin-1 characters; strip accents of others (Ș -> S); '?' as last resort."""
    try:
        char.encode("latin-1")
        return char
    except UnicodeEncodeError:
        base = unicodedata.normalize("NFKD", char)[0]
        return base if base.isascii() else "?"


def _escape(text):
    """Text for a PDF literal string (standard fonts only know a Latin alphabet)."""
    latin = "".join(_to_latin1(char) for char in str(text))
    return latin.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _barcode(code, x, y, height, width):
    """A deterministic bar pattern (not a scannable symbology) from the code's bytes."""
    bars = []
    position = x
    module = width / (len(code) * 11 + 2)
    for char in code:
        pattern = format(ord(char) * 37 % 2048, "011b")
        for bit in pattern:
            if bit == "1":
                bars.append(f"{position:.2f} {y} {module:.2f} {height} re")
            position += module
    return "\n".join(bars) + "\nf"


def awb_label(awb_number, lines, page_format="A4"):
    """PDF bytes of a label showing ``awb_number`` and the given text lines."""
    width, height = PAGE_SIZES.get(page_format, PAGE_SIZES["A4"])
    margin = width * 0.08
    font = max(7, round(width / 42))
    text = [
        f"BT /F1 {font * 2} Tf {margin:.0f} {height - margin - font * 2:.0f} Td "
        f"({_escape(awb_number)}) Tj ET"
    ]
    cursor = height - margin - font * 4
    for line in lines:
        text.append(f"BT /F1 {font} Tf {margin:.0f} {cursor:.0f} Td ({_escape(line)}) Tj ET")
        cursor -= font * 1.5
    bar_height = height * 0.1
    text.append(
        _barcode(
            awb_number,
            margin,
            max(margin, cursor - bar_height - font),
            round(bar_height),
            width - 2 * margin,
        )
    )
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 {width} {height}] "
        f"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>".encode(),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
