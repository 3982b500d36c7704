import AccreditEngine

/// A partner's history drawn as an inline SVG: one lane each for tier, grace, marks, decisions and
/// evaluations, then one row per accreditation with its status over time, on a shared date axis.
/// Coordinates are computed here; the template only prints them.
struct TimelineView: Sendable, Encodable {
  /// One accreditation's status from a day to the next segment's day (or the evaluation date), with the
  /// engine's reasons of that day: an input of the timeline, not a field of it.
  struct StatusSegment: Sendable {
    let from: Day
    let status: AccreditationStatus
    let reasons: [String]
  }

  /// One accreditation's status row: its segments, oldest first.
  struct StatusRow: Sendable {
    let name: String
    let segments: [StatusSegment]
  }

  struct Lane: Sendable, Encodable {
    let label: String
    let y: Int
    let textY: Int
  }

  struct Bar: Sendable, Encodable {
    let x: Int
    let y: Int
    let width: Int
    let height: Int
    let kind: String
    let title: String
    let label: String?
    /// The label's classes: a status row's label is drawn in the text colour, over a pale fill.
    let labelClass: String
    let labelX: Int
    let labelY: Int
  }

  struct Marker: Sendable, Encodable {
    let x: Int
    let y: Int
    let kind: String
    let title: String
  }

  struct Tick: Sendable, Encodable {
    let x: Int
    let label: String
  }

  struct Event: Sendable, Encodable {
    let date: DateView
    let text: String
  }

  let width: Int
  let height: Int
  /// Where the plot starts, right of the lane labels.
  let left: Int
  let axisY: Int
  let labelY: Int
  let lanes: [Lane]
  let bars: [Bar]
  let markers: [Marker]
  let ticks: [Tick]
  let todayX: Int
  let todayLabel: String
  let summary: String
  let events: [Event]
}

extension SiteContext {
  func timeline(for evaluation: PartnerEvaluation, partner: Partner, history: [TimelineView.StatusRow] = [])
    -> TimelineView
  {
    // A status row is labelled with its accreditation's name, numbered when two share one.
    let rowLabels = history.enumerated().map { index, row in
      history.count { $0.name == row.name } > 1 ? "\(row.name) (\(index + 1))" : row.name
    }
    let tierReviews = partner.tiers.filter { $0.reviewed <= asOf }.sorted { $0.reviewed < $1.reviewed }
    let grace = partner.grace.filter { $0.from <= asOf }
    let decisions = partner.decisions.filter { $0.date <= asOf }
    // The window: from the earliest event (at most two years back) to after the next evaluation.
    var starts = tierReviews.map(\.reviewed) + grace.map(\.from) + decisions.map(\.date)
    starts += evaluation.marks.map(\.date) + evaluation.accreditations.map(\.issued)
    let earliest = max(starts.min() ?? asOf.adding(months: -12), asOf.adding(months: -24))
    let latest = ([asOf.adding(months: 3)] + evaluation.accreditations.compactMap(\.nextEvaluation)).max() ?? asOf

    var drawing = TimelineDrawing(
      lanes: TimelineDrawing.fixedLanes + rowLabels, earliest: earliest, latest: latest, asOf: asOf)
    drawing.drawTiers(tierReviews, eligible: content.standards.eligibleTiers)
    drawing.drawGrace(grace)
    drawing.drawMarks(evaluation.marks)
    for decision in decisions {
      let what =
        decision.accreditation == Decision.allAccreditations ? "all" : accreditationName(decision.accreditation)
      drawing.drawDecision(decision, naming: what)
    }
    let interval = max(1, content.standards.evaluationIntervalMonths)
    for accreditation in evaluation.accreditations {
      drawing.drawEvaluations(of: accreditation, name: accreditationName(accreditation.type), interval: interval)
    }
    for (row, label) in zip(history, rowLabels) { drawing.drawStatusRow(row, lane: label) }
    return drawing.view(summarizing: partner.name)
  }
}

