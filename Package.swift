// swift-tools-version:5.9
import PackageDescription

// Layers, each knowing only the one below:
// CZip → XLSXCore (zip + our XML scanner, limits) → XLSXReader (.xlsx) → GridKit is the generic grid every
// reader fills (cells, merges, hidden rows; no format) → KaopingModel (考评表 model, rules catalogue,
// mapper) → KaopingRules (templates, checks, the scorer) → KaopingWriter (libxlsxwriter)
// → KaopingRegister (SQLite) → KaopingJobs (open any input, pipeline, fix/check/summary jobs, Chinese messages) → kaoping (CLI).
let package = Package(
    name: "Kaoping",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kaoping", targets: ["kaoping"]),
        .executable(name: "kaoping-desk", targets: ["kaoping-desk"]),
        .library(name: "KaopingKit", targets: ["KaopingJobs"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        // The desk's HTTP server (issue 15): async/await, no NIO, builds in seconds.
        .package(url: "https://github.com/swhitty/FlyingFox", from: "0.27.1"),
    ],
    targets: [
        .systemLibrary(name: "CZip", pkgConfig: "libzip", providers: [.apt(["libzip-dev"])]),
        .systemLibrary(name: "CExpat", pkgConfig: "expat", providers: [.apt(["libexpat1-dev"])]),
        .systemLibrary(name: "CXlsxWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
        // XML through a scanner of our own (XMLScanner); expat stays as the witness the tests and
        // the fuzzer compare it with.
        .target(name: "XLSXCore", dependencies: ["CZip"]),
        .target(name: "GridKit"),
        .target(name: "XLSXReader", dependencies: ["XLSXCore", "GridKit"]),
        // The OLE2 compound file ([MS-CFB]) and the BIFF8 .xls/.et reader of our own.
        .target(name: "OLE2", dependencies: ["XLSXCore"]),
        .target(name: "XLSReader", dependencies: ["OLE2", "GridKit", "XLSXCore"]),
        // OpenDocument spreadsheets and Word tables, through the same zip + XML layer.
        .target(name: "ODSReader", dependencies: ["XLSXCore", "GridKit"]),
        .target(name: "DOCXReader", dependencies: ["XLSXCore", "GridKit"]),
        .target(name: "KaopingModel", dependencies: ["GridKit"]),
        .target(name: "KaopingRules", dependencies: ["KaopingModel"]),
        .target(name: "KaopingWriter", dependencies: ["KaopingRules", "XLSXCore", "CXlsxWriter"]),
        // The year's register: every submission in one SQLite file (issue 14).
        .target(name: "KaopingRegister", dependencies: ["KaopingRules", "CSQLite"]),
        .target(name: "KaopingJobs", dependencies: ["KaopingWriter", "KaopingRegister", "XLSXReader", "XLSReader", "OLE2", "ODSReader", "DOCXReader", "XLSXCore"]),
        .executableTarget(name: "kaoping", dependencies: [
            "KaopingJobs",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The desk (kaoping serve, issue 15): routes over the jobs; its own program, which
        // `kaoping serve` runs, so the other commands never load the server.
        .target(name: "KaopingDesk", dependencies: ["KaopingJobs", "XLSXCore", .product(name: "FlyingFox", package: "FlyingFox")]),
        // FlyingFox imports FoundationNetworking: with --static-swift-stdlib (release) it links
        // -lcurl, which scripts/setup.sh installs (libcurl4-openssl-dev).
        .executableTarget(name: "kaoping-desk", dependencies: ["KaopingDesk"]),
        // The writer benchmark's program (make bench), not shipped in the CLI.
        .executableTarget(name: "kaoping-bench", dependencies: ["KaopingWriter"]),
        // The .xls reader's side of bench/xls-bench.sh; not part of the kaoping product.
        .executableTarget(name: "xls-read", dependencies: ["XLSReader"], path: "bench/xls-read"),
        .testTarget(name: "WorkbookTests", dependencies: ["XLSXReader", "GridKit", "CZip", "CExpat"]),
        .testTarget(name: "XLSReaderTests", dependencies: ["XLSReader", "OLE2", "XLSXReader", "KaopingModel"], exclude: ["Fixtures"]),
        .testTarget(name: "ODSDOCXTests", dependencies: ["ODSReader", "DOCXReader", "XLSXReader", "KaopingModel", "CZip"], exclude: ["Fixtures"]),
        .testTarget(name: "KaopingRegisterTests", dependencies: ["KaopingJobs", "CSQLite"]),
        .testTarget(name: "KaopingDeskTests", dependencies: ["KaopingDesk"]),
        .testTarget(name: "KaopingTests", dependencies: ["KaopingJobs", "CZip", "CXlsxWriter"], exclude: ["Regressions"]),
    ]
)
