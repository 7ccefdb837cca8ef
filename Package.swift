// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "rota",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "rota", targets: ["rota"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    ],
    targets: [
        .executableTarget(name: "rota", dependencies: ["RotaCLI"]),
        .target(
            name: "RotaCLI",
            dependencies: [
                "RotaCore", "RotaConfig", "RotaStore", "RotaNotify",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "RotaCore"),
        .target(name: "RotaConfig", dependencies: ["RotaCore", .product(name: "Yams", package: "Yams")]),
        .target(name: "RotaStore", dependencies: ["RotaCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(name: "CRotaSpawn"),
        .target(name: "RotaNotify", dependencies: [
            "RotaCore", "CRotaSpawn",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "RotaCoreTests", dependencies: ["RotaCore"]),
        .testTarget(name: "RotaNotifyTests", dependencies: ["RotaNotify", "RotaCore"]),
        .testTarget(name: "RotaStoreTests", dependencies: ["RotaStore", "RotaCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "RotaConfigTests", dependencies: ["RotaConfig", "RotaCore"]),
        .testTarget(name: "RotaCLITests", dependencies: ["rota"], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
