import ArgumentParser
import Foundation
import KaopingWriter

struct Inspect: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The form as JSON (schema kaoping.form/1) on stdout.")
    @Argument(help: "An .xlsx file.") var file: String
    @Option(help: "The sheet that holds the 考评表 (default: the first that has one).") var sheet: String?
    @Flag(help: "Print JSON (the only output form; kept for the contract).") var json = false

    func run() throws {
        do {
            let form = try loadChecked(file, sheet: sheet)
            let out = Output()
            out.line(form.json.serialized())
            out.flush()
        } catch { fail(error) }
    }
}

/// Reads, maps and checks one file.
func loadChecked(_ file: String, sheet: String? = nil) throws -> Form {
    let wb = try Workbook(path: file)
    let form = try FormMapper.map(workbook: wb, sheet: sheet)
    return form
}
