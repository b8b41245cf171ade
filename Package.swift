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
    ],
    targets: [
        .target(
            name: "TurnLedger",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            resources: [.embedInCode("Migrations")],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "turnledger",
            dependencies: [
                "TurnLedger",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
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
        .testTarget(
            name: "TurnLedgerTests",
            dependencies: ["TurnLedger", "crash-writer"],
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
