/// An escalation case (`content/cases/<partner-slug>/<case-id>.md`).
public struct EscalationCase: Sendable, Equatable {
  /// The stages of the escalation path, in order.
  public enum Stage: String, Sendable, CaseIterable, Comparable {
    /// A customer raised a complaint.
    case complaint
    /// The service team mediates between customer and partner.
    case mediation
    /// Partner operations investigates.
    case partnerOps = "partner-ops"
    /// The mark on record review board decides.
    case reviewBoard = "review-board"

    /// The position on the path, 0 for `complaint`.
    public var rank: Int { Stage.allCases.firstIndex(of: self) ?? 0 }

    /// The stage in words, for messages: "partner ops", never the slug `partner-ops`.
    public var words: String {
      switch self {
      case .complaint: "complaint"
      case .mediation: "mediation"
      case .partnerOps: "partner ops"
      case .reviewBoard: "review board"
      }
    }

    public static func < (lhs: Stage, rhs: Stage) -> Bool { lhs.rank < rhs.rank }
  }

  /// How a case ended.
  public enum Decision: String, Sendable, CaseIterable {
    /// Settled before partner operations took it up.
    case resolved
    /// Partner operations or the board found the partner not at fault.
    case noFault = "no-fault"
    /// The review board placed a mark on the partner's record.
    case mark
  }

  /// One step of the escalation path.
  public struct Step: Sendable, Equatable {
    /// The stage reached.
    public var stage: Stage
    /// When it was reached.
    public var date: Day
    /// The entry's position.
    public var location: SourceLocation

    /// Creates a step.
    public init(stage: Stage, date: Day, location: SourceLocation) {
      self.stage = stage
      self.date = date
      self.location = location
    }
  }

  /// The case's outcome.
  public struct Outcome: Sendable, Equatable {
    /// What was decided.
    public var decision: Decision
    /// When.
    public var date: Day
    /// The entry's position.
    public var location: SourceLocation

    /// Creates an outcome.
    public init(decision: Decision, date: Day, location: SourceLocation) {
      self.decision = decision
      self.date = date
      self.location = location
    }
  }

  /// The file name without `.md`.
  public var id: String {
    get { storage.value.id }
    set { storage.value.id = newValue }
  }
  /// The folder name: the partner's slug.
  public var partnerSlug: String {
    get { storage.value.partnerSlug }
    set { storage.value.partnerSlug = newValue }
  }
  /// The customer who complained.
  public var customer: String {
    get { storage.value.customer }
    set { storage.value.customer = newValue }
  }
  /// The accreditation whose work the complaint concerns.
  public var accreditation: Located<String>? {
    get { storage.value.accreditation }
    set { storage.value.accreditation = newValue }
  }
  /// A very serious infringement, which may go straight to the review board.
  public var isSerious: Bool {
    get { storage.value.isSerious }
    set { storage.value.isSerious = newValue }
  }
  /// Where `serious:` was written, if it was.
  public var seriousLocation: SourceLocation? {
    get { storage.value.seriousLocation }
    set { storage.value.seriousLocation = newValue }
  }
  /// The escalation path so far.
  public var steps: [Step] {
    get { storage.value.steps }
    set { storage.value.steps = newValue }
  }
  /// The outcome, absent while the case is open.
  public var outcome: Outcome? {
    get { storage.value.outcome }
    set { storage.value.outcome = newValue }
  }
  /// The Markdown notes, decoded when read when they were kept as bytes (`noteText`).
  public var notes: String {
    get { noteText.text }
    set { noteText = NoteText(newValue) }
  }
  /// The Markdown notes as kept: a string, or the parse cache's bytes.
  public var noteText: NoteText {
    get { storage.value.noteText }
    set { storage.value.noteText = newValue }
  }
  /// The case file.
  public var location: SourceLocation {
    get { storage.value.location }
    set { storage.value.location = newValue }
  }

  /// The fields, in one box shared by the copies until one changes (`CopyOnWrite`); two cases are equal by
  /// their fields, whatever box holds them.
  private var storage: CopyOnWrite<Fields>

  private struct Fields: Sendable, Equatable {
    var id: String
    var partnerSlug: String
    var customer: String
    var accreditation: Located<String>?
    var isSerious: Bool
    var seriousLocation: SourceLocation?
    var steps: [Step]
    var outcome: Outcome?
    var noteText: NoteText
    var location: SourceLocation
  }

  /// Creates a case.
  public init(
    id: String, partnerSlug: String, customer: String, accreditation: Located<String>? = nil,
    isSerious: Bool = false, seriousLocation: SourceLocation? = nil, steps: [Step],
    outcome: Outcome? = nil, notes: String = "", location: SourceLocation
  ) {
    self.init(
      id: id, partnerSlug: partnerSlug, customer: customer, accreditation: accreditation, isSerious: isSerious,
      seriousLocation: seriousLocation, steps: steps, outcome: outcome, noteText: NoteText(notes), location: location)
  }

  /// Creates a case whose notes are kept as they were read (`NoteText`).
  public init(
    id: String, partnerSlug: String, customer: String, accreditation: Located<String>?, isSerious: Bool,
    seriousLocation: SourceLocation?, steps: [Step], outcome: Outcome?, noteText: NoteText, location: SourceLocation
  ) {
    storage = CopyOnWrite(
      Fields(
        id: id, partnerSlug: partnerSlug, customer: customer, accreditation: accreditation, isSerious: isSerious,
        seriousLocation: seriousLocation, steps: steps, outcome: outcome, noteText: noteText, location: location))
  }
}

extension [EscalationCase] {
  /// The runs of consecutive cases of one partner, in order, by slug and range. Sorted by partner, as
  /// `Content` keeps them, each partner's cases are one run; a pass over the runs reads each partner's slug
  /// once rather than each case's against a table.
  public func partnerRuns() -> [(slug: String, cases: Range<Int>)] {
    var runs: [(slug: String, cases: Range<Int>)] = []
    var start = startIndex
    while start < endIndex {
      let slug = self[start].partnerSlug
      var end = start + 1
      while end < endIndex, self[end].partnerSlug == slug { end += 1 }
      runs.append((slug, start..<end))
      start = end
    }
    return runs
  }
}
