import ArgumentParser
import Foundation

/// `kaoping serve`: runs `kaoping-desk` from beside this program, so the HTTP server is never
/// linked into (nor loaded by) the other commands.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "启动考评台：本机网页，拖入考评表即登记，查看各单位的问题，下载修正表与汇总 (the office's desk).",
        discussion: """
        默认只在本机（127.0.0.1）监听，用浏览器打开显示的地址即可。
        --host 0.0.0.0 供办公室局域网访问：此时启动时会显示一个口令，每个请求都须带上（地址中的 ?token=…）。
        例：kaoping serve --db 2024.db
            kaoping serve --db 2024.db --host 0.0.0.0 --port 8080
        """)
    @Option(help: "登记簿文件（默认 $KAOPING_DB 或当前文件夹的 kaoping.db；不存在则新建）。") var db: String?
    @Option(help: "监听地址（默认 127.0.0.1）。") var host: String?
    @Option(help: "端口（默认 8765；0 为任选空闲端口）。") var port: Int?
    @Option(help: "上传的表登记的年度（默认：表中的年度）。") var year: Int?
    @Option(help: "应报送单位名单（CSV 或 .xlsx）。") var roster: String?
    @Option(help: "年度模板所在文件夹。") var templates: String?

    func run() throws {
        var args = ["--db", registerPath(db)]
        if let host { args += ["--host", host] }
        if let port { args += ["--port", String(port)] }
        if let year { args += ["--year", String(year)] }
        if let roster { args += ["--roster", roster] }
        if let templates { args += ["--templates", templates] }
        let desk = ServeCommand.deskProgram()
        guard FileManager.default.isExecutableFile(atPath: desk) else {
            stderr("kaoping: 找不到考评台程序 \(desk)（应与 kaoping 在同一文件夹；请用 swift build 一并构建） (kaoping-desk not found)")
            throw ExitCode(2)
        }
        let argv = ([desk] + args).map { strdup($0) } + [nil]
        execv(desk, argv)
        stderr("kaoping: 无法启动 \(desk)：\(String(cString: strerror(errno)))")
        throw ExitCode(2)
    }

    /// `kaoping-desk` in the folder of the running program (symlinks followed).
    static func deskProgram() -> String {
        let exe = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path
        return URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("kaoping-desk").path
    }
}
