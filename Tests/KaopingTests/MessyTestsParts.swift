import CXlsxWriter
import Foundation
import KaopingJobs
import XCTest
@testable import KaopingModel

// Issue 11, point 8: extra parts in a unit's file — comments, a picture, data validation,
// conditional formatting, print titles and area, protection, an empty first sheet; and what WPS
// writes (cellimages.xml with =DISPIMG cells, customXml, its etc namespace, mc:Ignorable, a
// `<dimension ref="A1"/>`, directory entries). Each is ignored or used, never a refusal or an item.

final class MessyTestsParts: XCTestCase {
    var dir = ""
    override func setUpWithError() throws { dir = try Scratch.directory() }
    override func tearDownWithError() throws { try? FileManager.default.removeItem(atPath: dir) }
    func path(_ name: String = #function) -> String { dir + "/" + name.filter { $0.isLetter || $0.isNumber } + ".xlsx" }

    /// A one-pixel PNG (a "scanned stamp").
    func stamp() throws -> String {
        let hex = "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c49444154789c63f8cfc0000003010100c9fe92ef0000000049454e44ae426082"
        var bytes: [UInt8] = []
        var i = hex.startIndex
        while i < hex.endIndex { let j = hex.index(i, offsetBy: 2); bytes.append(UInt8(hex[i..<j], radix: 16)!); i = j }
        let p = dir + "/stamp.png"
        try Data(bytes).write(to: URL(fileURLWithPath: p))
        return p
    }

    func assertStandard(_ form: Form, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(form.items.compactMap(\.code), ["1-1-1", "1-1-2", "1-2-1", "1-2-2", "4-1", "4-2", "4-3", "4-4"], form.findingsSummary, file: file, line: line)
        XCTAssertEqual(form.items.count, 8, file: file, line: line)
        XCTAssertEqual(form.totalPoints, 100, file: file, line: line)
        XCTAssertTrue(form.findings("cell.unmapped").isEmpty, form.findingsSummary, file: file, line: line)
    }

    func extras(_ png: String) -> (XSheet, Placed) -> Void {
        { s, p in
            let ws = s.ws
            worksheet_write_comment(ws, lxw_row_t(p.row["1-1-1"]! - 1), lxw_col_t(p.col["weight"]! - 1), "权重按上级文件")
            worksheet_insert_image(ws, lxw_row_t(p.signatureRow - 1), 2, png)
            var dv = lxw_data_validation()
            dv.validate = UInt8(LXW_VALIDATION_TYPE_DECIMAL.rawValue); dv.criteria = UInt8(LXW_VALIDATION_CRITERIA_BETWEEN.rawValue)
            dv.minimum_number = 0; dv.maximum_number = 100
            worksheet_data_validation_range(ws, lxw_row_t(p.row["1-1-1"]! - 1), lxw_col_t(p.col["weight"]! - 1),
                                            lxw_row_t(p.row["4-4"]! - 1), lxw_col_t(p.col["weight"]! - 1), &dv)
            var cf = lxw_conditional_format()
            cf.type = UInt8(LXW_CONDITIONAL_TYPE_CELL.rawValue); cf.criteria = UInt8(LXW_CONDITIONAL_CRITERIA_GREATER_THAN.rawValue)
            cf.value = 30
            worksheet_conditional_format_range(ws, lxw_row_t(p.row["1-1-1"]! - 1), lxw_col_t(p.col["weight"]! - 1),
                                               lxw_row_t(p.row["4-4"]! - 1), lxw_col_t(p.col["weight"]! - 1), &cf)
            worksheet_repeat_rows(ws, lxw_row_t(p.headerRows[0] - 1), lxw_row_t(p.headerRows[0] - 1))
            worksheet_print_area(ws, 0, 0, lxw_row_t(p.signatureRow), lxw_col_t(p.lastCol - 1))
            worksheet_protect(ws, "1234", nil)
        }
    }

    func testCommentsPictureValidationFormattingPrintTitlesProtection() throws {
        let png = try stamp()
        try TFormWriter.write(TForm.standard(), to: path(), extra: extras(png))
        assertStandard(try Read.form(path()))
    }

    func testAnEmptyFirstSheet() throws {
        // The empty sheet is written before the form's (libxlsxwriter writes sheets in order).
        let book = try XBook(path: path())
        _ = try book.sheet("Sheet1")
        let s = try book.sheet("考评表")
        let p = TFormWriter.render(TForm.standard(), TLayout(), s)
        XCTAssertGreaterThan(p.totalRow, 0)
        try book.close()
        let form = try Read.form(path())
        XCTAssertEqual(form.sheet, "考评表")
        assertStandard(form)
    }

    func testExtraPartsResavedByLibreOffice() throws {
        let png = try stamp()
        try TFormWriter.write(TForm.standard(), to: path(), extra: extras(png))
        assertStandard(try Read.form(try Office.resaved(path())))
    }

    /// The standard form re-saved by LibreOffice, then given what WPS writes, part by part.
    func wps(_ name: String = #function) throws -> String {
        let src = dir + "/src-\(name.filter { $0.isLetter }).xlsx"
        let p = try TFormWriter.write(TForm.standard(), to: src)
        let out = path(name)
        // WPS: a picture in a cell is a DISPIMG formula in the cell and the image in cellimages.xml.
        let sig = p.signatureRow
        try Office.sh("""
        python3 - \(Office.quoted(src)) \(Office.quoted(out)) <<'PY'
        import re, sys, zipfile
        src, out = sys.argv[1], sys.argv[2]
        zin = zipfile.ZipFile(src); zout = zipfile.ZipFile(out, 'w', zipfile.ZIP_DEFLATED)
        for d in ['xl/', 'xl/worksheets/', 'customXml/', 'docProps/']: zout.writestr(zipfile.ZipInfo(d), b'')
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == 'xl/worksheets/sheet1.xml':
                s = data.decode()
                s = s.replace('<worksheet ', '<worksheet xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData" mc:Ignorable="etc" ', 1)
                s = re.sub(r'<dimension ref="[^"]*"/>', '<dimension ref="A1"/>', s)
                cell = '<c r="E\(sig)" t="str"><f>_xlfn.DISPIMG("ID_5F1A2B3C",1)</f><v>=DISPIMG("ID_5F1A2B3C",1)</v></c>'
                s = re.sub(r'(<row r="\(sig)"[^>]*>)(.*?)(</row>)', lambda m: m.group(1) + m.group(2) + cell + m.group(3), s, count=1)
                s = s.replace('</worksheet>', '<extLst><ext uri="{WPS}" xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData"><etc:x/></ext></extLst></worksheet>')
                data = s.encode()
            zout.writestr(item, data)
        zout.writestr('xl/cellimages.xml', '<?xml version="1.0" encoding="UTF-8"?><etc:cellImages xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData" xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"><etc:cellImage><xdr:pic><xdr:nvPicPr><xdr:cNvPr id="2" name="ID_5F1A2B3C"/></xdr:nvPicPr></xdr:pic></etc:cellImage></etc:cellImages>')
        zout.writestr('xl/_rels/cellimages.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
        zout.writestr('customXml/item1.xml', '<?xml version="1.0" encoding="UTF-8"?><s:customData xmlns:s="http://www.wps.cn/officeDocument/2013/wpsCustomData"><customData name="KSOProductBuildVer" value="2052-12.1.0"/></s:customData>')
        zout.writestr('customXml/_rels/item1.xml.rels', '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"/>')
        zout.close()
        PY
        """)
        return out
    }

    func testWhatWPSWrites() throws {
        let form = try Read.form(try wps())
        assertStandard(form)
        XCTAssertFalse(form.trailer.contains { $0.text.has("DISPIMG") }, "\(form.trailer)")
        // The reader itself reads the whole used range, whatever <dimension> says.
        let g = try Workbook(path: path("testWhatWPSWrites")).loadGrid(0)
        XCTAssertGreaterThan(g.maxRow, 10)
    }
}
