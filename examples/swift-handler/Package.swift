// swift-tools-version:6.2
import PackageDescription

// Your own tick with handlers written in Swift: `my-tick` is the whole of tick (every subcommand, the same flags,
// exit codes and summary; `my-tick serve` runs the HTTP server in-process) plus the handlers of `Greetings`.
//
// This example depends on the tick repository by path. In your own package, depend on it by URL instead:
//   .package(url: "https://…/tick.git", from: "0.1.0")
// and name the package as its URL's last component in `.product(name:package:)`.
// SwiftPM names a dependency given by path after its folder: here the repository's folder, whatever the clone is
// called (`main`, `tick`, a CI checkout). With a URL dependency this is simply "tick".
let tickPackage = Context.packageDirectory.split(separator: "/").dropLast(2).last.map(String.init) ?? "tick"

let package = Package(
    name: "swift-handler",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(path: "../..")
    ],
    targets: [
        // The handlers: a library, so they can be unit-tested without the command line.
        .target(
            name: "Greetings",
            dependencies: [.product(name: "TickCore", package: tickPackage)]
        ),
        // The same without the HTTP server: no SwiftNIO linked, for cron (its `serve` refuses).
        .executableTarget(
            name: "my-tick-cron",
            dependencies: [
                "Greetings",
                .product(name: "TickCore", package: tickPackage),
                .product(name: "TickCommands", package: tickPackage),
            ]
        ),
        // The executable: a few lines in main.swift.
        .executableTarget(
            name: "my-tick",
            dependencies: [
                "Greetings",
                .product(name: "TickCore", package: tickPackage),
                .product(name: "TickServe", package: tickPackage),
            ]
        ),
    ]
)
