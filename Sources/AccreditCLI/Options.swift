import AccreditContent
import AccreditEngine
public import ArgumentParser
public import Foundation

/// Options shared by the commands that read content.
public struct ContentOptions: ParsableArguments {
  /// The content folder.
  @Option(name: .long, help: ArgumentHelp("The content folder.", valueName: "folder"))
  public var content: String = "content"

  public init() {}

  /// Rejects a content folder that does not exist, as a usage error.
  public func validate() throws {
    guard FileManager.default.isFolder(atPath: content) else {
      throw ValidationError("content folder '\(content)' does not exist or is not a folder")
    }
  }

  /// The content folder as a URL.
  public var contentURL: URL { URL(fileURLWithPath: content, isDirectory: true) }
}

/// Where the persistent build cache lives (`build`).
public struct CacheOptions: ParsableArguments {
  @Option(
    name: .customLong("cache"),
    help: ArgumentHelp(
      "The build cache folder: records of what the last build was made from, so that a build with "
        + "nothing changed does nothing and one with case notes edited alone makes their pages alone, and "
        + "the parsed content files, so that only changed files are parsed again (--clean ignores it).",
      valueName: "folder"))
  public var folder: String = ".accredit-cache"

  public init() {}

  /// The cache.
  public var cache: BuildCache { BuildCache(folder: URL(fileURLWithPath: folder, isDirectory: true)) }
}

/// The evaluation date, shared by every command that evaluates.
public struct DateOptions: ParsableArguments {
  /// The date given, if any; the command falls back to `as_of` in `site.yaml`, then today.
  @Option(
    name: .customLong("as-of"),
    help: ArgumentHelp(
      "The evaluation date (default: as_of in site.yaml, else today, UTC).", valueName: "YYYY-MM-DD"),
    transform: Day.argument)
  public var asOf: Day?

  public init() {}
}

/// The templates option shared by `build` and `serve`.
public struct TemplateOptions: ParsableArguments {
  /// The templates folder; by default `site-templates` when it exists, else the built-in templates.
  @Option(
    help: ArgumentHelp(
      "Templates laid over the built-in ones (default: site-templates, when it exists).", valueName: "folder"))
  public var templates: String?

  public init() {}

  /// Rejects a templates folder that was named but does not exist.
  public func validate() throws {
    guard let templates else { return }
    guard FileManager.default.isFolder(atPath: templates) else {
      throw ValidationError("templates folder '\(templates)' does not exist or is not a folder")
    }
  }

  /// The templates folder to lay over the built-in templates, if any.
  public var templatesURL: URL? {
    if let templates { return URL(fileURLWithPath: templates, isDirectory: true) }
    let fallback = "site-templates"
    guard FileManager.default.isFolder(atPath: fallback) else { return nil }
    return URL(fileURLWithPath: fallback, isDirectory: true)
  }

  /// How diagnostics name the templates folder.
  public var label: String { templates ?? (templatesURL == nil ? "(built-in templates)" : "site-templates") }
}

extension Day {
  /// Parses a command-line date, or throws a usage error that says what is wrong.
  static func argument(_ text: String) throws -> Day {
    guard let day = Day(iso: text) else {
      throw ValidationError("'\(text)' is not a calendar date; write YYYY-MM-DD, e.g. 2026-11-15")
    }
    return day
  }
}

/// Where a command's output goes; tests capture it.
public struct Console: Sendable {
  /// Normal output.
  public var out: @Sendable (String) -> Void
  /// Diagnostics and errors.
  public var err: @Sendable (String) -> Void

  /// Creates a console.
  public init(out: @escaping @Sendable (String) -> Void, err: @escaping @Sendable (String) -> Void) {
    self.out = out
    self.err = err
  }

  /// Standard output and standard error.
  public static let standard = Console(
    out: { FileHandle.standardOutput.write(Data($0.utf8)) },
    err: { FileHandle.standardError.write(Data($0.utf8)) })
}
