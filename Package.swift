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
        .target(name: "KaopingModel", dependencies: ["Workbook"]),
        // Readers of other formats into the same Grid: OpenDocument spreadsheets, Word tables.
        .target(name: "ODSReader", dependencies: ["XLSXCore", "Workbook"]),
        .target(name: "DOCXReader", dependencies: ["XLSXCore", "Workbook"]),
        .target(name: "KaopingRules", dependencies: ["KaopingModel"]),
        .target(name: "KaopingWriter", dependencies: ["KaopingRules", "CXlsxWriter"]),
        .executableTarget(name: "kaoping", dependencies: [
            "KaopingWriter",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .testTarget(name: "WorkbookTests", dependencies: ["Workbook", "CZip"]),
        .testTarget(name: "ODSDOCXTests", dependencies: ["ODSReader", "DOCXReader", "Workbook", "KaopingModel", "CZip"], exclude: ["Fixtures"]),
        .testTarget(name: "KaopingTests", dependencies: ["KaopingWriter", "CZip", "CXlsxWriter"], exclude: ["Regressions"]),
    ]
)
