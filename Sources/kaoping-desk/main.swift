import Foundation
import KaopingDesk
import KaopingJobs

// `kaoping serve` runs this program (found beside `kaoping`): the server is linked here only,
// so the other commands start as before. Arguments: --db --host --port --templates --year --roster.
let usage = "用法：kaoping serve [--db 登记簿] [--host 地址] [--port 端口] [--year 年度] [--roster 名单] [--templates 文件夹]"
var args = Array(CommandLine.arguments.dropFirst())
var db: String?, host = "127.0.0.1", port: UInt16 = 8765, templates: String?, year: Int?, roster: String?
func die(_ s: String, _ code: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data(("kaoping: " + s + "\n").utf8)); exit(code)
}
while !args.isEmpty {
    let a = args.removeFirst()
    if a == "-h" || a == "--help" {
        print("""
        说明：启动考评台：本机网页，拖入各单位的考评表即登记入登记簿，查看每个单位的问题并下载修正表与汇总。
        \(usage)
          --db       登记簿文件（默认 $KAOPING_DB 或当前文件夹的 kaoping.db；不存在则新建）
          --host     监听地址（默认 127.0.0.1，只有本机可访问；如 0.0.0.0 供办公室局域网访问，此时须带启动时显示的口令）
          --port     端口（默认 8765；0 为任选空闲端口）
          --year     上传的表登记的年度（默认：表中的年度）
          --roster   应报送单位名单（CSV 或 .xlsx），未提交的单位也列出
          --templates 年度模板所在文件夹
        """)
        exit(0)
    }
    guard ["--db", "--host", "--port", "--templates", "--year", "--roster"].contains(a) else { die("参数错误：未知选项 \(a)\n\(usage)") }
    guard let v = args.first else { die("参数错误：选项缺少值：\(a)\n\(usage)") }
    args.removeFirst()
    switch a {
    case "--db": db = v
    case "--host": host = v
    case "--port": guard let p = UInt16(v) else { die("参数错误：--port \(v)：端口应为 0–65535") }; port = p
    case "--year": guard let y = Int(v) else { die("参数错误：--year \(v)：年度应为数字") }; year = y
    case "--roster": roster = v
    default: templates = v
    }
}
let path = db.flatMap { $0.isEmpty ? nil : $0 } ?? ProcessInfo.processInfo.environment["KAOPING_DB"].flatMap { $0.isEmpty ? nil : $0 }
    ?? FileManager.default.currentDirectoryPath + "/kaoping.db"
signal(SIGPIPE, SIG_IGN)   // a browser closing a download must not end the server
let desk: Desk
do {
    // The notice download writes what `kaoping notice` writes for the unit's latest round.
    let notice: NoticeMaker = { form, template, out in
        guard let template else { throw JobError("\(form.file): 没有可用的年度模板 (no template)") }
        _ = try NoticeWriter(template: template).write(form, to: out)
    }
    desk = try Desk(options: DeskOptions(db: path, host: host, port: port, templates: templates, year: year, roster: roster, notice: notice))
} catch {
    die(error is DeskError ? "\(error)" : describe(error))
}
let task = Task {
    do { try await desk.run() } catch {
        die("无法在 \(host):\(port) 上监听：\(error.localizedDescription)（端口可能已被占用，可用 --port 换一个） (cannot listen)")
    }
}
Task {
    do {
        let p = try await desk.waitUntilListening()
        print("考评台已启动：\(desk.url(port: p))")
        print("登记簿：\(path)")
        if desk.token != nil { print("已开放给局域网：每个请求须带口令（上面地址中的 token），请只告诉需要的同事。") }
        print("按 Ctrl+C 停止。")
        fflush(stdout)
    } catch {
        die("考评台未能启动：\(error.localizedDescription)")
    }
}
_ = task
dispatchMain()
