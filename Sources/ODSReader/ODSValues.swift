import Foundation
import GridKit
import XLSXCore

/// ODF attribute values as the grid wants them: lengths, dates and durations as serials,
/// formulas in Excel's notation, error literals.
extension ODSContentHandler {

    /// A length (`0.6528in`, `2.3cm`, `18pt`, `5mm`) in points; nil for anything else.
    static func points(_ s: String) -> Double? {
        let units: [(String, Double)] = [("in", 72), ("cm", 72 / 2.54), ("mm", 72 / 25.4), ("pt", 1), ("pc", 12), ("px", 0.75)]
        for (u, f) in units where s.hasSuffix(u) {
            guard let v = Double(s.dropLast(u.count)), v.isFinite, v >= 0 else { return nil }
            return v * f
        }
        return nil
    }

    /// A column width in points as Excel's character units: Excel's default 8.43 characters is
    /// 64 px = 48 pt with a 7 px digit and 5 px padding at 96 dpi, so chars = (pt·4/3 − 5) / 7.
    static func characters(_ pt: Double) -> Double {
        max(0, (pt * 4 / 3 - 5) / 7)
    }

    /// `2023-12-31` or `2023-12-31T10:30:00` as an Excel 1900 serial (days since 1899-12-30).
    static func serial(_ s: String) -> Double? {
        let parts = s.split(separator: "T", maxSplits: 1)
        guard let datePart = parts.first else { return nil }
        let ymd = datePart.split(separator: "-")
        guard ymd.count == 3, let y = Int(ymd[0]), let m = Int(ymd[1]), let d = Int(ymd[2]),
              (1...9999).contains(y), (1...12).contains(m), (1...31).contains(d) else { return nil }
        // Days from civil (Howard Hinnant), relative to 1970-01-01, then to 1899-12-30.
        let yy = m <= 2 ? y - 1 : y
        let era = (yy >= 0 ? yy : yy - 399) / 400
        let yoe = yy - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        var days = Double(era * 146097 + doe - 719468 + 25569)
        // Excel's phantom 1900-02-29: dates before March 1900 are one lower.
        if days < 61 { days -= 1 }
        if parts.count == 2 {
            let hms = parts[1].split(separator: ":")
            if hms.count >= 2, let h = Double(hms[0]), let mi = Double(hms[1]) {
                let sec = hms.count > 2 ? Double(hms[2].prefix { $0 != "Z" && $0 != "+" }) ?? 0 : 0
                days += (h * 3600 + mi * 60 + sec) / 86400
            }
        }
        return days
    }

    /// An ISO 8601 duration (`PT12H30M00S`, as `office:time-value`) as a fraction of a day.
    static func duration(_ s: String) -> Double? {
        guard s.hasPrefix("PT") || s.hasPrefix("-PT") else { return nil }
        let neg = s.hasPrefix("-")
        var total = 0.0, num = ""
        for ch in s.dropFirst(neg ? 3 : 2) {
            if ch.isNumber || ch == "." { num.append(ch); continue }
            guard let v = Double(num) else { return nil }
            switch ch {
            case "H": total += v * 3600
            case "M": total += v * 60
            case "S": total += v
            default: return nil
            }
            num = ""
        }
        return (neg ? -total : total) / 86400
    }

    /// `of:=SUM([.G4:.G43];[.G44])` as Excel writes it, `SUM(G4:G43,G44)`: the namespace prefix
    /// and `=` go, bracketed references lose their brackets and dots (`[$S.A1]` → `$S!A1`),
    /// `;` separates arguments. Text inside string literals is left alone.
    static func formula(_ raw: String) -> String {
        var s = Substring(raw)
        if let colon = s.firstIndex(of: ":"), let eq = s.firstIndex(of: "="), colon < eq,
           s[s.startIndex..<colon].allSatisfy({ $0.isLetter }) {
            s = s[s.index(after: colon)...]
        }
        if s.hasPrefix("=") { s = s.dropFirst() }
        var out = "", inString = false, inRef = false, refStart = true
        for ch in s {
            if inString { out.append(ch); if ch == "\"" { inString = false }; continue }
            if inRef {
                switch ch {
                case "]": inRef = false
                case ".": if !refStart { out.append("!") }
                case ":": out.append(":"); refStart = true; continue
                default: out.append(ch)
                }
                refStart = false
                continue
            }
            switch ch {
            case "\"": inString = true; out.append(ch)
            case "[": inRef = true; refStart = true
            case ";": out.append(",")
            default: out.append(ch)
            }
        }
        return out
    }

    static let errorLiterals: Set<String> = ["#NULL!", "#DIV/0!", "#VALUE!", "#REF!", "#NAME?", "#NUM!", "#N/A",
                                             "#GETTING_DATA", "Err:502", "Err:504", "Err:508", "Err:522"]
    static func isErrorLiteral(_ s: String) -> Bool { errorLiterals.contains(s) }
}
