import AccreditContent
import AccreditEngine
import AccreditSite
public import ArgumentParser
import Foundation

/// `accredit new`: writes a valid skeleton of a partner record or a case file, like `hugo new`.
public struct New: ParsableCommand {
  public static let configuration = CommandConfiguration(
    abstract: "Write a valid skeleton of a partner record or a case file to start from.",
    discussion: """
      Never overwrites a file: an existing one is an error (exit 1), and so is a slug, case id or case \
      folder that differs only in case from one there; a bad slug or case id is bad usage (exit 64). The \
      skeleton is filled from standards.yaml (a tier, the review date) and passes accredit check as \
      written; a case's customer is a placeholder that check warns about until it is replaced.
      """,
    subcommands: [NewPartner.self, NewCase.self])

  public init() {}
}

/// `accredit new partner <slug>`.
public struct NewPartner: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "partner", abstract: "Write partners/<slug>.yaml.")

  @OptionGroup public var contentOptions: ContentOptions
  @OptionGroup public var date: DateOptions

  /// The partner's slug: the file name and the URL segment.
  @Argument(help: "The partner's slug, e.g. bluefin-consulting.")
  public var slug: String

  public init() {}

  /// A slug that cannot be a file name and a URL segment is bad usage (exit 64), checked before any file.
  public func validate() throws {
    if let problem = ContentFolder.nameProblem(slug, what: "partner slug") { throw ValidationError(problem) }
  }

  public func run() throws {
    let code = Commands.newPartner(self, console: .standard)
    if code != 0 { throw ExitCode(code) }
  }
}

/// `accredit new case <partner> <id>`.
public struct NewCase: ParsableCommand {
  public static let configuration = CommandConfiguration(
    commandName: "case", abstract: "Write cases/<partner>/<id>.md, opened with its complaint step.")

  @OptionGroup public var contentOptions: ContentOptions
  @OptionGroup public var date: DateOptions

  /// The partner's slug: the case's folder.
  @Argument(help: "The partner's slug (partners/<slug>.yaml must exist).")
  public var partner: String

  /// The case id: the file name.
  @Argument(help: "The case id, e.g. BC-2026-001.")
  public var id: String

  public init() {}

  /// An id that cannot be a file name and a URL segment is bad usage (exit 64), checked before any file.
  public func validate() throws {
    if let problem = ContentFolder.nameProblem(id, what: "case id") { throw ValidationError(problem) }
  }

  public func run() throws {
    let code = Commands.newCase(self, console: .standard)
    if code != 0 { throw ExitCode(code) }
  }
}

extension Commands {
  /// Runs `new partner`; returns the exit status.
  public static func newPartner(_ command: NewPartner, console: Console, today: Day = .todayUTC()) -> Int32 {
    if let problem = ContentFolder.nameProblem(command.slug, what: "partner slug") {
      console.err("accredit: error: \(problem)\n")
      return ExitCode.validationFailure.rawValue
    }
    let content = command.contentOptions
    let partners = Skeleton.partnerFiles(content).map { (name: $0.slug, path: "partners/\($0.file)") }
    if let problem = ContentFolder.caseClash("partner slug", command.slug, existing: partners) {
      console.err("accredit: error: \(problem)\n")
      return 1
    }
    guard let standards = Skeleton.standards(content, console: console) else { return 1 }
    let asOf = EvaluationDate(
      argument: command.date.asOf, site: ContentFolder.settledDate(content.contentURL), today: today
    ).day
    // The editor's schema header, when the content folder sits beside the repository's schemas/.
    let schema = content.contentURL.deletingLastPathComponent().appendingPathComponent("schemas/partner.schema.json")
    let text = Skeleton.partner(
      slug: command.slug, standards: standards, asOf: asOf,
      schema: FileManager.default.fileExists(atPath: schema.path) ? "../../schemas/partner.schema.json" : nil)
    return Skeleton.write(text, to: "partners/\(command.slug).yaml", in: content, console: console)
  }

  /// Runs `new case`; returns the exit status.
  public static func newCase(_ command: NewCase, console: Console, today: Day = .todayUTC()) -> Int32 {
    if let problem = ContentFolder.nameProblem(command.id, what: "case id") {
      console.err("accredit: error: \(problem)\n")
      return ExitCode.validationFailure.rawValue
    }
    let content = command.contentOptions
    let partners = Skeleton.partnerFiles(content).map(\.slug)
    guard partners.contains(command.partner) else {
      let hint = Suggestion.hint(for: command.partner, in: partners)
      console.err(
        "accredit: error: no partner record partners/\(command.partner).yaml\(hint); "
          + "write one first with accredit new partner \(command.partner)\n")
      return 1
    }
    // The case folder and the case id, against the folders and ids already there.
    let cases = content.contentURL.appendingPathComponent("cases")
    let folders = Skeleton.names(in: cases).map { (name: $0, path: "cases/\($0)/") }
    let ids = Skeleton.names(in: cases.appendingPathComponent(command.partner)).filter { $0.hasSuffix(".md") }
      .map { (name: String($0.dropLast(3)), path: "cases/\(command.partner)/\($0)") }
    if let problem = ContentFolder.caseClash("case folder", command.partner, existing: folders)
      ?? ContentFolder.caseClash("case id", command.id, existing: ids)
    {
      console.err("accredit: error: \(problem)\n")
      return 1
    }
    let asOf = EvaluationDate(
      argument: command.date.asOf, site: ContentFolder.settledDate(content.contentURL), today: today
    ).day
    let text = Skeleton.escalation(opened: asOf)
    return Skeleton.write(text, to: "cases/\(command.partner)/\(command.id).md", in: content, console: console)
  }
}

