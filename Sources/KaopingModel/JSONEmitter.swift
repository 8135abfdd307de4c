/// Writes JSON straight from the model, byte for byte as `JSON.bytes(pretty:level:)` writes the
/// tree, without building the tree: a form's JSON was some fifteen heap nodes an item, built
/// only to be written once (`check --json` of 100 forms spent a seventh of its time there).
/// `FormJSONTests` holds the two writers to the same bytes.
///
/// A container opened at depth d (1 for the first) has its members on lines indented
/// `level + d` and its closing bracket at `level + d - 1`, as the tree writer indents them.
public struct JSONEmitter {
    public private(set) var out: [UInt8] = []
    let pretty: Bool
    /// The nesting the first value is written at (an element of a pretty array is at 1).
    let level: Int
    private var depth = 0
    /// Per open container, a bit: nothing written in it yet.
    private var empty: UInt64 = 0
    /// Called with the bytes whenever `chunk` bytes are waiting (nil: all kept in `out`).
    private let emit: (([UInt8]) -> Void)?
    private let chunk: Int

    public init(pretty: Bool = true, level: Int = 0, chunk: Int = 1 << 20, emit: (([UInt8]) -> Void)? = nil) {
        self.pretty = pretty; self.level = level; self.emit = emit; self.chunk = chunk
        out.reserveCapacity(emit == nil ? 1 << 15 : chunk + (1 << 16))
    }

    /// Hands what waits to `emit` (call it at the end; the writer also does as it goes).
    public mutating func flush() {
        guard let emit, !out.isEmpty else { return }
        emit(out)
        out.removeAll(keepingCapacity: true)
    }

    @inline(__always) private mutating func pad(_ n: Int) {
        guard pretty else { return }
        let k = 1 + 2 * n
        if k <= JSON.breakAndIndent.count { out += JSON.breakAndIndent[..<k] } else {
            out.append(10); out += repeatElement(32, count: 2 * n)
        }
    }

    /// Before a member or an element: the comma, then the members' line.
    @inline(__always) private mutating func next() {
        let bit: UInt64 = 1 << UInt64(depth - 1)
        if empty & bit != 0 { empty &= ~bit } else { out.append(UInt8(ascii: ",")) }
        pad(level + depth)
    }
    private mutating func open(_ c: UInt8) {
        precondition(depth < 64, "JSON nested deeper than 64")
        out.append(c)
        depth += 1
        empty |= 1 << UInt64(depth - 1)
    }
    private mutating func close(_ c: UInt8) {
        let bit: UInt64 = 1 << UInt64(depth - 1)
        if empty & bit == 0 { pad(level + depth - 1) }
        empty &= ~bit
        depth -= 1
        out.append(c)
        if emit != nil && out.count >= chunk { flush() }
    }

    public mutating func beginObject() { open(UInt8(ascii: "{")) }
    public mutating func endObject() { close(UInt8(ascii: "}")) }
    public mutating func beginArray() { open(UInt8(ascii: "[")) }
    public mutating func endArray() { close(UInt8(ascii: "]")) }

    /// A member's key; its value is written next.
    public mutating func key(_ k: String) {
        next()
        JSON.quote(k, into: &out)
        if pretty { out.append(58); out.append(32) } else { out.append(58) }
    }
    /// Before each element of an array.
    public mutating func element() { next() }

    public mutating func string(_ s: String?) {
        if let s { JSON.quote(s, into: &out) } else { out += "null".utf8 }
    }
    public mutating func number(_ d: Double?) {
        if let d { JSONEmitter.number(d, into: &out) } else { out += "null".utf8 }
    }
    public mutating func int(_ i: Int?) { number(i.map(Double.init)) }
    public mutating func strings(_ list: [String]) {
        beginArray()
        for s in list { element(); string(s) }
        endArray()
    }

    /// As the tree writer writes a number; whole numbers digit by digit, without a String.
    static func number(_ d: Double, into out: inout [UInt8]) {
        guard d.isFinite else { out += "null".utf8; return }
        guard d == d.rounded(), abs(d) < 1e15 else { out += String(d).utf8; return }
        var v = Int64(d)
        if v == 0 { out.append(48); return }
        if v < 0 { out.append(45); v = -v }
        var p: Int64 = 1
        while p <= v / 10 { p *= 10 }
        while p > 0 { out.append(UInt8(48 + v / p)); v %= p; p /= 10 }
    }
}

