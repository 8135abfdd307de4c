import Foundation
import GridKit
import ODSReader
import DOCXReader
import OLE2
import XLSXCore
import XLSReader
import XLSXReader

/// What a file is, told by its bytes (never by its extension): a unit's `.xls` renamed `.xlsx`
/// is still read as what it is.
public enum FileFormat: String, Sendable {
    case xlsx, xls, ods, docx
    /// Password-protected OOXML (an OLE2 file holding `EncryptedPackage`).
    case encrypted
    /// Old Word `.doc` (OLE2 with a `WordDocument` stream).
    case doc
    /// A zip that is none of the above (an .odt, a .zip of sheets).
    case otherZip
    /// An old Office file that is neither a workbook nor a Word document (.ppt, .msg …).
    case otherOffice
    case pdf, image
    /// Anything else: text, CSV, HTML saved as .xlsx, a cut-off download.
    case unknown
}

/// Opening any input: the one place that looks at a file's bytes and picks its reader.
public enum InputFile {
    /// The kind of the file at `path`, from its first bytes and, for a zip, its part names.
    public static func kind(of path: String) throws -> FileFormat { try detect(path).kind }

    /// The kind, and for a zip the archive it looked into (handed to the reader: opened once).
    static func detect(_ path: String) throws -> (kind: FileFormat, zip: ZipArchive?) {
        let head = try firstBytes(path, 8)
        if head.starts(with: [0x50, 0x4B]) {
            let zip = try ZipArchive(path: path)
            if zip.has("xl/workbook.xml") || zip.has("[Content_Types].xml") && !zip.has("word/document.xml") { return (.xlsx, zip) }
            if zip.has("word/document.xml") { return (.docx, zip) }
            if zip.has("mimetype"), (zip.declaredSize("mimetype") ?? 0) < 1024, let m = try? zip.data("mimetype"),
               String(decoding: m, as: UTF8.self).hasPrefix("application/vnd.oasis.opendocument.spreadsheet") { return (.ods, zip) }
            return (.otherZip, nil)
        }
        return (try otherKind(path, head), nil)
    }

    static func otherKind(_ path: String, _ head: [UInt8]) throws -> FileFormat {
        if CompoundFile.isCompoundFile(head) {
            // By the container's streams: a workbook (BIFF8, or an older Book the reader refuses),
            // a password-protected OOXML package, or a Word / WPS document.
            let cf = try CompoundFile(path: path)
            if cf.has("EncryptedPackage") { return .encrypted }
            if cf.has("Workbook") || cf.has("Book") { return .xls }
            if cf.has("WordDocument") { return .doc }
            return .otherOffice
        }
        if head.starts(with: Array("%PDF".utf8)) { return .pdf }
        if head.starts(with: [0x89, 0x50, 0x4E, 0x47]) || head.starts(with: [0xFF, 0xD8, 0xFF])
            || head.starts(with: Array("GIF8".utf8)) || head.starts(with: Array("BM".utf8))
            || head.starts(with: [0x49, 0x49, 0x2A, 0x00]) || head.starts(with: [0x4D, 0x4D, 0x00, 0x2A]) { return .image }
        return .unknown
    }

    /// A reader for the file, whatever its format; a format Kaoping does not read is refused
    /// with what to save it as.
    public static func open(_ path: String) throws -> GridReader {
        let (kind, zip) = try detect(path)
        switch kind {
        case .xlsx: return try Workbook(path: path, zip: zip)
        case .xls: return try XLSBook(path: path)
        case .ods: return try ODSBook(path: path, zip: zip)
        case .docx: return try DOCXDocument(path: path, zip: zip)
        case .encrypted: throw XLSXError.encrypted(file: path)
        case .unknown:
            // Neither a zip nor a compound file: the .xlsx reader says so in its words.
            return try Workbook(path: path)
        case .doc, .otherZip, .otherOffice, .pdf, .image:
            throw InputError.unsupported(file: path, kind: kind)
        }
    }

    /// The first bytes, read through SafeFile: a FIFO, device or folder is refused, never opened.
    static func firstBytes(_ path: String, _ n: Int) throws -> [UInt8] {
        let fd = try SafeFile.openInput(path)
        defer { close(fd) }
        var head = [UInt8](repeating: 0, count: n)
        let got = head.withUnsafeMutableBytes { read(fd, $0.baseAddress, n) }
        return Array(head.prefix(max(got, 0)))
    }
}

/// Why an input is not read at all, before any reader looks inside it.
public enum InputError: Error, Equatable {
    /// A format Kaoping does not read: what to save it as is in the message.
    case unsupported(file: String, kind: FileFormat)
}
