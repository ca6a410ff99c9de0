// swift-tools-version:6.2
import PackageDescription

/// Settings every Swift target of ours shares: Swift 6 language mode (the package default),
/// explicit `Sendable` on public types, and the upcoming features Hummingbird turns on.
let strictSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
    .unsafeFlags(["-Xfrontend", "-require-explicit-sendable"]),
]

let package = Package(
    name: "tick",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tick", targets: ["tick"]),
        .executable(name: "tick-gateway", targets: ["tick-gateway"]),
        .executable(name: "tick-serve", targets: ["tick-serve"]),
        // For your own package (docs/swift-handlers.md): the handler API and runner; every subcommand
        // (TickMain.run(handlers:), no SwiftNIO); the same with an in-process serve (TickServeMain.run(handlers:));
        // the HTTP server itself; in-memory fakes to test handlers with.
        .library(name: "TickCore", targets: ["TickCore"]),
        .library(name: "TickCommands", targets: ["TickCommands"]),
        .library(name: "TickServe", targets: ["TickServe"]),
        .library(name: "TickServer", targets: ["TickServer"]),
        .library(name: "TickTestSupport", targets: ["TickTestSupport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.1.1"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
    ],
    targets: [
        // C libraries, found through pkg-config.
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibPQ", pkgConfig: "libpq", providers: [.apt(["libpq-dev"])]),
        .systemLibrary(name: "CHiredis", pkgConfig: "hiredis", providers: [.apt(["libhiredis-dev"])]),
        // SHA-256 / HMAC for signed HTTP deliveries; libcurl loads libcrypto anyway.
        .systemLibrary(name: "CCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),

        // The supervisor between tick and each exec child: a forked copy of the worker running only
        // async-signal-safe C, which kills the child's process group when tick dies (docs/architecture.md).
        .target(name: "CChildSupervisor"),

        // The version, and the commit and toolchain scripts/package passes in (`tick --version`); no other
        // dependency, so tick-gateway reports the same version without linking TickCore.
        .target(name: "CTickBuild"),
        .target(name: "TickBuild", dependencies: ["CTickBuild"], swiftSettings: strictSettings),

        // All of tick's logic. No ArgumentParser, no SwiftNIO: the cron path stays small and starts fast.
        .target(
            name: "TickCore",
            dependencies: [
                "CCurl", "CLibPQ", "CCrypto", "CChildSupervisor", "TickBuild",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The flags `tick` and `tick-serve` share (logging, prefix, run options), defined once.
        .target(
            name: "TickCLI",
            dependencies: [
                "TickCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // Every `tick` subcommand, as a library: the stock executable and your own package's run the same tree.
        .target(
            name: "TickCommands",
            dependencies: [
                "TickCore", "TickCLI", "TickBuild",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The thin command-line front end.
        .executableTarget(name: "tick", dependencies: ["TickCommands"], swiftSettings: strictSettings),

        // The Upstash-compatible REST gateway in front of a real redis-server (Hummingbird + hiredis).
        .target(
            name: "UpstashGateway",
            dependencies: [
                "CHiredis",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(
            name: "tick-gateway",
            dependencies: [
                "UpstashGateway", "TickBuild",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: strictSettings
        ),

        // The HTTP wrapper: one tick per request (Vercel Cron and friends), Hummingbird + TickCore.
        // A separate binary, so `tick` itself never links SwiftNIO; `tick serve` execs `tick-serve` (docs/serve.md).
        .target(
            name: "TickServer",
            dependencies: [
                "TickCore",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Mustache", package: "swift-mustache"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        // The server as commands: tick-serve's root command, and the whole tick tree with an in-process serve for
        // your own executable with Swift handlers (TickServeMain.run(handlers:)).
        .target(
            name: "TickServe",
            dependencies: [
                "TickBuild", "TickCLI", "TickCommands", "TickCore", "TickServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strictSettings
        ),
        .executableTarget(name: "tick-serve", dependencies: ["TickServe"], swiftSettings: strictSettings),

        // In-memory fakes of the runner's seams (queue, checkpoint store, clock, rate windows), for tests
        // that need no services; a user's own package can test its handlers with them too.
        .target(name: "TickTestSupport", dependencies: ["TickCore"], swiftSettings: strictSettings),
        // Pure logic, no servers.
        .testTarget(name: "TickCoreTests", dependencies: ["TickCore"], swiftSettings: strictSettings),
        // The command tree's parsing, in process (the cron path against the full tree).
        .testTarget(
            name: "TickCommandsTests",
            dependencies: ["TickCommands", "TickCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: strictSettings
        ),
        // The run's lifecycle against the fakes: no services, a few seconds.
        .testTarget(
            name: "RunnerTests",
            dependencies: ["TickCore", "TickTestSupport", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strictSettings
        ),
        // Real redis-server + gateway + PostgreSQL on loopback, started by scripts/dev-services.
        // (Hummingbird only for the local endpoints the http handler's tests call.)
        .testTarget(
            name: "TickIntegrationTests",
            dependencies: ["TickCore", .product(name: "Hummingbird", package: "hummingbird")],
            swiftSettings: strictSettings
        ),
        // The dashboard's routes and middleware in-process (HummingbirdTesting's router client), no services.
        .testTarget(
            name: "TickServerTests",
            dependencies: ["TickServer", "TickCore", .product(name: "HummingbirdTesting", package: "hummingbird")],
            swiftSettings: strictSettings
        ),
    ]
)
