// swift-tools-version:5.9
import PackageDescription

// Layers, each knowing only the one below:
// CZip/CExpat → XLSXCore (zip + XML) → Workbook (cells, merges) → KaopingModel (考评表 mapper)
// → KaopingRules (checks, recompute, scoring) → KaopingWriter (libxlsxwriter) → kaoping (CLI).
let package = Package(
    name: "Kaoping",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "kaoping", targets: ["kaoping"]),
        .library(name: "KaopingKit", targets: ["KaopingWriter"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(name: "CZip", pkgConfig: "libzip", providers: [.apt(["libzip-dev"])]),
        .systemLibrary(name: "CExpat", pkgConfig: "expat", providers: [.apt(["libexpat1-dev"])]),
        .systemLibrary(name: "CXlsxWriter", pkgConfig: "xlsxwriter", providers: [.apt(["libxlsxwriter-dev"])]),
        .target(name: "XLSXCore", dependencies: ["CZip", "CExpat"]),
        .target(name: "Workbook", dependencies: ["XLSXCore"]),
        .target(name: "OLE2", dependencies: ["XLSXCore"]),
        .target(name: "XLSReader", dependencies: ["OLE2", "Workbook"]),
        .target(name: "KaopingModel", dependencies: ["Workbook"]),
        .target(name: "KaopingRules", dependencies: ["KaopingModel"]),
        .target(name: "KaopingWriter", dependencies: ["KaopingRules", "CXlsxWriter"]),
        .executableTarget(name: "kaoping", dependencies: [
            "KaopingWriter",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        // The .xls reader's side of bench/xls-bench.sh; not part of the kaoping product.
        .executableTarget(name: "xls-read", dependencies: ["XLSReader"], path: "bench/xls-read"),
        .testTarget(name: "WorkbookTests", dependencies: ["Workbook", "CZip"]),
        .testTarget(name: "XLSReaderTests", dependencies: ["XLSReader", "OLE2", "Workbook", "KaopingModel"], exclude: ["Fixtures"]),
        .testTarget(name: "KaopingTests", dependencies: ["KaopingWriter", "CZip", "CXlsxWriter"], exclude: ["Regressions"]),
    ]
)
