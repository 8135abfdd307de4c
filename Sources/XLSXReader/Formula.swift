import GridKit
/// Moves the relative references of a shared formula from its anchor cell to another cell,
/// as Excel does when it expands `<f t="shared" si="…"/>`.
public enum FormulaShift {
    public static func shift(_ formula: String, rows dr: Int, cols dc: Int) -> String {
        if dr == 0 && dc == 0 { return formula }
        let s = Array(formula.unicodeScalars)
        var out = String.UnicodeScalarView()
        var i = 0
        func isWord(_ c: Unicode.Scalar) -> Bool {
            c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "." || c == "\\"
        }
        func isLetter(_ c: Unicode.Scalar) -> Bool { ("A"..."Z").contains(c) || ("a"..."z").contains(c) }
        func isDigit(_ c: Unicode.Scalar) -> Bool { ("0"..."9").contains(c) }
        while i < s.count {
            let c = s[i]
            if c == "\"" || c == "'" {
                // String literal or quoted sheet name: copied untouched.
                let q = c
                out.append(c); i += 1
                while i < s.count {
                    out.append(s[i])
                    if s[i] == q {
                        if i + 1 < s.count && s[i + 1] == q { out.append(s[i + 1]); i += 2; continue }
                        i += 1; break
                    }
                    i += 1
                }
                continue
            }
            if (c == "$" || isLetter(c)) && (i == 0 || !isWord(s[i - 1])) {
                var j = i
                let colAbs = s[j] == "$"; if colAbs { j += 1 }
                let lettersStart = j
                while j < s.count && isLetter(s[j]) && j - lettersStart < 3 { j += 1 }
                let letters = String(String.UnicodeScalarView(s[lettersStart..<j]))
                if j > lettersStart, j < s.count {
                    var k = j
                    let rowAbs = s[k] == "$"; if rowAbs { k += 1 }
                    let digitsStart = k
                    while k < s.count && isDigit(s[k]) { k += 1 }
                    let endOK = k == s.count || !(isWord(s[k]) || s[k] == "(")
                    if k > digitsStart, endOK, let col = CellRef.column(Substring(letters)),
                       let row = Int(String(String.UnicodeScalarView(s[digitsStart..<k]))) {
                        let nc = colAbs ? col : col + dc
                        let nr = rowAbs ? row : row + dr
                        if nc < 1 || nr < 1 || nc > 16_384 || nr > 1_048_576 {
                            out.append(contentsOf: "#REF!".unicodeScalars)
                        } else {
                            out.append(contentsOf: ((colAbs ? "$" : "") + CellRef.letters(nc) + (rowAbs ? "$" : "") + String(nr)).unicodeScalars)
                        }
                        i = k
                        continue
                    }
                }
                // Not a reference: copy the word whole so its tail is not mistaken for one.
                var w = i
                if s[w] == "$" { out.append(s[w]); w += 1 }
                while w < s.count && isWord(s[w]) { out.append(s[w]); w += 1 }
                i = max(w, i + 1)
                continue
            }
            out.append(c); i += 1
        }
        return String(out)
    }
}
