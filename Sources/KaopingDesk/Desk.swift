import FlyingFox
import FlyingSocks
import Foundation
import KaopingJobs

/// Writes a unit's notice (整改通知) for its latest round to `output`; the desk's
/// `/api/units/{unit}/notice.xlsx` calls it. Nil in `DeskOptions` until the notice writer lands: 501.
public typealias NoticeMaker = @Sendable (_ form: Form, _ template: Template?, _ output: String) throws -> Void

/// What `kaoping serve` is started with.
public struct DeskOptions: Sendable {
    /// The register file (created when missing).
    public var db: String
    /// Address to listen on: 127.0.0.1 by default; any other needs the token on every request.
    public var host: String
    /// 0: any free port (tests); `Desk.port` says which.
    public var port: UInt16
    public var templates: String?
    /// The year uploads are registered under (`import --year`); nil: each form's own.
    public var year: Int?
    /// The roster `status --roster` reads: units not yet received are listed as 未提交.
    public var roster: String?
    /// The token for a shared desk; nil: a random one when `host` is not loopback.
    public var token: String?
    public var notice: NoticeMaker?

    public init(db: String, host: String = "127.0.0.1", port: UInt16 = 8765, templates: String? = nil, year: Int? = nil,
                roster: String? = nil, token: String? = nil, notice: NoticeMaker? = nil) {
        self.db = db; self.host = host; self.port = port; self.templates = templates; self.year = year
        self.roster = roster; self.token = token; self.notice = notice
    }

    /// 127.0.0.0/8, ::1 and `localhost`: only this machine can connect.
    public var isLoopback: Bool { host == "localhost" || host == "::1" || host.hasPrefix("127.") }
}

/// Why the desk cannot start, worded for a person.
public struct DeskError: Error, CustomStringConvertible {
    public var description: String
    init(_ s: String) { description = s }
}

/// The office's desk: a local web page over the register (CONTRACT.md, "The desk"). Every route
/// is thin over the jobs of KaopingJobs; blocking work (SQLite, reading sheets) runs off the
/// server's tasks. Stops when the task running `run()` is cancelled or `stop()` is called.
public final class Desk: Sendable {
    public let options: DeskOptions
    /// Required on every request (`?token=` or `X-Kaoping-Token`/`Authorization: Bearer`); nil on loopback without `--token`.
    public let token: String?
    let store: TemplateStore
    let roster: Roster?
    let server: HTTPServer

    /// Largest body accepted (413 above): the import's own limit.
    public static let maxBody = ImportJob.maxBytes

    /// Opens the register (creating it) and the templates; binds nothing yet.
    /// - Throws: `DeskError` for a host that is not an IP address; the register's and templates' errors.
    public init(options: DeskOptions) throws {
        self.options = options
        store = try TemplateStore(directory: options.templates)
        roster = try options.roster.map(Roster.read)
        _ = try Register(path: options.db)
        token = options.token ?? (options.isLoopback ? nil : Desk.randomToken())
        let address: any SocketAddress
        do {
            if options.host == "localhost" {
                address = try sockaddr_in.inet(ip4: "127.0.0.1", port: options.port)
            } else if options.host.contains(":") {
                address = try sockaddr_in6.inet6(ip6: options.host, port: options.port)
            } else {
                address = try sockaddr_in.inet(ip4: options.host, port: options.port)
            }
        } catch {
            throw DeskError("--host \(options.host): 不是 IP 地址（例如 127.0.0.1、0.0.0.0 或 ::） (not an IP address)")
        }
        // Timeout: a year's summary re-reads every unit's sheet; 15 s (the default) is too short for 300 units.
        let config = HTTPServer.Configuration(address: address, timeout: 300, logger: .disabled)
        server = HTTPServer(config: config, handler: Routes(DeskContext(options: options, token: token, store: store, roster: roster)))
    }

    /// Listens until cancelled. - Throws: the socket's error (port in use).
    public func run() async throws {
        try await server.run()
    }

    /// The port listened on, once listening (waits up to 5 s).
    public func waitUntilListening() async throws -> UInt16 {
        try await server.waitUntilListening()
        switch await server.listeningAddress {
        case .ip4(_, let port), .ip6(_, let port): return port
        default: return options.port
        }
    }

    public func stop() async { await server.stop(timeout: 1) }



    /// The address to open in a browser, with the token when one is needed.
    public func url(port: UInt16) -> String {
        let host = options.host == "0.0.0.0" || options.host == "::" ? (Desk.hostName() ?? options.host) : options.host
        let h = host.contains(":") ? "[\(host)]" : host
        return "http://\(h):\(port)/" + (token.map { "?token=\($0)" } ?? "")
    }

    static func randomToken() -> String {
        var g = SystemRandomNumberGenerator()
        return (0..<16).map { _ in String(format: "%02x", UInt8.random(in: 0...255, using: &g)) }.joined()
    }

    static func hostName() -> String? {
        var buf = [CChar](repeating: 0, count: 256)
        guard gethostname(&buf, buf.count) == 0 else { return nil }
        return String(cString: buf)
    }

}

/// What every route needs: the options, the token, the templates and the roster.
struct DeskContext: Sendable {
    var options: DeskOptions
    var token: String?
    var store: TemplateStore
    var roster: Roster?

    /// A fresh connection for one request: SQLite connections are not shared between threads,
    /// and the register's transactions keep concurrent uploads of the same bytes to one submission.
    func register() throws -> Register { try Register(path: options.db) }
}

/// Runs blocking work (SQLite, reading a sheet) on a dispatch queue, not on the server's tasks.
func blocking<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { c in
        DispatchQueue.global().async { c.resume(with: Result { try body() }) }
    }
}
