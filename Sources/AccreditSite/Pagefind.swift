public import Foundation
import AccreditSupport

/// Pagefind (https://pagefind.app), the static search index Hugo and Zola sites use, run over a written
/// site by `build --search` (or `search: true` in site.yaml). PyPI's `pagefind-bin` ships its binary; it
/// runs as `python3 -m pagefind_bin`, or `ACCREDIT_PAGEFIND` names a `pagefind` binary.
///
/// The index goes to `pagefind/` in the output folder. It is written beside it first and swapped in, so
/// a failed run leaves the previous index; a build without search (`--no-search`, or no `search: true`)
/// removes it, since its pages no longer show the search box.
public struct Pagefind: Sendable {
  /// The command and its first arguments.
  public let command: [String]

  /// Why Pagefind could not be used.
  public struct Failure: Error, CustomStringConvertible {
    public var description: String
  }

  /// The folder of the index, in the output folder.
  static let folder = "pagefind"

  /// Finds Pagefind and checks that it runs (`--version`), before anything is built. `asker` (what asked
  /// for the index) and `alternative` (another way out) are for the message when it cannot.
  public static func locate(
    environment: [String: String] = ProcessInfo.processInfo.environment, asker: String = "--search",
    alternative: String = ""
  ) throws(Failure) -> Pagefind {
    let command = environment["ACCREDIT_PAGEFIND"].map { [$0] } ?? ["python3", "-m", "pagefind_bin"]
    let pagefind = Pagefind(command: command)
    do {
      let output = try pagefind.run(["--version"])
      guard output.hasPrefix("pagefind") else { throw Failure(description: output) }
    } catch {
      throw Failure(
        description: "\(asker) needs Pagefind, and `\(command.joined(separator: " ")) --version` failed: install it "
          + "with `pip install pagefind-bin` (Scripts/build-site does), or set ACCREDIT_PAGEFIND to a pagefind binary"
          + alternative)
    }
    return pagefind
  }

  /// After a build: indexes `site` when it changed or has no index yet; removes the index without `pagefind`.
  static func update(_ site: URL, with pagefind: Pagefind?, changed: Bool) throws(Failure) {
    let index = site.appendingPathComponent(folder)
    guard let pagefind else {
      // Only an index Pagefind wrote (its `pagefind.js` is there): a folder of that name holding anything
      // else is not accredit's to remove.
      if FileManager.default.fileExists(atPath: index.appendingPathComponent("pagefind.js").path) {
        try? FileManager.default.removeItem(at: index)
      }
      return
    }
    guard changed || !FileManager.default.fileExists(atPath: index.appendingPathComponent("pagefind.js").path) else {
      return
    }
    let fresh = site.appendingPathComponent(".\(folder).accredit-new")
    let old = site.appendingPathComponent(".\(folder).accredit-old")
    try? FileManager.default.removeItem(at: fresh)
    try? FileManager.default.removeItem(at: old)
    do {
      _ = try pagefind.run(["--site", site.path, "--output-path", fresh.path, "--quiet"])
      if FileManager.default.fileExists(atPath: index.path) {
        try FileManager.default.moveItem(at: index, to: old)
      }
      try FileManager.default.moveItem(at: fresh, to: index)
      try? FileManager.default.removeItem(at: old)
    } catch {
      try? FileManager.default.removeItem(at: fresh)
      throw Failure(description: "Pagefind could not index \(site.path): \(error)")
    }
  }

  /// Runs Pagefind with `arguments`; returns what it printed, or throws with it when it fails.
  func run(_ arguments: [String]) throws -> String {
    let outcome = try Subprocess.run(command + arguments)
    guard outcome.status == 0 else {
      throw Failure(description: "exit status \(outcome.status): \(outcome.output.suffix(2000))")
    }
    return outcome.output
  }
}