extension Form {
    /// The form's JSON (`kaoping.form/1`) as `json.bytes(pretty:level:)` writes it, straight from
    /// the model.
    public func jsonBytes(pretty: Bool = true, level: Int = 0) -> [UInt8] {
        var e = JSONEmitter(pretty: pretty, level: level)
        writeJSON(&e)
        return e.out
    }

    /// The same in chunks of about `chunk` bytes to `emit` (a 200,000-item form is never held whole).
    public func streamJSON(pretty: Bool = true, chunk: Int = 1 << 20, _ emit: @escaping ([UInt8]) -> Void) {
        var e = JSONEmitter(pretty: pretty, level: 0, chunk: chunk, emit: emit)
        writeJSON(&e)
        e.flush()
    }

    /// Member by member as `json` builds them (keys and order are the contract's).
    func writeJSON(_ e: inout JSONEmitter) {
        e.beginObject()
        e.key("schema"); e.string("kaoping.form/1")
        e.key("source"); e.beginObject()
        e.key("file"); e.string(file)
        e.key("sheet"); e.string(sheet.isEmpty ? nil : sheet)
        e.endObject()
        e.key("title"); e.string(title)
        e.key("unit"); e.string(unit)
        e.key("year"); e.int(year)
        e.key("date"); e.string(date)
        e.key("sections"); e.beginArray()
        for s in sections {
            e.element(); e.beginObject()
            e.key("kind"); e.string(s.kind.rawValue)
            e.key("name"); e.string(s.name)
            e.key("declaredPoints"); e.number(s.declaredPoints)
            e.key("points"); e.number(s.points)
            e.key("groups"); e.beginArray()
            for g in s.groups {
                e.element(); e.beginObject()
                e.key("kind"); e.string(g.kind?.rawValue)
                e.key("name"); e.string(g.name)
                e.key("declaredPoints"); e.number(g.declaredPoints)
                e.key("points"); e.number(g.points)
                e.key("indicators"); e.beginArray()
                for i in g.indicators {
                    e.element(); e.beginObject()
                    e.key("code"); e.string(i.code)
                    e.key("text"); e.string(i.text)
                    e.key("basis"); e.string(i.basis)
                    e.key("declaredPoints"); e.number(i.declaredPoints)
                    e.key("points"); e.number(i.points)
                    e.key("items"); e.beginArray()
                    for t in i.items {
                        e.element(); e.beginObject()
                        e.key("code"); e.string(t.code)
                        e.key("text"); e.string(t.text)
                        e.key("weight"); e.number(t.weight)
                        e.key("deadline"); e.string(t.deadline)
                        e.key("leaders"); e.strings(t.leaders)
                        e.key("departments"); e.strings(t.departments)
                        e.key("persons"); e.strings(t.persons)
                        e.key("remark"); e.string(t.remark)
                        e.key("grade"); e.string(t.grade)
                        e.key("score"); e.number(t.score)
                        e.key("row"); e.int(t.row)
                        e.endObject()
                    }
                    e.endArray()
                    e.endObject()
                }
                e.endArray()
                e.endObject()
            }
            e.endArray()
            e.endObject()
        }
        e.endArray()
        e.key("total"); e.beginObject()
        e.key("declaredPoints"); e.number(totalDeclared)
        e.key("points"); e.number(totalPoints)
        e.endObject()
        e.key("findings"); e.beginArray()
        for f in findings {
            e.element(); e.beginObject()
            e.key("rule"); e.string(f.rule)
            e.key("severity"); e.string(f.severity.rawValue)
            e.key("cell"); e.string(f.cell)
            e.key("message"); e.string(f.message)
            e.key("code"); e.string(f.code)
            if let line = f.line { e.key("line"); e.int(line) }
            e.endObject()
        }
        e.endArray()
        e.endObject()
    }
}
