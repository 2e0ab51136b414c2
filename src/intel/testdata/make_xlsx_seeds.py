#!/usr/bin/env python3
"""Writes the .xlsx seeds of fuzz/corpus/intel_xlsx_fuzzer/ (and one for intel_detect_fuzzer).

Reproducible: entries are stored (not deflated, so no dependence on the zlib version) with a fixed
timestamp and fixed attributes, in a fixed order. Run from anywhere:

    python3 src/intel/testdata/make_xlsx_seeds.py
"""
import os
import zipfile

ROOT = os.path.normpath(os.path.join(os.path.dirname(__file__), "..", "..", ".."))
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"


def write_zip(path, parts):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, text in parts:
            info = zipfile.ZipInfo(name, date_time=(2026, 11, 21, 0, 0, 0))
            info.external_attr = 0o644 << 16
            archive.writestr(info, text.encode("utf-8"))


def workbook(date1904=False, prefix=""):
    p = prefix + ":" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    pr = f'<{p}workbookPr date1904="1"/>' if date1904 else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?><{p}workbook {ns} xmlns:r="{REL}">{pr}'
            f'<{p}sheets><{p}sheet name="Danh sách" sheetId="1" r:id="rId1"/></{p}sheets>'
            f'</{p}workbook>')


RELS = (f'<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{PKG}">'
        f'<Relationship Id="rId1" Type="{REL}/worksheet" Target="worksheets/sheet1.xml"/>'
        f'<Relationship Id="rId2" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        f'<Relationship Id="rId3" Type="{REL}/styles" Target="styles.xml"/></Relationships>')

STYLES = (f'<?xml version="1.0" encoding="UTF-8"?><styleSheet xmlns="{MAIN}">'
          '<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy\\ hh:mm:ss"/>'
          '</numFmts><cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="22"/>'
          '<xf numFmtId="164"/></cellXfs></styleSheet>')

STRINGS = ["DANH SÁCH IP BOTNET THÁNG 11/2026", "STT", "Địa chỉ IP", "Thời gian", "Mã độc",
           "Cổng", "Nhà mạng", "203.0.113.5", "Mirai", "VNPT", "2001:db8::7", "bad ip"]


def shared_strings():
    items = "".join(f"<si><t>{s}</t></si>" for s in STRINGS[:-3])
    items += "<si><r><rPr><b/></rPr><t>Mi</t></r><r><t>rai</t></r></si>"
    items += "".join(f"<si><t>{s}</t></si>" for s in STRINGS[-2:])
    return f'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="{MAIN}">{items}</sst>'


def sheet(rows, prefix=""):
    p = prefix + ":" if prefix else ""
    ns = f'xmlns:{prefix}="{MAIN}"' if prefix else f'xmlns="{MAIN}"'
    body = ""
    for number, cells in rows:
        body += f'<{p}row r="{number}">'
        for col, (kind, value) in enumerate(cells):
            ref = chr(ord("A") + col) + str(number)
            if kind == "s":
                body += f'<{p}c r="{ref}" t="s"><{p}v>{value}</{p}v></{p}c>'
            elif kind == "i":
                body += (f'<{p}c r="{ref}" t="inlineStr"><{p}is><{p}t>{value}</{p}t></{p}is>'
                         f'</{p}c>')
            elif kind == "n":
                body += f'<{p}c r="{ref}"><{p}v>{value}</{p}v></{p}c>'
            elif kind.startswith("d"):
                body += f'<{p}c r="{ref}" s="{kind[1]}"><{p}v>{value}</{p}v></{p}c>'
        body += f"</{p}row>"
    return (f'<?xml version="1.0" encoding="UTF-8"?><{p}worksheet {ns}><{p}sheetData>{body}'
            f'</{p}sheetData></{p}worksheet>')


VNCERT_ROWS = [
    (1, [("s", 0)]),
    (3, [("s", 1), ("s", 2), ("s", 3), ("s", 4), ("s", 5), ("s", 6)]),
    (4, [("n", 1), ("s", 7), ("d1", "46347.34409722222"), ("s", 9), ("n", 23), ("i", "VNPT")]),
    (5, [("n", 2), ("i", "203.0.113.6"), ("d2", "46346.961805555555"), ("i", "Mozi"),
         ("n", 8080), ("i", "Viettel")]),
    (6, [("n", 3), ("s", 10), ("n", "46345"), ("s", 9)]),
    (7, [("n", 4), ("s", 11), ("i", "21/11/2026 08:00"), ("s", 9)]),
]


def main():
    corpus = os.path.join(ROOT, "fuzz", "corpus", "intel_xlsx_fuzzer")
    base = [("[Content_Types].xml",
             '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.'
             'org/package/2006/content-types"><Default Extension="xml" ContentType="application/'
             'xml"/></Types>'),
            ("xl/_rels/workbook.xml.rels", RELS),
            ("xl/styles.xml", STYLES),
            ("xl/sharedStrings.xml", shared_strings())]
    vncert = [("xl/workbook.xml", workbook())] + base + [
        ("xl/worksheets/sheet1.xml", sheet(VNCERT_ROWS))]
    write_zip(os.path.join(corpus, "vncert.xlsx"), vncert)
    write_zip(os.path.join(ROOT, "fuzz", "corpus", "intel_detect_fuzzer", "vncert.xlsx"), vncert)
    write_zip(os.path.join(corpus, "date1904.xlsx"),
              [("xl/workbook.xml", workbook(date1904=True))] + base +
              [("xl/worksheets/sheet1.xml",
                sheet([(1, [("i", "IP"), ("i", "Time")]),
                       (2, [("i", "203.0.113.5"), ("d1", "44885.34409722222")])]))])
    # Inline strings only, no shared strings, styles or relationships; prefixed namespace.
    write_zip(os.path.join(corpus, "prefixed_inline_only.xlsx"),
              [("xl/workbook.xml", workbook(prefix="x")),
               ("xl/worksheets/sheet1.xml",
                sheet([(1, [("i", "IP address"), ("i", "Malware")]),
                       (2, [("i", "198.51.100.0/24"), ("i", "Emotet")])], prefix="x"))])
    # A cell that refers to a shared string that does not exist.
    write_zip(os.path.join(corpus, "missing_shared_string.xlsx"),
              [("xl/workbook.xml", workbook())] + base +
              [("xl/worksheets/sheet1.xml", sheet([(1, [("s", 2)]), (2, [("s", 99)])]))])


if __name__ == "__main__":
    main()
