import AccreditContent
public import AccreditEngine
public import ArgumentParser
import AccreditSite
import Foundation

/// `accredit build`: validate, evaluate and write the site.
public struct Build: ParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Check the content, evaluate it and write the site.",
    discussion: """
      On any content error nothing is written and the output folder stays exactly as it was.
      The evaluation date is --as-of, else 'as_of' in site.yaml, else today (UTC).
      """)

  @OptionGroup public var contentOptions: ContentOptions

  /// The templates folder; by default `site-templates` when it exists, else the built-in templates.
  @Option(
    help: ArgumentHelp(
      "Templates laid over the built-in ones (default: site-templates, when it exists).", valueName: "folder"))
  public var templates: String?

  /// The output folder.
  @Option(help: ArgumentHelp("The output folder, replaced as a whole.", valueName: "folder"))
  public var output: String = "public"

  /// The evaluation date.
  @Option(
    name: .customLong("as-of"), help: ArgumentHelp("Evaluate as of this date.", valueName: "YYYY-MM-DD"),
    transform: Day.argument)
  public var asOf: Day?

  /// Print nothing on success.
  @Flag(help: "Print nothing on success.")
  public var quiet = false

  public init() {}

  /// Rejects a templates folder that was named but does not exist.
  public func validate() throws {
    guard let templates else { return }
    var isDirectory: ObjCBool = false
    guard FileManager.default.fileExists(atPath: templates, isDirectory: &isDirectory), isDirectory.boolValue else {
      throw ValidationError("templates folder '\(templates)' does not exist or is not a folder")
    }
  }

  /// The templates folder to lay over the built-in templates, if any.
  var templatesURL: URL? {
    if let templates { return URL(fileURLWithPath: templates, isDirectory: true) }
    var isDirectory: ObjCBool = false
    let fallback = "site-templates"
    guard FileManager.default.fileExists(atPath: fallback, isDirectory: &isDirectory), isDirectory.boolValue else {
      return nil
    }
    return URL(fileURLWithPath: fallback, isDirectory: true)
  }

  public func run() throws {
    let code = Commands.build(self, console: .standard)
    if code != 0 { throw ExitCode(code) }
  }
}
