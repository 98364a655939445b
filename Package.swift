// swift-tools-version:6.1
import PackageDescription

let strict: [SwiftSetting] = [.swiftLanguageMode(.v6)]

let package = Package(
    name: "Switchboard",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "switchboard", targets: ["switchboard"]),
        .executable(name: "switchboard-bench", targets: ["switchboard-bench"]),
        // The engine as a library, for the libFuzzer package in .ci/fuzz.
        .library(name: "SwitchboardEngine", targets: ["SwitchboardCore", "Acquisition", "SwitchboardFuzzing"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
        .package(url: "https://github.com/LebJe/TOMLKit.git", from: "0.6.0"),
        .package(url: "https://github.com/pointfreeco/swift-clocks.git", from: "1.1.1"),
        // Test targets only: the CA and certificates the HTTPS tests make.
        .package(url: "https://github.com/apple/swift-certificates.git", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
    ],
    targets: [
        .target(name: "Canvas", swiftSettings: strict),
        // libcurl's entry points, loaded on first use, for the static release build (see lazy_curl.c).
        .target(name: "CLazyCurl", linkerSettings: [.linkedLibrary("dl")]),
        .target(name: "CProcessMemory"),
        // Who owns a loopback connection: one exact NETLINK_SOCK_DIAG lookup (see LoopbackPeer).
        .target(name: "CSocketOwner"),
        // The engine's rooms. The model: connections, schemes, statuses, events, remedies, the refresh plan.
        .target(name: "SwitchboardModel", swiftSettings: strict),
        // Text for people: status words, times, terminal filtering, the facts of a connection, report rows.
        .target(name: "SwitchboardText", dependencies: ["SwitchboardModel"], swiftSettings: strict),
        // System calls: spawning programs, free ports, process memory, remote-session detection.
        .target(name: "SwitchboardSystem", dependencies: ["SwitchboardModel", "CProcessMemory"], swiftSettings: strict),
        // Storage: both stores, the journals, CommitGroup, locks, files, the bridge registry.
        .target(
            name: "SwitchboardStorage",
            dependencies: ["SwitchboardModel", "SwitchboardText", "SwitchboardSystem", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: strict),
        // Other clients' configuration: import from and export to their files (the only user of TOMLKit).
        .target(
            name: "ClientConfigs",
            dependencies: ["SwitchboardModel", "SwitchboardText", "SwitchboardStorage", "SwitchboardSystem",
                           .product(name: "TOMLKit", package: "TOMLKit")],
            swiftSettings: strict),
        // All five rooms under one import, for the engine, the commands and the tests.
        .target(
            name: "SwitchboardCore",
            dependencies: ["SwitchboardModel", "SwitchboardText", "SwitchboardStorage", "SwitchboardSystem", "ClientConfigs"],
            swiftSettings: strict),
        .target(
            name: "Acquisition",
            dependencies: [
                "SwitchboardCore", "CSocketOwner",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // The parsers as one call on raw bytes, for the libFuzzer targets in .ci/fuzz and their regression tests.
        // Not a dependency of the shipped binary.
        .target(name: "SwitchboardFuzzing", dependencies: ["SwitchboardCore", "Acquisition", .product(name: "Crypto", package: "swift-crypto")],
                swiftSettings: strict),
        .target(
            name: "MCPSession",
            dependencies: [
                "Acquisition", "SwitchboardCore",
                .product(name: "MCP", package: "swift-sdk"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // The screen, pure: state, reducer, views. It reads the model and the text for people only.
        .target(name: "SwitchboardApp", dependencies: ["Canvas", "SwitchboardModel", "SwitchboardText"], swiftSettings: strict),
        .systemLibrary(
            name: "CNcurses",
            providers: [.apt(["libncurses-dev"])]),
        .target(name: "NcursesTerminal", dependencies: ["Canvas", "CNcurses"], swiftSettings: strict),
        .target(
            name: "SwitchboardFixtures",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: strict),
        // The engine wired for use: commands, the screen, the benchmark and the tests all build it here.
        .target(
            name: "SwitchboardWiring",
            dependencies: [
                "SwitchboardCore", "Acquisition", "MCPSession", "SwitchboardApp", "NcursesTerminal", "SwitchboardFixtures", "CLazyCurl",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "switchboard",
            dependencies: [
                "Canvas", "SwitchboardCore", "Acquisition", "MCPSession", "SwitchboardApp", "SwitchboardWiring", "CNcurses",
                "SwitchboardFixtures", "CLazyCurl",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        .executableTarget(
            name: "switchboard-bench",
            dependencies: [
                "Canvas", "SwitchboardCore", "Acquisition", "SwitchboardApp", "SwitchboardFixtures", "SwitchboardTestSupport", "SwitchboardWiring",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: strict),
        // Test-only commands (a store writer to kill mid-write, repeated refreshes): never shipped.
        .executableTarget(
            name: "switchboard-testbin",
            dependencies: ["SwitchboardCore", "Acquisition", "SwitchboardWiring", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            path: "Tests/switchboard-testbin", swiftSettings: strict),
        // The hostile and broken servers the tests need, plugged into the fixture servers: never shipped.
        .target(name: "HostileFixtures", dependencies: ["SwitchboardFixtures"], path: "Tests/HostileFixtures", swiftSettings: strict),
        .target(name: "SwitchboardTestSupport", dependencies: ["SwitchboardCore", "Canvas", "SwitchboardApp", .product(name: "Clocks", package: "swift-clocks")],
                path: "Tests/SwitchboardTestSupport", swiftSettings: strict),
        // An engine on a fixture server, for the tests of every target that drives one (`Harness`, `withHarness`).
        .target(
            name: "EngineTestSupport",
            dependencies: ["Acquisition", "SwitchboardCore", "SwitchboardFixtures", "SwitchboardTestSupport", "SwitchboardWiring",
                           .product(name: "Logging", package: "swift-log")],
            path: "Tests/EngineTestSupport", swiftSettings: strict),
        // The engine: discovery, the flows, refresh, the scheduler, deadlines, the loopback listener.
        .testTarget(
            name: "AcquisitionTests",
            dependencies: ["Acquisition", "SwitchboardCore", "SwitchboardFixtures", "HostileFixtures", "SwitchboardTestSupport", "EngineTestSupport",
                           "SwitchboardWiring", "switchboard", "switchboard-testbin", "SwitchboardApp",
                           .product(name: "Logging", package: "swift-log"), .product(name: "NIOCore", package: "swift-nio")],
            swiftSettings: strict),
        // The command line as a person and a script meet it: the real binary, its words and goldens.
        .testTarget(
            name: "CommandLineTests",
            dependencies: ["Acquisition", "SwitchboardCore", "SwitchboardFixtures", "HostileFixtures", "SwitchboardTestSupport", "EngineTestSupport",
                           "switchboard"],
            swiftSettings: strict),
        // The screen end to end: the real binary in tmux.
        .testTarget(
            name: "ScreenEndToEndTests",
            dependencies: ["Acquisition", "SwitchboardCore", "SwitchboardFixtures", "SwitchboardTestSupport", "EngineTestSupport", "switchboard"],
            swiftSettings: strict),
        // No secret reaches a screen, a log, an error or a file it should not.
        .testTarget(
            name: "LeakScanTests",
            dependencies: ["Acquisition", "SwitchboardCore", "SwitchboardApp", "Canvas", "SwitchboardFixtures", "HostileFixtures",
                           "SwitchboardTestSupport", "EngineTestSupport", "switchboard", .product(name: "Logging", package: "swift-log")],
            swiftSettings: strict),
        // The fuzzers' saved crashes, replayed.
        .testTarget(
            name: "SwitchboardFuzzingTests",
            dependencies: ["SwitchboardFuzzing", "Acquisition", "SwitchboardCore"],
            swiftSettings: strict),
        // The screen loop driving a real engine.
        .testTarget(
            name: "SwitchboardWiringTests",
            dependencies: ["SwitchboardApp", "SwitchboardWiring", "Acquisition", "SwitchboardCore", "SwitchboardFixtures", "SwitchboardTestSupport",
                           "EngineTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "MCPSessionTests",
            dependencies: ["MCPSession", "Acquisition", "SwitchboardCore", "SwitchboardFixtures", "HostileFixtures", "SwitchboardTestSupport", "SwitchboardWiring", "switchboard",
                           "switchboard-testbin"],
            swiftSettings: strict),
        .testTarget(
            name: "InteropTests",
            dependencies: ["SwitchboardCore", "SwitchboardTestSupport", "switchboard", "Acquisition",
                           .product(name: "X509", package: "swift-certificates"), .product(name: "SwiftASN1", package: "swift-asn1"),
                           .product(name: "Crypto", package: "swift-crypto"),
                           .product(name: "NIOSSL", package: "swift-nio-ssl")],
            swiftSettings: strict),
        .testTarget(
            name: "SwitchboardAppTests",
            dependencies: ["SwitchboardApp", "Canvas", "SwitchboardCore", "SwitchboardTestSupport"],
            swiftSettings: strict),
        .testTarget(
            name: "SwitchboardCoreTests",
            dependencies: ["SwitchboardCore", "SwitchboardTestSupport", "switchboard", "switchboard-testbin"],
            swiftSettings: strict),
    ]
)
