import ArgumentParser
import Foundation
import XLSXCore

/// Runs the command; argument errors are said in Chinese with exit 2 (the contract's code for
/// input that cannot be used), not swift-argument-parser's English and exit 64.
@main
enum Main {
    static func main() {
        // SIGINT/SIGTERM taken by one thread (removes unfinished outputs), SIGXFSZ ignored:
        // before any other thread starts. Commands that only read and print leave nothing
        // unfinished behind and keep the default handling (and no extra thread).
        let readsOnly: Set<String> = ["inspect", "check", "cells", "rules", "status"]
        if !readsOnly.contains(CommandLine.arguments.dropFirst().first ?? "") { Interrupts.install() }
        do {
            var command = try quickParse() ?? Kaoping.parseAsRoot()
            try command.run()
        } catch let code as ExitCode {
            exit(code.rawValue)
        } catch {
            let code = Kaoping.exitCode(for: error)
            if code == .success {
                // --help, --version: the help text, on stdout.
                print(ArgumentWording.help(Kaoping.fullMessage(for: error)))
                exit(0)
            }
            if code.rawValue == 64 || error is ValidationError {
                stderr("kaoping: 参数错误：" + ArgumentWording.chinese(Kaoping.message(for: error)))
                stderr(Kaoping.usageString(for: error))
                stderr("（用 kaoping --help 或 kaoping 命令 --help 查看说明）")
                exit(2)
            }
            stderr("kaoping: " + Kaoping.message(for: error))
            exit(code.rawValue)
        }
    }
}

/// The subcommand named first, parsed on its own: building the whole tree of commands costs
/// more than reading a form (`inspect`). Help and anything that does not parse go the full way,
/// so every message and usage line is the root's.
private func quickParse() -> ParsableCommand? {
    let args = Array(CommandLine.arguments.dropFirst())
    guard let name = args.first, let type = Kaoping.configuration.subcommands.first(where: { $0.configuration.commandName == name }),
          !args.contains(where: { $0 == "-h" || $0 == "--help" || $0 == "help" || $0 == "--experimental-dump-help" || $0.hasPrefix("--generate-completion") })
    else { return nil }
    return try? type.parseAsRoot(Array(args.dropFirst()))
}

private extension Kaoping {
    /// The usage line of the subcommand the error belongs to, or of the root.
    static func usageString(for error: Error) -> String {
        let full = fullMessage(for: error)
        return full.split(separator: "\n").first { $0.hasPrefix("Usage:") || $0.hasPrefix("USAGE:") }
            .map { "用法：" + $0.dropFirst("Usage:".count).trimmingCharacters(in: .whitespaces) } ?? ""
    }
}

/// swift-argument-parser's messages, in Chinese.
enum ArgumentWording {
    static let patterns: [(String, String)] = [
        ("Missing expected argument", "缺少参数"),
        ("Missing value for", "选项缺少值："),
        ("Unknown option", "未知选项"),
        ("Unexpected argument", "多余的参数"),
        ("Unexpected arguments", "多余的参数"),
        ("The value", "值"),
        ("is invalid for", "不适用于"),
        ("Error: ", ""),
    ]
    /// The help text's headings and fixed lines in Chinese (the option names stay as they are).
    static func help(_ text: String) -> String {
        var s = text
        for (en, zh) in [("OVERVIEW: ", "说明："), ("USAGE: ", "用法："), ("ARGUMENTS:", "参数："), ("OPTIONS:", "选项："),
                         ("SUBCOMMANDS:", "命令："), ("Show help information.", "显示本帮助。"),
                         ("See 'kaoping help <subcommand>' for detailed help.", "各命令的详细说明：kaoping 命令 --help"),
                         ("(default: ", "（默认："), ("(values: ", "（可选值：")] {
            s = s.replacingOccurrences(of: en, with: zh)
        }
        return s
    }

    static func chinese(_ message: String) -> String {
        var s = message
        for (en, zh) in patterns { s = s.replacingOccurrences(of: en, with: zh) }
        return s.split(separator: "\n").first.map(String.init) ?? s
    }
}
