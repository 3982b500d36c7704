import AccreditFixtures
public import ArgumentParser
import Foundation

/// `accredit generate-fixture`: a hidden command that writes a large content tree for benchmarks.
public struct GenerateFixture: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "generate-fixture",
    abstract: "Write a valid content tree of N partners × M cases (for benchmarks).",
    shouldDisplay: false)

  @Option(help: "Number of partners.") public var partners = 100
  @Option(help: "Cases per partner (at least 5).") public var cases = 10
  @Option(help: "Seed of the pseudo-random choices.") public var seed: UInt64 = 1
  @Option(help: ArgumentHelp("Folder to write; must not exist yet.", valueName: "folder")) public var output: String

  public init() {}

  public func validate() throws {
    guard partners > 0 else { throw ValidationError("--partners must be at least 1") }
    guard !FileManager.default.fileExists(atPath: output) else {
      throw ValidationError("'\(output)' exists; give a folder that does not exist yet")
    }
  }

  public func run() throws {
    let root = URL(fileURLWithPath: output, isDirectory: true)
    var made: Set<String> = []
    try FixtureGenerator(partners: partners, casesPerPartner: cases, seed: seed).generate { path, text in
      let url = root.appendingPathComponent(path)
      let folder = url.deletingLastPathComponent().path
      if made.insert(folder).inserted {
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
      }
      try Data(text.utf8).write(to: url)
    }
  }
}
