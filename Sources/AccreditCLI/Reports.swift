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
  @Option(help: "How many days ahead.") public var days = 30
  @OptionGroup public var date: DateOptions
  @Option(help: "markdown, text or json.") public var format: ReportFormat = .text

  public init() {}

  public func validate() throws {
    guard days > 0 else { throw ValidationError("--days must be at least 1") }
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
    let asOf = command.date.asOf ?? ContentFolder.settledDate(command.contentOptions.contentURL) ?? today
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
    let asOf = command.date.asOf ?? content.site.asOf ?? today
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
        throw Failure(message: "accredit: error: \(spec): \(error)\n", code: 1)
      }
    }
    return try fromGit(revision: spec, content: content, asOf: asOf)
  }

  private static func evaluate(folder: URL, label: String, asOf: Day) throws -> (StatusSnapshot, [String: String]) {
    let loaded: ContentLoader.Result
    do {
      loaded = try ContentFolder.loadWithoutErrors(folder, label: label)
    } catch {
      throw Failure(message: error.description, code: 1)
    }
    let evaluations = Evaluator(standards: loaded.content.standards)
      .evaluate(loaded.content.partners, cases: loaded.content.cases, asOf: asOf)
    let names = Dictionary(
      loaded.content.standards.accreditations.map { ($0.slug, $0.name) }, uniquingKeysWith: { first, _ in first })
    return (StatusSnapshot(evaluations: evaluations, asOf: asOf), names)
  }

  // `git archive` writes the revision's content folder into a temporary folder; the working tree and the
  // index are not touched.
  private static func fromGit(revision: String, content: String, asOf: Day) throws -> (StatusSnapshot, [String: String])
  {
    guard !revision.hasPrefix("-") else {
      throw Failure(message: "accredit: error: '\(revision)' is not a revision\n", code: 64)
    }
    let contentURL = URL(fileURLWithPath: content, isDirectory: true).standardizedFileURL
    let base = contentURL.deletingLastPathComponent()
    guard let top = run(["git", "-C", base.path, "rev-parse", "--show-toplevel"]).output else {
      throw Failure(
        message: "accredit: error: '\(revision)' is neither a status.json, a content folder nor a git revision "
          + "(no git repository here)\n", code: 64)
    }
    let topURL = URL(fileURLWithPath: top.trimmingCharacters(in: .whitespacesAndNewlines)).resolvingSymlinksInPath()
    let resolved = contentURL.resolvingSymlinksInPath().path
    guard resolved.hasPrefix(topURL.path + "/") else {
      throw Failure(message: "accredit: error: the content folder is not inside the git repository\n", code: 64)
    }
    let relative = String(resolved.dropFirst(topURL.path.count + 1))
    guard run(["git", "-C", topURL.path, "rev-parse", "--verify", "--quiet", revision + "^{commit}"]).output != nil
    else {
      throw Failure(
        message: "accredit: error: '\(revision)' is neither a status.json, a content folder nor a git revision\n",
        code: 64)
    }
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("accredit-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: folder) }
    let archive = folder.appendingPathComponent("content.tar")
    guard
      run(["git", "-C", topURL.path, "archive", "--format=tar", "-o", archive.path, revision, "--", relative]).output
        != nil, run(["tar", "-x", "-f", archive.path, "-C", folder.path]).output != nil
    else {
      throw Failure(message: "accredit: error: cannot read \(relative)/ at \(revision) from git\n", code: 1)
    }
    return try evaluate(folder: folder.appendingPathComponent(relative), label: "\(revision):\(relative)", asOf: asOf)
  }

  private static func run(_ arguments: [String]) -> (output: String?, status: Int32) {
    guard let outcome = try? Subprocess.run(arguments, errors: false) else { return (nil, -1) }
    return (outcome.status == 0 ? outcome.output : nil, outcome.status)
  }
}
