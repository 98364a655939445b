// swift-tools-version:6.1
// libFuzzer targets for the parsers that read what servers, browsers and files hand Switchboard.
// Built and run by `.ci/fuzz/run` (instrumented with -sanitize=fuzzer,address).
import PackageDescription

let targets = ["FuzzWWWAuthenticate", "FuzzCallback", "FuzzMetadata", "FuzzTokenResponse", "FuzzSecretsFile", "FuzzStoreFiles"]

let package = Package(
    name: "SwitchboardFuzz",
    platforms: [.macOS(.v15)],
    dependencies: [.package(name: "Switchboard", path: "../..")],
    targets: [.target(name: "FuzzDriver")] + targets.map { name in
        .executableTarget(name: name, dependencies: ["FuzzDriver", .product(name: "SwitchboardEngine", package: "Switchboard")])
    }
)