/// The timeline's drawing: its scale (the window of days across the plot, the lanes down it) and the
/// shapes and list entries drawn so far.
private struct TimelineDrawing {
  static let fixedLanes = ["Tier", "Grace", "Marks", "Decisions", "Evaluations"]
  static let width = 760
  static let right = 16
  static let laneHeight = 30
  static let top = 8

  let laneNames: [String]
  let laneY: [String: Int]
  /// Where the plot starts, right of the lane labels.
  let left: Int
  /// The first day of the window's first month, and the first day of the month after its last.
  let start: Day
  let end: Day
  let span: Int
  let asOf: Day
  var bars: [TimelineView.Bar] = []
  var markers: [TimelineView.Marker] = []
  var events: [(Day, String)] = []

  init(lanes: [String], earliest: Day, latest: Day, asOf: Day) {
    laneNames = lanes
    // Room for the longest label at about 7 px a character of 13 px text.
    left = min(240, max(110, (lanes.map(\.count).max() ?? 0) * 7 + 14))
    laneY = Dictionary(
      lanes.enumerated().map { ($1, Self.top + $0 * Self.laneHeight) }, uniquingKeysWith: { a, _ in a })
    start = Day(year: earliest.year, month: earliest.month, day: 1) ?? earliest
    let endMonth = latest.adding(months: 1)
    end = Day(year: endMonth.year, month: endMonth.month, day: 1) ?? latest
    span = max(1, start.days(until: end))
    self.asOf = asOf
  }

  func x(_ day: Day) -> Int {
    let clamped = min(max(day, start), end)
    let plot = Self.width - left - Self.right
    return left + (start.days(until: clamped) * plot + span / 2) / span
  }

  mutating func drawTiers(_ tierReviews: [TierReview], eligible: [String]) {
    for (index, review) in tierReviews.enumerated() {
      let until = index + 1 < tierReviews.count ? tierReviews[index + 1].reviewed : end
      let y = laneY["Tier", default: 0] + 6
      let barWidth = max(2, x(until) - x(review.reviewed))
      bars.append(
        .init(
          x: x(review.reviewed), y: y, width: barWidth, height: 18,
          kind: eligible.contains(review.tier) ? "tier-eligible" : "tier-below",
          title: "\(review.tier.capitalized) from \(review.reviewed.display)",
          label: barWidth >= 56 ? review.tier.capitalized : nil, labelClass: "bar-label",
          labelX: x(review.reviewed) + 4,
          labelY: y + 13))
      events.append((review.reviewed, "Tier review: \(review.tier)"))
    }
  }

  mutating func drawGrace(_ grace: [GracePeriod]) {
    for period in grace {
      let y = laneY["Grace", default: 0] + 6
      bars.append(
        .init(
          x: x(period.from), y: y, width: max(2, x(period.until) - x(period.from)), height: 18, kind: "grace",
          title: "Grace \(period.from.display) – \(period.until.display)", label: nil, labelClass: "bar-label",
          labelX: 0, labelY: 0))
      events.append((period.from, "Grace period starts (until \(period.until.display))"))
      if period.until <= asOf { events.append((period.until, "Grace period ends")) }
    }
  }

  mutating func drawMarks(_ marks: [Mark]) {
    for mark in marks {
      markers.append(
        .init(
          x: x(mark.date), y: laneY["Marks", default: 0] + 15, kind: "mark",
          title: "Mark \(mark.date.display) (case \(mark.caseID))"))
      events.append((mark.date, "Mark placed (case \(mark.caseID))"))
    }
  }

  mutating func drawDecision(_ decision: Decision, naming what: String) {
    markers.append(
      .init(
        x: x(decision.date), y: laneY["Decisions", default: 0] + 15, kind: "decision-\(decision.outcome.rawValue)",
        title: "\(decision.outcome.rawValue.capitalized) (\(what)) \(decision.date.display)"))
    events.append((decision.date, "Review board: \(decision.outcome.rawValue) \(what)"))
  }