/// The skeletons `accredit new` writes, and writing them without overwriting.
enum Skeleton {
  static func partner(slug: String, standards: Standards, asOf: Day, schema: String?) -> String {
    let name = slug.split(whereSeparator: { $0 == "-" || $0 == "_" }).map { $0.prefix(1).uppercased() + $0.dropFirst() }
      .joined(separator: " ")
    let tier = standards.eligibleTiers.first ?? standards.tiers.last ?? "tier"
    let certification = standards.universalCertifications.first ?? standards.certifications.first?.slug ?? "slug"
    let accreditation = standards.accreditations.first?.slug ?? "type"
    let header = schema.map { "# yaml-language-server: $schema=\($0)\n" } ?? ""
    return header + """
      # \(name): what accredit knows about this partner (docs/content-format.md lists every key).
      name: \(name)
      # region: EMEA
      # website: https://\(slug).example
      # pdm: The partner development manager's name
      tiers:
        # One entry per tier review; the latest one on or before a date is the partner's tier then.
        - { reviewed: \(lastReview(on: asOf, months: standards.tierReviewMonths).iso), tier: \(tier) }
      certifications:
        # - { name: \(certification), earned: \(asOf.iso) }
      accreditations:
        # - { type: \(accreditation), issued: \(asOf.iso) }

      """
  }

  static func escalation(opened: Day) -> String {
    """
    ---
    customer: "\(Placeholder.text("the customer's name"))"
    # accreditation: the accreditation type the complaint concerns (a slug from standards.yaml)
    # serious: true   # a serious case may go from complaint straight to review-board
    steps:
      - { stage: complaint, date: \(opened.iso) }
      # - { stage: mediation, date: YYYY-MM-DD }
    # outcome: { decision: resolved, date: YYYY-MM-DD }
    ---
    <!-- Below this line: what the customer reported, and what has happened since, in your own words.
    Markdown; raw HTML, like this comment, is not rendered. -->

    """
  }

  /// The latest day on or before `day` in a tier review month: `day` itself in such a month, else the last
  /// day of the latest review month before it.
  static func lastReview(on day: Day, months: [Int]) -> Day {
    guard !months.contains(day.month), var month = Day(year: day.year, month: day.month, day: 1) else { return day }
    // At most a year back: months outside 1-12 (which check reports) match nothing.
    for _ in 0..<12 {
      month = month.adding(months: -1)
      if months.contains(month.month) { return month.adding(months: 1).adding(days: -1) }
    }
    return day
  }

  static func standards(_ content: ContentOptions, console: Console) -> Standards? {
    guard let loaded = try? ContentFolder.load(content.contentURL) else {
      console.err("accredit: error: cannot read the content folder '\(content.content)'\n")
      return nil
    }
    guard !loaded.content.standards.tiers.isEmpty else {
      console.err("accredit: error: \(content.content)/standards.yaml lists no tiers; run accredit check\n")
      return nil
    }
    return loaded.content.standards
  }

  /// The partner records' slugs and file names (`.yaml` and `.yml`), by slug.
  static func partnerFiles(_ content: ContentOptions) -> [(slug: String, file: String)] {
    names(in: content.contentURL.appendingPathComponent("partners")).compactMap { file in
      for suffix in [".yaml", ".yml"] where file.hasSuffix(suffix) {
        return (String(file.dropLast(suffix.count)), file)
      }
      return nil
    }.sorted { $0.slug < $1.slug }
  }

  /// The names in `folder` but hidden ones; none when it cannot be read.
  static func names(in folder: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder.path)) ?? []).filter { !$0.hasPrefix(".") }
  }

  /// Writes `text` at `path` below the content folder, creating its folder; refuses an existing file.
  static func write(_ text: String, to path: String, in content: ContentOptions, console: Console) -> Int32 {
    let url = content.contentURL.appendingPathComponent(path)
    let shown = "\(content.content)/\(path)"
    do {
      try FileManager.default.createDirectory(
        at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
      // O_EXCL: an existing file, or one created meanwhile, is never replaced.
      try Data(text.utf8).write(to: url, options: .withoutOverwriting)
    } catch {
      let exists = FileManager.default.fileExists(atPath: url.path)
      console.err(
        exists
          ? "accredit: error: \(shown) already exists; accredit new never overwrites a file\n"
          : "accredit: error: cannot write \(shown): \(error.localizedDescription)\n")
      return exists ? 1 : ExitStatus.cannotWrite
    }
    console.out("Wrote \(shown): fill it in, then run accredit check.\n")
    return 0
  }
}
