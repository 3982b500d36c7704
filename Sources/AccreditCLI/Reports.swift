import AccreditContent
public import AccreditEngine
import AccreditReports
import AccreditSupport
import AccreditSite
public import ArgumentParser
import Foundation

extension ReportFormat: ExpressibleByArgument {}

/// `accredit changes`: how statuses changed between two evaluations.
public struct Changes: ParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Report how partners' statuses changed between two evaluations.",
    discussion: """
      --from and --to each take a built status.json, a content folder, or a git revision of this \
      repository (whose content folder is read from git without touching the working tree). Both sides \
      are evaluated as of the same date. Exit status: 0 whether or not anything changed; 2 when \
      --fail-on names a status that a change lands in; 1 when a side has content errors; 64 bad usage.
      """)

  @Option(help: "The earlier side: a status.json, a content folder or a git revision.") public var from: String
  @Option(help: "The later side (default: the content folder).") public var to: String?
  @OptionGroup public var contentOptions: ContentOptions
  @OptionGroup public var date: DateOptions
  @Option(help: "markdown, text or json.") public var format: ReportFormat = .text
  @Option(
    name: .customLong("fail-on"),
    help: ArgumentHelp(
      "Exit 2 when a change lands in one of these statuses.",
      valueName: "status,status"), transform: Changes.statuses)
  public var failOn: [AccreditationStatus] = []

  public init() {}

  static func statuses(_ text: String) throws -> [AccreditationStatus] {
    try text.split(separator: ",").map { item in
      guard let status = AccreditationStatus(rawValue: item.trimmingCharacters(in: .whitespaces)) else {
        let names = AccreditationStatus.allCases.map(\.rawValue).joined(separator: ", ")
        throw ValidationError("'\(item)' is not a status; statuses are \(names)")
      }
      return status
    }
  }

  public func run() throws {
    let code = Commands.changes(self, console: .standard)
    if code != 0 { throw ExitCode(code) }
  }
}

/// `accredit upcoming`: what the calendar will bring without any new commit.
public struct Upcoming: ParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "List evaluations, tier reviews, grace ends and certification expiries coming up, with the "
      + "status each partner will have then if nothing changes.")

  @OptionGroup public var contentOptions: ContentOptions
  @Option(help: "How many days ahead, from 1 to \(Upcoming.maximumDays) (ten years).") public var days = 30
  @OptionGroup public var date: DateOptions
  @Option(help: "markdown, text or json.") public var format: ReportFormat = .text

  /// The longest window: ten years and their leap days. Enough for any plan, and it keeps the report's
  /// size and time small whatever is asked.
  public static let maximumDays = 3_660

  public init() {}

  public func validate() throws {
    guard (1...Self.maximumDays).contains(days) else {
      throw ValidationError("--days must be from 1 to \(Self.maximumDays) (ten years), not \(days)")
    }
    if let asOf = date.asOf, let problem = Self.horizonProblem(asOf: asOf, days: days) {
      throw ValidationError(problem)
    }
  }

  /// Why the window from `asOf` cannot be reported: it runs past the last date that can be written.
  static func horizonProblem(asOf: Day, days: Int) -> String? {
    guard asOf.days(until: .latest) < days else { return nil }
    return "\(days) days after \(asOf.iso) is past \(Day.latest.iso), the last date accredit can write; "
      + "give an earlier --as-of or fewer --days"
  }

  public func run() throws {
    let code = Commands.upcoming(self, console: .standard)
    if code != 0 { throw ExitCode(code) }
  }
}

extension Commands {
  /// Runs `changes`; returns the exit status.
  public static func changes(_ command: Changes, console: Console, today: Day = .todayUTC()) -> Int32 {
    let content = command.contentOptions.content
    // The date the published site uses: as_of in the content's site.yaml wins over today, as for `build`.
    let asOf = EvaluationDate(
      argument: command.date.asOf, site: ContentFolder.settledDate(command.contentOptions.contentURL), today: today
    ).day
    do {
      let (before, beforeNames) = try Side.snapshot(command.from, content: content, asOf: asOf, console: console)
      let (after, afterNames) = try Side.snapshot(command.to ?? content, content: content, asOf: asOf, console: console)
      let names = afterNames.merging(beforeNames) { new, _ in new }
      let changes = StatusChanges.between(before, after) { names[$0] ?? $0 }
      console.out(command.format.render(changes, from: command.from, to: command.to ?? content, asOf: asOf.display))
      let failing = Set(command.failOn.map(\.rawValue))
      return changes.contains { $0.to.map(failing.contains) ?? false } ? 2 : 0
    } catch let failure as Side.Failure {
      console.err(failure.message)
      return failure.code
    } catch {
      console.err("accredit: error: \(error)\n")
      return 1
    }
  }