  /// The accreditation's issue, the evaluations so far and the next one.
  mutating func drawEvaluations(of accreditation: AccreditationEvaluation, name: String, interval: Int) {
    let y = laneY["Evaluations", default: 0] + 15
    markers.append(
      .init(x: x(accreditation.issued), y: y, kind: "issued", title: "\(name) issued \(accreditation.issued.display)"))
    events.append((accreditation.issued, "\(name) issued"))
    // The evaluations so far: before the next one, or, for a revoked accreditation (never evaluated
    // again), those before its revocation.
    let evaluatedBefore = accreditation.nextEvaluation ?? accreditation.revokedOn ?? asOf
    var k = 1
    while true {
      let due = accreditation.issued.adding(months: k * interval)
      guard due < evaluatedBefore else { break }
      if due >= start {
        markers.append(.init(x: x(due), y: y, kind: "evaluation", title: "\(name) evaluated \(due.display)"))
      }
      k += 1
    }
    if let next = accreditation.nextEvaluation {
      markers.append(
        .init(x: x(next), y: y, kind: "evaluation-next", title: "\(name) next evaluation \(next.display)"))
      events.append((next, "\(name): next evaluation"))
    }
  }

  /// An accreditation's status, from each change to the next or to the evaluation date: where the row
  /// changes colour and word, the tooltip and the list say why.
  mutating func drawStatusRow(_ row: TimelineView.StatusRow, lane: String) {
    let y = laneY[lane, default: 0] + 6
    for (index, segment) in row.segments.enumerated() {
      let until = index + 1 < row.segments.count ? row.segments[index + 1].from : asOf
      let status = StatusView(segment.status)
      let why = segment.reasons.isEmpty ? "" : ": " + segment.reasons.joined(separator: "; ")
      let barWidth = max(2, x(until) - x(segment.from))
      bars.append(
        .init(
          x: x(segment.from), y: y, width: barWidth, height: 18, kind: "status-row status-row-\(status.key)",
          title: "\(row.name): \(status.label) from \(segment.from.display)\(why)",
          label: barWidth >= status.label.count * 7 + 8 ? status.label : nil,
          labelClass: "bar-label status-row-label",
          labelX: x(segment.from) + 4, labelY: y + 13))
      if index > 0 { events.append((segment.from, "\(row.name): \(status.label)\(why)")) }
    }
  }

  /// A tick at each January and July in the window.
  var ticks: [TimelineView.Tick] {
    var ticks: [TimelineView.Tick] = []
    var month = start
    while month <= end {
      if month.month == 1 || month.month == 7 {
        ticks.append(
          .init(x: x(month), label: "\(month.display.split(separator: " ").dropFirst().joined(separator: " "))"))
      }
      month = month.adding(months: 1)
    }
    return ticks
  }

  func view(summarizing partnerName: String) -> TimelineView {
    let lanesBottom = Self.top + laneNames.count * Self.laneHeight
    let sortedEvents = events.sorted { $0.0 < $1.0 || ($0.0 == $1.0 && $0.1 < $1.1) }
    return TimelineView(
      width: Self.width, height: lanesBottom + 34, left: left, axisY: lanesBottom + 4, labelY: lanesBottom + 22,
      lanes: laneNames.map { .init(label: $0, y: laneY[$0, default: 0], textY: laneY[$0, default: 0] + 19) },
      bars: bars, markers: markers, ticks: ticks, todayX: x(asOf), todayLabel: asOf.display,
      summary:
        "Timeline of \(partnerName) from \(start.display) to \(end.display): \(plural(sortedEvents.count, "event")).",
      events: sortedEvents.map { TimelineView.Event(date: DateView($0.0), text: $0.1) })
  }
}
