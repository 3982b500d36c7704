// swift-tools-version: 6.1
import PackageDescription

/// The project's own targets are optimized in debug builds too (`swift build`, `swift test`, `Scripts/test`).
/// The tests build and render whole generated programs, in process and through the `accredit` executable,
/// and unoptimized Swift runs that code about four times slower: the Swift suite took 145 s of CPU and
/// 64 s with this (docs/performance.md, "Tests in minutes: optimized debug builds"), and a one-file edit
/// compiles no slower. Dependencies keep SwiftPM's debug flags. To step through the code in a debugger
/// with every variable visible, build with `ACCREDIT_ONONE=1` (a different set of flags: the project's
/// targets compile again once, and again when it is unset).
let optimizedInDebug: [SwiftSetting] =
  Context.environment["ACCREDIT_ONONE"] == "1" ? [] : [.unsafeFlags(["-O"], .when(configuration: .debug))]

let package = Package(
  name: "accredit",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "accredit", targets: ["accredit"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    // One trait, not Hummingbird's default two: SwiftPM passes enabled traits as `-D` flags in an order that
    // differs from one `swift build`/`swift test` process to the next (a Set's), and a changed command line
    // recompiles Hummingbird and HummingbirdCore (104 files) on a switch between them (docs/performance.md,
    // "Warm rebuilds"). ConfigurationSupport (swift-configuration's ConfigReader) is not used here.
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1", traits: ["FullFoundation"]),
    .package(url: "https://github.com/swift-server/swift-service-lifecycle", from: "2.13.0"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    // Hummingbird's own dependency, named for `TimeAmount` (the preview server's connection timeout) and for
    // the HTTP/1 request head, whose version Hummingbird's HTTP types do not carry.
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
  ],
  targets: [
    .systemLibrary(
      name: "CCmark",
      pkgConfig: "libcmark",
      providers: [.apt(["libcmark-dev"]), .brew(["cmark"])]
    ),
    // libyaml: the YAML parser (Debian libyaml-dev); only AccreditContent's composer touches it.
    .systemLibrary(
      name: "CLibYAML",
      pkgConfig: "yaml-0.1",
      providers: [.apt(["libyaml-dev"]), .brew(["libyaml"])]
    ),
    // The bottom of the stack, for every target above: parallel map, stable hashing, ordered JSON.
    .target(name: "AccreditSupport", swiftSettings: optimizedInDebug),
    // The standards engine: value types in, value types out; no file system, no clock.
    .target(name: "AccreditEngine", swiftSettings: optimizedInDebug),
    // Reading and validating the content tree, and printing its diagnostics.
    .target(
      name: "AccreditContent", dependencies: ["AccreditEngine", "AccreditMarkdown", "AccreditSupport", "CLibYAML"],
      swiftSettings: optimizedInDebug),
    // Mustache, compiled once and rendered into bytes; view models reach it through `Encodable`.
    .target(name: "AccreditMustache", swiftSettings: optimizedInDebug),
    // libcmark behind a Swift API: the only target that touches cmark.
    .target(name: "AccreditMarkdown", dependencies: ["CCmark"], swiftSettings: optimizedInDebug),
    // Writing the output folder. `site-templates/` is embedded at build time by the EmbedTemplates plugin.
    .target(
      name: "AccreditSite",
      dependencies: [
        "AccreditEngine", "AccreditContent", "AccreditMarkdown", "AccreditMustache", "AccreditSupport",
      ],
      swiftSettings: optimizedInDebug,
      plugins: ["EmbedTemplates"]
    ),
    .executableTarget(name: "accredit-embed", path: "Sources/AccreditEmbed"),
    .plugin(name: "EmbedTemplates", capability: .buildTool(), dependencies: ["accredit-embed"]),
    // Status changes between two evaluations, and what the calendar will bring.
    .target(
      name: "AccreditReports", dependencies: ["AccreditEngine", "AccreditContent", "AccreditSupport"],
      swiftSettings: optimizedInDebug),
    // Writes large, valid content trees for benchmarks and tests.
    .target(name: "AccreditFixtures", dependencies: ["AccreditEngine"], swiftSettings: optimizedInDebug),
    // The preview server: its own target, so that the core builds and tests without SwiftNIO.
    .target(
      name: "AccreditServe",
      dependencies: [
        "AccreditEngine", "AccreditContent", "AccreditSite", "AccreditSupport",
        .product(name: "Hummingbird", package: "hummingbird"),
        // Its HTTP/1 channel, wrapped with a connection limit and HTTP/1.0's `Connection: close`.
        .product(name: "HummingbirdCore", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
      ],
      swiftSettings: optimizedInDebug
    ),
    // The commands, as a library so that tests can drive them.
    .target(
      name: "AccreditCLI",
      dependencies: [
        "AccreditEngine", "AccreditContent", "AccreditMustache", "AccreditSite", "AccreditServe", "AccreditFixtures",
        "AccreditReports", "AccreditMarkdown", "AccreditSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      swiftSettings: optimizedInDebug
    ),
    // On Linux the executable allocates with mimalloc (Debian libmimalloc-dev): a build allocates and frees
    // millions of small strings and arrays from two threads, and it took a tenth off a full build's time
    // against glibc's allocator (docs/performance.md). Linked before libc, it serves every library.
    .executableTarget(
      name: "accredit", dependencies: ["AccreditCLI"],
      linkerSettings: [.linkedLibrary("mimalloc", .when(platforms: [.linux]))]
    ),
    // The fuzzing harness (Scripts/fuzz builds it with libFuzzer); built normally, it replays saved inputs.
    .executableTarget(
      name: "accredit-fuzz", dependencies: ["AccreditContent", "AccreditEngine", "AccreditSite", "AccreditSupport"],
      path: "Sources/AccreditFuzz"
    ),
    .testTarget(
      name: "AccreditTests",
      dependencies: [
        "AccreditEngine", "AccreditContent", "AccreditMarkdown", "AccreditMustache", "AccreditSite", "AccreditServe",
        "AccreditCLI", "AccreditFixtures", "AccreditReports", "AccreditSupport",
        // Not HummingbirdTesting: it links AsyncHTTPClient, NIOSSL and BoringSSL, about five minutes of a fresh
        // build; the serve tests use a small socket client (Tests/AccreditTests/LiveServer.swift).
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
      ],
      resources: [.copy("Fixtures")]
    ),
  ]
)
