// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Shipdeck",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "shipdeck", targets: ["shipdeck"]),
        .library(name: "ShipdeckModel", targets: ["ShipdeckModel"]),
        .library(name: "ShipdeckEngine", targets: ["ShipdeckEngine"]),
        .library(name: "ShipdeckTUI", targets: ["ShipdeckTUI"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
        .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    ],
    targets: [
        .systemLibrary(name: "CNCursesW", pkgConfig: "ncursesw", providers: [.apt(["libncursesw5-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        .systemLibrary(name: "CLibDeflate", pkgConfig: "libdeflate", providers: [.apt(["libdeflate-dev"])]),
        .target(name: "CShipdeckPOSIX"),
        // What front ends see: events, records, state and its reducer, the hub, commands. No dependencies.
        .target(name: "ShipdeckModel"),
        // The engine: config, plan, scheduler, processes, stages. Re-exports the model.
        .target(
            name: "ShipdeckEngine",
            dependencies: [
                "ShipdeckModel", "CShipdeckPOSIX", "CZlib", "CLibDeflate", "Yams",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"), .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // The dashboard observes the model and commands through `ReleaseCommands`; it cannot see the engine.
        .target(name: "ShipdeckTUI", dependencies: ["ShipdeckModel", "CNCursesW"]),
        .executableTarget(
            name: "shipdeck",
            dependencies: [
                "ShipdeckEngine", "ShipdeckTUI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Gives each test process a private TMPDIR, removed when it exits (Tests/CShipdeckTestScratch).
        .target(name: "CShipdeckTestScratch", path: "Tests/CShipdeckTestScratch"),
        .testTarget(name: "ShipdeckEngineTests", dependencies: ["ShipdeckEngine", "Yams", "CShipdeckTestScratch"]),
        .testTarget(name: "ShipdeckModelTests", dependencies: ["ShipdeckModel", "CShipdeckTestScratch"]),
        // Golden/ holds the expected screens; the tests read them from the source tree by path.
        .testTarget(
            name: "ShipdeckTUITests", dependencies: ["ShipdeckTUI", "ShipdeckModel", "CShipdeckTestScratch"],
            exclude: ["Golden"]),
        .testTarget(name: "EndToEndTests", dependencies: ["ShipdeckEngine", "Yams", "CShipdeckTestScratch"]),
    ],
    swiftLanguageModes: [.v6]
)
