// swift-tools-version: 6.1
import PackageDescription

let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "TurnLedger",
    platforms: [.macOS(.v14)],
    products: [
        .library(name: "TurnLedger", targets: ["TurnLedger"]),
        .executable(name: "turnledger", targets: ["turnledger"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-nio-extras", from: "1.35.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.30.0"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
    ],
    targets: [
        .target(
            name: "TurnLedger",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "GRDBSQLite", package: "GRDB.swift"),  // sqlite3_busy_timeout, for lone writes
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            resources: [.embedInCode("Storage/SQLite/Migrations"), .embedInCode("Storage/Postgres/Migrations")],
            swiftSettings: strictSettings
        ),
        // The HTTP service (Hummingbird): routes over the library, no SQL.
        .target(
            name: "TurnLedgerServer",
            dependencies: [
                "TurnLedger",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "Logging", package: "swift-log"),
            ],
            resources: [.embedInCode("Resources/openapi.json")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "turnledger",
            dependencies: [
                "TurnLedger",
                "TurnLedgerServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
            ],
            swiftSettings: strictSettings
        ),
        // A scripted agent that tests run as a real child process and kill with SIGKILL.
        .executableTarget(
            name: "crash-writer",
            dependencies: ["TurnLedger"],
            path: "Tests/CrashWriter",
            swiftSettings: strictSettings
        ),
        // One of several agent processes the concurrent-writer test runs against one file.
        .executableTarget(
            name: "contending-writer",
            dependencies: ["TurnLedger"],
            path: "Tests/ContendingWriter",
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TurnLedgerTests",
            dependencies: [
                "TurnLedger", "crash-writer", "contending-writer", .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "TurnLedgerServerTests",
            dependencies: [
                "turnledger", "TurnLedgerServer", "TurnLedger", .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
            ],
            swiftSettings: strictSettings
        ),
        .testTarget(
            name: "turnledgerTests",
            dependencies: ["turnledger", "TurnLedger"],
            swiftSettings: strictSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
