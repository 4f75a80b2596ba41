// swift-tools-version:6.2
import PackageDescription

/// One set of settings for every target, so every `public import` is a choice.
let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .enableUpcomingFeature("InternalImportsByDefault"),
]

let package = Package(
    name: "Doorstep",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "doorstep", targets: ["doorstep"]),
        .executable(name: "doorstep-server", targets: ["doorstep-server"]),
        .executable(name: "doorstep-bench", targets: ["doorstep-bench"]),
        .library(name: "DoorstepCore", targets: ["DoorstepCore"]),
        .library(name: "DoorstepWire", targets: ["DoorstepWire"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/weichsel/ZIPFoundation", from: "0.9.20"),
        .package(url: "https://github.com/CoreOffice/XMLCoder", from: "0.18.2"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // MARK: Shared core: pure values and rules, no I/O.
        .target(
            name: "DoorstepCore",
            dependencies: [.product(name: "Yams", package: "Yams")],
            swiftSettings: swiftSettings
        ),
        // MARK: What crosses the wire: the sync messages and operations, and one JSON toolkit.
        .target(
            name: "DoorstepWire",
            dependencies: ["DoorstepCore"],
            swiftSettings: swiftSettings
        ),
        // MARK: The organiser's report: aggregates in, self-contained HTML out (pure).
        .target(
            name: "DoorstepReport",
            dependencies: ["DoorstepCore"],
            swiftSettings: swiftSettings
        ),

        // MARK: XLSForm workbooks in, Doorstep YAML out (reads .xlsx files, so not in the core).
        .target(
            name: "DoorstepXLSForm",
            dependencies: [
                "DoorstepCore",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
                .product(name: "XMLCoder", package: "XMLCoder"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Log lines on stderr, as text or JSON, for both executables (I/O: not in the core).
        .target(
            name: "DoorstepLogging",
            dependencies: ["DoorstepWire", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),

        // MARK: Client side.
        .target(
            name: "DoorstepStore",
            dependencies: ["DoorstepCore", "DoorstepWire", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: swiftSettings
        ),
        // Sealing answers to agencies' keys, and the agencies' key files (swift-crypto's HPKE and scrypt).
        .target(
            name: "DoorstepSealing",
            dependencies: [
                "DoorstepCore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CCurl",
            path: "Sources/CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),
        .target(
            name: "DoorstepTransport",
            dependencies: ["CCurl", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "DoorstepSync",
            dependencies: [
                "DoorstepCore", "DoorstepWire", "DoorstepStore", "DoorstepTransport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        // The terminal's width, for the questionnaire (ioctl is variadic: not callable from Swift).
        .target(name: "CTerminal"),
        .executableTarget(
            name: "doorstep",
            dependencies: [
                "DoorstepCore", "DoorstepWire", "DoorstepStore", "DoorstepTransport", "DoorstepSync", "DoorstepXLSForm", "DoorstepLogging",
                "DoorstepSealing",
                "CTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: The companion server.
        .target(
            name: "DoorstepServer",
            dependencies: [
                "DoorstepCore", "DoorstepWire", "DoorstepReport", "DoorstepSealing",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOHTTPTypesHTTP1", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            path: "sync-server/Sources/DoorstepServer",
            // A copy of docs/openapi.yaml, compiled into the binary (served at /openapi.yaml).
            resources: [.embedInCode("Resources/openapi.yaml")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "doorstep-server",
            dependencies: [
                "DoorstepServer", "DoorstepCore", "DoorstepWire", "DoorstepXLSForm", "DoorstepLogging", "DoorstepSealing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "sync-server/Sources/doorstep-server",
            swiftSettings: swiftSettings
        ),

        // MARK: Benchmark.
        // The readers of untrusted bytes under libFuzzer (scripts/fuzz), or a replay of inputs.
        .executableTarget(
            name: "doorstep-fuzz",
            dependencies: ["DoorstepCore", "DoorstepWire"],
            path: "sync-server/Sources/doorstep-fuzz",
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "doorstep-bench",
            dependencies: [
                "DoorstepCore", "DoorstepWire", "DoorstepStore", "DoorstepTransport", "DoorstepServer", "DoorstepSealing",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // MARK: Tests.
        .target(
            name: "DoorstepTestSupport",
            dependencies: ["DoorstepCore", "DoorstepWire", .product(name: "ZIPFoundation", package: "ZIPFoundation")],
            path: "Tests/DoorstepTestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DoorstepCoreTests",
            dependencies: ["DoorstepCore", "DoorstepWire", "DoorstepReport", "DoorstepSealing", "DoorstepTestSupport"],
            // Read from the source tree by `ValidationCorpus`.
            exclude: ["Corpus"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DoorstepXLSFormTests",
            dependencies: ["DoorstepXLSForm", "DoorstepCore", "DoorstepTestSupport"],
            // The corpus script, run by `PyxformOracleTests`.
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DoorstepLoggingTests",
            dependencies: ["DoorstepLogging", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DoorstepWireTests",
            dependencies: ["DoorstepCore", "DoorstepWire", "DoorstepTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DoorstepStoreTests",
            dependencies: [
                "DoorstepCore", "DoorstepWire", "DoorstepStore", "DoorstepTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DoorstepCLITests",
            dependencies: [
                "DoorstepCore", "DoorstepWire", "DoorstepStore", "DoorstepTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DoorstepTransportTests",
            dependencies: ["DoorstepTransport", "DoorstepTestSupport"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DoorstepServerTests",
            dependencies: [
                "DoorstepServer", "DoorstepCore", "DoorstepWire", "DoorstepSealing", "DoorstepTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "sync-server/Tests/DoorstepServerTests",
            // Read from the source tree by `PushReaderCorpus`.
            exclude: ["Corpus"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "EndToEndTests",
            dependencies: [
                "DoorstepCore", "DoorstepWire", "DoorstepStore", "DoorstepServer", "DoorstepSealing", "DoorstepTestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
    ]
)