  /// Runs `upcoming`; returns the exit status.
  public static func upcoming(_ command: Upcoming, console: Console, today: Day = .todayUTC()) -> Int32 {
    let loaded: ContentLoader.Result
    do {
      loaded = try ContentFolder.loadWithoutErrors(
        command.contentOptions.contentURL, label: command.contentOptions.content)
    } catch {
      console.err(error.description)
      return 1
    }
    let content = loaded.content
    let asOf = EvaluationDate(argument: command.date.asOf, site: content.site.asOf, today: today).day
    // An `as_of` in site.yaml is checked here; one given on the command line was checked with the options.
    if let problem = Upcoming.horizonProblem(asOf: asOf, days: command.days) {
      console.err("accredit: error: \(problem)\n")
      return 64
    }
    let events = UpcomingEvents.within(
      days: command.days, after: asOf, partners: content.partners, cases: content.cases,
      standards: content.standards)
    console.out(command.format.render(events, days: command.days, asOf: asOf))
    return 0
  }
}

/// One side of `changes`: a status.json, a content folder, or a git revision.
enum Side {
  struct Failure: Error {
    var message: String
    var code: Int32
  }

  /// The snapshot of `spec`, and the accreditation names its standards give.
  static func snapshot(_ spec: String, content: String, asOf: Day, console: Console) throws
    -> (StatusSnapshot, [String: String])
  {
    var isDirectory: ObjCBool = false
    if FileManager.default.fileExists(atPath: spec, isDirectory: &isDirectory) {
      if isDirectory.boolValue { return try evaluate(folder: URL(fileURLWithPath: spec), label: spec, asOf: asOf) }
      do {
        return (try StatusSnapshot(statusJSON: Data(contentsOf: URL(fileURLWithPath: spec))), [:])
      } catch {
        throw Failure(message: "accredit: error: \(shown(spec)): \(shown("\(error)"))\n", code: 1)
      }
    }
    return try fromGit(revision: spec, content: content, asOf: asOf)
  }

  private static func evaluate(folder: URL, label: String, asOf: Day, listing: FolderJail.Listing? = nil) throws
    -> (StatusSnapshot, [String: String])
  {
    let loaded: ContentLoader.Result
    do {
      loaded = try ContentFolder.loadWithoutErrors(folder, label: label, listing: listing)
    } catch {
      throw Failure(message: error.description, code: 1)
    }
    let evaluations = Evaluator(standards: loaded.content.standards)
      .evaluate(loaded.content.partners, cases: loaded.content.cases, asOf: asOf)
    let names = Dictionary(
      loaded.content.standards.accreditations.map { ($0.slug, $0.name) }, uniquingKeysWith: { first, _ in first })
    return (StatusSnapshot(evaluations: evaluations, asOf: asOf), names)
  }

  // The revision's content folder is written into a temporary folder from git's objects (`GitContent`);
  // the working tree and the index are not touched.
  private static func fromGit(revision: String, content: String, asOf: Day) throws -> (StatusSnapshot, [String: String])
  {
    guard !revision.hasPrefix("-") else {
      throw Failure(message: "accredit: error: '\(shown(revision))' is not a revision\n", code: 64)
    }
    let contentURL = URL(fileURLWithPath: content, isDirectory: true).standardizedFileURL
    let base = contentURL.deletingLastPathComponent()
    guard let top = run(["git", "-C", base.path, "rev-parse", "--show-toplevel"]).output else {
      throw Failure(
        message: "accredit: error: '\(shown(revision))' is neither a status.json, a content folder nor a git "
          + "revision (no git repository here)\n", code: 64)
    }
    let topURL = URL(fileURLWithPath: top.trimmingCharacters(in: .whitespacesAndNewlines)).resolvingSymlinksInPath()
    let resolved = contentURL.resolvingSymlinksInPath().path
    guard resolved.hasPrefix(topURL.path + "/") else {
      throw Failure(message: "accredit: error: the content folder is not inside the git repository\n", code: 64)
    }
    let relative = String(resolved.dropFirst(topURL.path.count + 1))
    guard
      let commit = run(["git", "-C", topURL.path, "rev-parse", "--verify", "--quiet", revision + "^{commit}"]).output?
        .trimmingCharacters(in: .whitespacesAndNewlines)
    else {
      throw Failure(
        message: "accredit: error: '\(shown(revision))' is neither a status.json, a content folder nor a git "
          + "revision\n", code: 64)
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accredit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let root = folder.appendingPathComponent("content")
    try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
    var listing: FolderJail.Listing
    do {
      let problems = try GitContent.unpack("\(commit):\(relative)", repository: topURL, into: root)
      listing = try FolderJail.list(root, only: ContentFolder.topLevel, what: "content folder")
      listing.problems += problems
    } catch {
      throw Failure(
        message: "accredit: error: cannot read \(relative)/ at \(shown(revision)) from git (\(error))\n", code: 1)
    }
    return try evaluate(folder: root, label: "\(shown(revision)):\(relative)", asOf: asOf, listing: listing)
  }

  /// A side as named on the command line, safe to print.
  private static func shown(_ spec: String) -> String {
    DiagnosticFormatter.printable(Substring(spec), limit: 200)
  }

  private static func run(_ arguments: [String]) -> (output: String?, status: Int32) {
    guard let outcome = try? Subprocess.run(arguments, errors: false) else { return (nil, -1) }
    return (outcome.status == 0 ? outcome.output : nil, outcome.status)
  }
}
