// swift-tools-version:5.9
// The Swift package an app depends on. `scripts/test-uniffi` (or the commands in README.md)
// fills the generated parts in: Sources/ContactNow/ContactNow.swift and ContactNowCore.swift
// and, in Sources/ContactNowFFI, ContactNowFFI.h and ContactNowCoreFFI.h (the module.modulemap
// naming both is checked in). Link against the Rust
// library built by `cargo build -p contactnow-uniffi --release` (libcontactnow_uniffi.so /
// .dylib; for iOS, an XCFramework of the static library replaces the system library target).
import PackageDescription

let package = Package(
    name: "ContactNow",
    platforms: [.macOS(.v10_15), .iOS(.v13)],
    products: [
        .library(name: "ContactNow", targets: ["ContactNow"]),
    ],
    targets: [
        .systemLibrary(name: "ContactNowFFI", path: "Sources/ContactNowFFI"),
        .target(
            name: "ContactNow",
            dependencies: ["ContactNowFFI"],
            path: "Sources/ContactNow",
            linkerSettings: [.linkedLibrary("contactnow_uniffi")]
        ),
    ]
)
