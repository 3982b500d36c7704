import AccreditContent
public import ArgumentParser
import AccreditSite
import Foundation

/// `accredit build`: validate, evaluate and write the site.
public struct Build: ParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Check the content, evaluate it and write the site.",
    discussion: """
      On any content error nothing is written and the output folder stays exactly as it was.
      The evaluation date is --as-of, else 'as_of' in site.yaml, else today (UTC). The search index is made
      with --search, or with 'search: true' in site.yaml unless --no-search is given.
      One build at a time writes an output folder: a second one waits for the first (or, with --no-wait,
      fails). A build that is killed leaves the previous site or the new one, never a mix; the next build
      tidies up after it and says what it finished.
      """)

  @OptionGroup public var contentOptions: ContentOptions

  @OptionGroup public var templateOptions: TemplateOptions

  /// The output folder.
  @Option(
    help: ArgumentHelp(
      "The output folder. A build rewrites the files that changed and removes the pages it no longer makes; "
        + "files it did not make are never removed. The content or templates folder, a git repository, a home "
        + "folder or / is refused (exit 64).", valueName: "folder"))
  public var output: String = "public"

  @OptionGroup public var date: DateOptions
  @OptionGroup public var cacheOptions: CacheOptions

  /// Index the site for search with Pagefind: `--search`, `--no-search`, or nil for `search:` in site.yaml.
  @Flag(
    inversion: .prefixedNo,
    help: ArgumentHelp(
      "Index the site with Pagefind and show a search box on every page (exit 69 when Pagefind is missing). "
        + "Default: 'search' in site.yaml, else no index."))
  public var search: Bool?

  /// Rebuild every file.
  @Flag(
    help: ArgumentHelp(
      "Render every file again, ignoring what the previous build recorded (files accredit did not make "
        + "are still kept)."))
  public var clean = false

  /// Fail at once when another build holds the output folder.
  @Flag(name: .customLong("no-wait"), help: "Fail at once (exit 75) if another build is writing the output folder.")
  public var noWait = false

  /// Print each stage's time.
  @Flag(help: "Print the time of each stage of the build (load, evaluate, plan, render and write, record).")
  public var timings = false

  /// Print nothing on success.
  @Flag(help: "Print nothing on success.")
  public var quiet = false

  public init() {}

  public func run() throws {
    let code = Commands.build(self, console: .standard)
    if code != 0 { throw ExitCode(code) }
  }
}
