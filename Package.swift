// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "rota",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "rota", targets: ["rota"]),
    ],
    // The full build (the default) carries both; the lean CLI build, `swift build --disable-default-traits`,
    // is rota with SQLite alone: hummingbird, swift-nio and postgres-nio are not compiled.
    traits: [
        .trait(name: "Server", description: "rota serve: the HTTP front door (hummingbird)"),
        .trait(name: "PostgreSQL", description: "--db postgres://: several runners sharing one database (postgres-nio)"),
        .default(enabledTraits: ["Server", "PostgreSQL"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        // The HTTP front door (rota serve); its default traits (swift-configuration, full Foundation) are not needed.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: []),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
        // The board's pages: logic-less templates, HTML-escaped by default (no dependencies of its own).
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        // Several runners on several hosts sharing one PostgreSQL database (DESIGN §7).
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
        // Already built for postgres-nio; named for its TLS settings (sslmode).
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    ],
    targets: [
        // main: bootstrap logging, run the CLI.
        // Release builds export no symbols from the executable: the loader then neither lists nor
        // hashes ~48,000 of them at each start (issue 26, BENCHMARKS.md). A position-dependent link
        // (-no-pie) would save the relative relocations too, but against a dynamic Swift runtime it
        // breaks function pointer equality (ld warns), so it is left out.
        .executableTarget(name: "rota", dependencies: ["RotaCLI", .product(name: "Logging", package: "swift-log")],
                          linkerSettings: [.unsafeFlags(["-Xlinker", "--no-export-dynamic"], .when(configuration: .release))]),
        // ArgumentParser commands and terminal rendering only: flags → one call → render.
        .target(name: "RotaCLI", dependencies: [
            "RotaKit", "RotaFormats", .target(name: "RotaServer", condition: .when(traits: ["Server"])), "RotaCore", "RotaStore",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Hummingbird routes: request → one call into the Kit → response (rota serve).
        .target(name: "RotaServer", dependencies: [
            "RotaKit", "RotaFormats", "RotaCore", "RotaStore", "RotaEngine",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "Mustache", package: "swift-mustache"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // The application layer: Workspace (load, fall back, revisions), use cases, audit, secrets, signed tokens.
        .target(name: "RotaKit", dependencies: [
            "RotaCore", "RotaConfig", "RotaStore", "RotaStoreSQLite", .target(name: "RotaStorePostgres", condition: .when(traits: ["PostgreSQL"])),
            "RotaEngine", "RotaNotify",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        // The runner: plan (pure) → apply (store) → deliver (notify); tick and a loop.
        .target(name: "RotaEngine", dependencies: ["RotaCore", "RotaConfig", "RotaStore", "RotaNotify"]),
        // The JSON documents of DESIGN §4, CSV, iCalendar: one shape for every door.
        .target(name: "RotaFormats", dependencies: ["RotaCore", "RotaStore"]),
        // Foundation and hashing only (no I/O): model, time, schedules, escalation planner, reports, page text.
        .target(name: "RotaCore", dependencies: [.product(name: "Crypto", package: "swift-crypto")]),
        // Yams: rota files → model, with file:line:column; the compiled-rota cache.
        .target(name: "RotaConfig", dependencies: ["RotaCore", .product(name: "Yams", package: "Yams")]),
        // The store contract: protocols per noun and their records; no SQL.
        .target(name: "RotaStore", dependencies: ["RotaCore"]),
        // GRDB: frozen migrations, the implementation, the runner lock.
        .target(name: "RotaStoreSQLite", dependencies: ["RotaStore", "RotaCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // postgres-nio: the same contract in PostgreSQL, for several runners on several hosts.
        .target(name: "RotaStorePostgres", dependencies: [
            "RotaStore", "RotaCore",
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        // Contacts (command, webhook, email), the address book, secrets loading.
        .target(name: "CRotaSpawn"),
        // HTTP for webhooks through libcurl (loaded at run time; no headers needed to build).
        .target(name: "CRotaHTTP"),
        .target(name: "RotaNotify", dependencies: [
            "RotaCore", "CRotaSpawn", "CRotaHTTP",
            .product(name: "Crypto", package: "swift-crypto"),
        ]),
        .testTarget(name: "RotaCoreTests", dependencies: ["RotaCore", "RotaTestSupport"]),
        .testTarget(name: "RotaNotifyTests", dependencies: ["RotaNotify", "RotaCore"]),
        // Shared by the test targets: the PostgreSQL server the tests use.
        .target(name: "RotaTestSupport", path: "Tests/RotaTestSupport"),
        .testTarget(name: "RotaStoreTests", dependencies: ["RotaStore", "RotaFormats", "RotaStoreSQLite", "RotaStorePostgres", "RotaTestSupport", "RotaCore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "RotaEngineTests", dependencies: ["RotaEngine", "RotaStore", "RotaStoreSQLite", "RotaCore", "RotaConfig", "RotaNotify"]),
        .testTarget(name: "RotaKitTests", dependencies: ["RotaKit", "RotaStore", "RotaCore"]),
        .testTarget(name: "RotaFormatsTests", dependencies: ["RotaFormats", "RotaCore", "RotaStore"]),
        .testTarget(name: "RotaConfigTests", dependencies: ["RotaConfig", "RotaCore", "RotaTestSupport"]),
        // The HTTP routes in-process (no socket, no process): HummingbirdTesting's router mode.
        .testTarget(name: "RotaServerTests", dependencies: [
            "RotaServer", "RotaKit", "RotaCore",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "RotaCLITests", dependencies: ["rota", "RotaCLI", "RotaTestSupport", "RotaCore", .product(name: "ArgumentParser", package: "swift-argument-parser")], exclude: ["Fixtures"]),
    ],
    swiftLanguageModes: [.v6]
)
