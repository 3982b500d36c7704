public import ArgumentParser

/// `accredit check`: validation only.
public struct Check: ParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Check the content and list every problem with its position.",
    discussion: "Exit status 0 when clean, 1 on errors (and on warnings with --strict).")

  /// How to print the diagnostics.
  public enum Format: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// `path:line:column: error: message`, the source line and a caret.
    case text
    /// A JSON array of `{path, line, column, severity, message}`.
    case json
    /// GitHub Actions workflow commands (`::error file=…,line=…,col=…::message`).
    case github
  }

  @OptionGroup public var contentOptions: ContentOptions
  @OptionGroup public var cacheOptions: CacheOptions

  /// Fail on warnings too.
  @Flag(help: "Treat warnings as errors.")
  public var strict = false

  /// Output format.
  @Option(help: "Output format: text, json or github (workflow commands for GitHub Actions).")
  public var format: Format = .text

  public init() {}

  public func run() throws {
    let code = Commands.check(self, console: .standard)
    if code != 0 { throw ExitCode(code) }
  }
}
