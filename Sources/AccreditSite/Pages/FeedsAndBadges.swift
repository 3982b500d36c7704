import AccreditContent
import AccreditEngine

/// `feed.xml`, `partners/<slug>/feed.xml` and `pdms/<pdm>/feed.xml`: Atom feeds of status events: the
/// record's events (marks, decisions, grace periods, certification expiries) and the accreditations' status
/// changes; a PDM's feed also has the steps and outcomes of their partners' cases.
struct FeedModel: Sendable, Encodable {
  struct Entry: Sendable, Encodable, Equatable {
    let id: String
    let title: String
    let updated: String
    let link: String
    let summary: String
  }

  let title: String
  let id: String
  let siteURL: String
  let feedURL: String
  let updated: String
  let entries: [Entry]
}

/// `sitemap.xml`.
struct SitemapModel: Sendable, Encodable {
  struct URLEntry: Sendable, Encodable {
    let loc: String
  }

  let urls: [URLEntry]
}

/// `partners/<slug>/badge.svg`: the partner's status to embed elsewhere.
struct BadgeModel: Sendable, Encodable {
  let partnerName: String
  let label: String
  let value: String
  let key: String
  /// The value side's background; white text on it keeps at least 4.5:1 contrast.
  let color: String
  let width: Int
  let labelWidth: Int
  let valueWidth: Int
  let labelX: Int
  let valueX: Int
}

/// `404.html`.
struct NotFoundPage: Sendable, Encodable {}

private let badgeColors = [
  "accredited": "#1a7f37", "at-risk": "#8a5a00", "under-review": "#7a45d1", "ineligible": "#57606a",
  "revoked": "#c11d2b", "none": "#57606a",
]

/// The most recent events the feed keeps.
let feedLimit = 100

/// An entry of a feed with what places it there: the newest day first, then `order` (the kind of event:
/// a mark 0, a decision 1, a grace period's start 2 and end 3, a certification's expiry 4, a status change
/// 5, a case's step 6 and outcome 7), then the partner's slug, then the entry's id.
struct FeedEvent: Sendable, Equatable {
  let day: Day
  let order: Int
  let partner: String
  let entry: FeedModel.Entry

  /// Whether `self` comes before `other` in a feed.
  func precedes(_ other: FeedEvent) -> Bool {
    (other.day, order, partner, entry.id) < (day, other.order, other.partner, other.entry.id)
  }
}

/// A partner's part of the feeds, worded once a render (and kept in `PartnerMemo`): its own feed's
/// events, which its PDM's feed shows too. Its feed is the newest `feedLimit` of `events`; its PDM's feed
/// takes its record events and those of its status changes among the portfolio's newest `feedLimit` (by
/// `newestFirst`), with its case steps, worded there (each is in that one feed).
struct PartnerFeedPiece: Sendable, Equatable {
  /// An event of the piece, with its position in `changes` when it is a status change.
  struct Event: Sendable, Equatable {
    let event: FeedEvent
    let change: Int?
  }

  /// The partner's newest `feedLimit` status changes, newest first (`newestFirst`).
  let changes: [StatusChangeItem]
  /// The events its feed may show, in the feeds' order (`FeedEvent.precedes`): the entries of `changes`
  /// (with the position in `changes`) and the record events (without) not older than the `feedLimit`-th
  /// newest day of them.
  let events: [Event]
}

extension SiteContext {
  /// `feed.xml`: the newest `feedLimit` events and status changes of every partner. Assembled from the
  /// partners' feed pieces (which the preview server keeps for the partners not edited): the same entries
  /// in the same order as the feed of them all made whole (`feed(of:changes:path:title:caseSteps:)` with
  /// the newest `feedLimit` of `programChanges`, held by a test).
  func feed() -> FeedModel {
    assembledFeed(
      of: evaluations.sorted { $0.slug < $1.slug }, caseSteps: false, path: Route.feed.path,
      title: content.site.title)
  }

  /// `partners/<slug>/feed.xml`: the newest `feedLimit` events and status changes of one partner, from its
  /// record and cases alone (its feed piece).
  func partnerFeed(_ evaluation: PartnerEvaluation) -> FeedModel {
    feedModel(
      path: Route.partnerFeed(partner: evaluation.slug).path, title: "\(content.site.title) · \(evaluation.name)",
      entries: feedPiece(of: evaluation).events.prefix(feedLimit).map(\.event.entry))
  }

  /// `pdms/<pdm>/feed.xml`: what happened to a PDM's partners, newest first (the latest `feedLimit`): the
  /// record events and status changes of the partner feeds, and the steps and outcomes of their cases, so
  /// that the PDM is kept informed of the process without anyone sending mail. Assembled from the
  /// partners' feed pieces, worded once for their own feeds and this one, and their case steps: the same
  /// entries in the same order as the feed of them all made whole (`feed(of:changes:path:title:caseSteps:)`,
  /// held by a test).
  func pdmFeed(_ portfolio: PDMPortfolio) -> FeedModel {
    assembledFeed(
      of: portfolio.partners.compactMap { evaluationsBySlug[$0] }.sorted { $0.slug < $1.slug }, caseSteps: true,
      path: Route.pdmFeed(slug: portfolio.slug).path, title: "\(content.site.title) · \(portfolio.heading)")
  }

  /// The feed at `path` of `members` (sorted by slug, the feeds' order across partners: a partner's place
  /// in `members` stands for its slug), assembled from their feed pieces and, with `caseSteps`, the steps
  /// and outcomes of their cases: the same entries in the same order as `feed(of:changes:path:title:caseSteps:)`
  /// of them with their newest `feedLimit` status changes.
  private func assembledFeed(
    of members: [PartnerEvaluation], caseSteps: Bool, path: String, title: String
  ) -> FeedModel {
    let pieces = members.map { feedPiece(of: $0) }
    // The status changes shown: the newest `feedLimit` of the portfolio's by `newestFirst`; a partner's
    // newest `feedLimit` are in its piece, so the portfolio's are among them.
    var changes = pieces.indices.flatMap { member in pieces[member].changes.indices.map { (member, $0) } }
    var shown: Set<Int>?
    if changes.count > feedLimit {
      // Only those not older than the `feedLimit`-th newest day can be shown (`newestFirst` orders by day
      // first): sorting every partner's changes by name cost `feed.xml` milliseconds at 1,000 partners.
      if let oldest = newestDay(changes.map { pieces[$0.0].changes[$0.1].date }, rank: feedLimit) {
        changes.removeAll { pieces[$0.0].changes[$0.1].date < oldest }
      }
      changes.sort { newestFirst(pieces[$0.0].changes[$0.1], pieces[$1.0].changes[$1.1]) }
      shown = Set(changes.prefix(feedLimit).map { $0.0 * feedLimit + $0.1 })
    }
    // An event's place: its day, its order, its partner, then its position in the partner's piece (which
    // is in the feeds' order) or, for a case step (order 6 and 7), the position of its entry in `steps`,
    // whose id decides.
    typealias Place = (day: Day, order: Int, member: Int, position: Int)
    var places: [Place] = []
    for (member, piece) in pieces.enumerated() {
      // A partner's events beyond its newest `feedLimit` are not among the portfolio's.
      var taken = 0
      for (position, item) in piece.events.enumerated() where taken < feedLimit {
        if let index = item.change, let shown, !shown.contains(member * feedLimit + index) { continue }
        places.append((item.event.day, item.event.order, member, position))
        taken += 1
      }
    }
    // The case steps are worded from the `feedLimit`-th newest day of all the events on: first their days.
    var days = places.map(\.day)
    for member in members where caseSteps {
      forEachCaseStep(of: member) { day, _, _ in days.append(day) }
    }
    let oldest = days.count > feedLimit ? newestDay(days, rank: feedLimit) : nil
    if let oldest { places.removeAll { $0.day < oldest } }
    var steps: [FeedModel.Entry] = []
    for (member, evaluation) in members.enumerated() where caseSteps {
      forEachCaseStep(of: evaluation) { day, order, word in
        if let oldest, day < oldest { return }
        places.append((day, order, member, steps.count))
        steps.append(word())
      }
    }
    places.sort { a, b in
      if a.day != b.day { return a.day > b.day }
      if a.order != b.order { return a.order < b.order }
      if a.member != b.member { return a.member < b.member }
      return a.order >= 6 ? steps[a.position].id < steps[b.position].id : a.position < b.position
    }
    let entries = places.prefix(feedLimit).map {
      $0.order >= 6 ? steps[$0.position] : pieces[$0.member].events[$0.position].event.entry
    }
    return feedModel(path: path, title: title, entries: entries)
  }

  /// The `rank`-th newest of `days` (1 the newest), nil when there are fewer: found by counting them day
  /// by day, so that a feed of a thousand partners' events does not sort them all.
  private func newestDay(_ days: [Day], rank: Int) -> Day? {
    var count: [Day: Int] = [:]
    for day in days { count[day, default: 0] += 1 }
    var seen = 0
    for (day, times) in count.sorted(by: { $0.key > $1.key }) {
      seen += times
      if seen >= rank { return day }
    }
    return nil
  }

  /// The partner's part of the feeds, as made before in this render (or the preview server's last one,
  /// less the edited partners') or made now: its newest `feedLimit` status changes with their reasons and
  /// its record events, worded and in the feeds' order.
  func feedPiece(of evaluation: PartnerEvaluation) -> PartnerFeedPiece {
    histories.feedPiece(of: evaluation.slug) {
      let changes = partners[evaluation.slug].map { statusChanges(in: history(of: $0)).prefix(feedLimit) } ?? []
      var events = reasoned(changes).enumerated().map {
        PartnerFeedPiece.Event(event: FeedEvent(day: $1.date, order: 5, partner: $1.slug, entry: entry($1)), change: $0)
      }
      events += recordEvents(of: [evaluation], caseSteps: false).map { PartnerFeedPiece.Event(event: $0, change: nil) }
      events.sort { $0.event.precedes($1.event) }
      return PartnerFeedPiece(changes: Array(changes), events: events)
    }
  }

  /// Calls `visit` with each step and outcome of `evaluation`'s cases on or before the evaluation date:
  /// its day, its order in the feeds (6 a step, 7 an outcome), and how to word its entry (an entry's id
  /// names the case, the stage and the day, which no later build changes).
  private func forEachCaseStep(
    of evaluation: PartnerEvaluation, _ visit: (Day, Int, () -> FeedModel.Entry) -> Void
  ) {
    let base = content.site.baseURL
    for escalation in cases[evaluation.slug] ?? [] where exists(escalation) {
      // Worded only when asked: most steps are not in the feed.
      func entry(_ day: Day, id: String, title: String, summary: (String) -> String) -> FeedModel.Entry {
        let link = base + Route.escalation(partner: evaluation.slug, id: escalation.id).path
        return FeedModel.Entry(
          id: "\(link)#\(id)", title: "\(evaluation.name): \(title)", updated: "\(day.iso)T00:00:00Z", link: link,
          summary: summary("Case \(escalation.id) (\(escalation.customer))"))
      }
      for step in escalation.steps where step.date <= asOf {
        visit(step.date, 6) {
          entry(
            step.date, id: "\(step.stage.rawValue)-\(step.date.iso)",
            title: "case \(escalation.id) at the \(step.stage.words) stage"
          ) { "\($0) reached the \(step.stage.words) stage on \(step.date.display)." }
        }
      }
      if let outcome = escalation.outcome, outcome.date <= asOf {
        visit(outcome.date, 7) {
          entry(
            outcome.date, id: "closed-\(outcome.date.iso)",
            title: "case \(escalation.id) closed: \(outcome.decision.label)"
          ) { "\($0) closed on \(outcome.date.display): \(outcome.decision.label)." }
        }
      }
    }
  }

  /// The feed at `path` of `entries`.
  private func feedModel(path: String, title: String, entries: [FeedModel.Entry]) -> FeedModel {
    let base = content.site.baseURL
    return FeedModel(
      title: title, id: base + path, siteURL: base, feedURL: base + path, updated: "\(asOf.iso)T00:00:00Z",
      entries: entries)
  }

  /// The entry of a status change. Its id names the accreditation (type and issue date) and the day,
  /// which no later build changes: a feed reader shows it once.
  private func entry(_ change: StatusChangeItem) -> FeedModel.Entry {
    let link = content.site.baseURL + Route.partner(slug: change.slug).path
    let name = accreditationName(change.type)
    let title =
      change.from.map { "\(name) \($0.label.lowercased()) → \(change.to.label.lowercased())" }
      ?? "\(name) issued, \(change.to.label.lowercased())"
    return FeedModel.Entry(
      id: "\(link)#status-\(change.type)-\(change.issued.iso)-\(change.date.iso)",
      title: "\(change.partnerName): \(title)", updated: "\(change.date.iso)T00:00:00Z", link: link,
      summary:
        "\(name) (issued \(change.issued.display)) is \(change.to.label.lowercased()) from \(change.date.display). "
        + reasonText(change.reasons))
  }

  /// The feed of `evaluations`' record events and `changes` made whole; with `caseSteps`, also each step
  /// and outcome of their cases. `feed.xml` is made so; a PDM's feed is assembled from feed pieces instead,
  /// to the same entries.
  func feed(
    of evaluations: [PartnerEvaluation], changes: [StatusChangeItem], path: String, title: String,
    caseSteps: Bool = false
  ) -> FeedModel {
    var events = changes.map { FeedEvent(day: $0.date, order: 5, partner: $0.slug, entry: entry($0)) }
    events += recordEvents(of: evaluations, caseSteps: caseSteps)
    let entries = events.sorted { $0.precedes($1) }.prefix(feedLimit).map(\.entry)
    return feedModel(path: path, title: title, entries: Array(entries))
  }

  /// The record events of `evaluations` (marks, decisions, grace periods, certification expiries) that a
  /// feed of `feedLimit` entries may show, worded, in no order: those not older than the `feedLimit`-th
  /// newest day of them all. With `caseSteps`, also the steps and outcomes of their cases not older than
  /// the `feedLimit`-th newest day of the record events and case steps together.
  private func recordEvents(of evaluations: [PartnerEvaluation], caseSteps: Bool) -> [FeedEvent] {
    // Two passes over the events: the first only collects their days, to find the day from which the
    // newest `feedLimit` events start; the second writes out only those. Writing every event out cost a
    // third of a second at 10,000 partners.
    var records: [Day] = []
    var all: [Day] = []
    for evaluation in evaluations {
      if caseSteps { forEachCaseStep(of: evaluation) { day, _, _ in all.append(day) } }
      forEachRecordEvent(of: evaluation) { day, _, _, _, _ in
        records.append(day)
        all.append(day)
      }
    }
    func oldest(_ days: [Day]) -> Day? { days.count > feedLimit ? newestDay(days, rank: feedLimit) : nil }
    return wordedEvents(
      of: evaluations, caseSteps: caseSteps, oldestRecord: oldest(records), oldestStep: oldest(all))
  }

  /// The second pass of `recordEvents`: the events of `evaluations` worded, the record events from
  /// `oldestRecord` on and, with `caseSteps`, the case steps from `oldestStep` on (nil: all of them).
  private func wordedEvents(
    of evaluations: [PartnerEvaluation], caseSteps: Bool, oldestRecord: Day?, oldestStep: Day?
  ) -> [FeedEvent] {
    let base = content.site.baseURL
    var events: [FeedEvent] = []
    // Events so far per partner and day, for unique ids (counting the list each time was quadratic).
    var sameDay: [String: Int] = [:]
    for evaluation in evaluations {
      if caseSteps {
        forEachCaseStep(of: evaluation) { day, order, word in
          if let oldestStep, day < oldestStep { return }
          events.append(FeedEvent(day: day, order: order, partner: evaluation.slug, entry: word()))
        }
      }
      forEachRecordEvent(of: evaluation) { day, order, kind, title, summary in
        if let oldestRecord, day < oldestRecord { return }
        let link = base + Route.partner(slug: evaluation.slug).path
        let earlier = sameDay["\(evaluation.slug) \(day.iso)", default: 0]
        sameDay["\(evaluation.slug) \(day.iso)"] = earlier + 1
        let entry = FeedModel.Entry(
          id: "\(link)#\(kind)-\(day.iso)-\(earlier)", title: "\(evaluation.name): \(title())",
          updated: "\(day.iso)T00:00:00Z", link: link, summary: summary())
        events.append(FeedEvent(day: day, order: order, partner: evaluation.slug, entry: entry))
      }
    }
    return events
  }

  /// Calls `visit` with each event of `evaluation`'s record on or before the evaluation date (its marks,
  /// decisions, grace periods and certification expiries; none for a partner without a record): its day,
  /// its order in the feeds (0 a mark … 4 an expiry), the kind its entry's id names, and how to word its
  /// title and summary (most events are not in the feed).
  private func forEachRecordEvent(
    of evaluation: PartnerEvaluation, _ visit: (Day, Int, String, () -> String, () -> String) -> Void
  ) {
    guard let partner = partners[evaluation.slug] else { return }
    for (index, mark) in evaluation.marks.enumerated() where mark.date <= asOf {
      visit(mark.date, 0, "mark", { "mark placed" }) {
        "The review board placed a mark (case \(mark.caseID)); \(plural(index + 1, "mark")) on record after it."
      }
    }
    for decision in partner.decisions where decision.date <= asOf {
      let what =
        decision.accreditation == Decision.allAccreditations
        ? "all accreditations" : accreditationName(decision.accreditation)
      visit(decision.date, 1, "decision", { "review board decided to \(decision.outcome.rawValue) \(what)" }) {
        decision.note ?? "Review board decision: \(decision.outcome.rawValue) \(what)."
      }
    }
    for period in partner.grace {
      if period.from <= asOf {
        visit(period.from, 2, "grace-start", { "grace period started" }) {
          "A grace period runs until \(period.until.display)."
        }
      }
      if period.until <= asOf {
        visit(period.until, 3, "grace-end", { "grace period ends" }) {
          "The grace period that started \(period.from.display) ends."
        }
      }
    }
    for certification in partner.certifications {
      guard let expires = certification.expires, expires <= asOf else { continue }
      let name = content.standards.certificationName(certification.name)
      visit(expires, 4, "certification", { "certification \(name) expired" }) {
        "\(name) is no longer held from \(expires.display)."
      }
    }
  }

  func badge(for evaluation: PartnerEvaluation) -> BadgeModel {
    let status = overallStatus(of: evaluation).map(StatusView.init) ?? .none
    let label = "accreditation"
    let value = status.label.lowercased()
    // Verdana-like 11px text is about 7px a character; the badge only needs to be roughly right.
    let labelWidth = label.count * 7 + 12
    let valueWidth = value.count * 7 + 12
    return BadgeModel(
      partnerName: evaluation.name, label: label, value: value, key: status.key,
      color: badgeColors[status.key] ?? "#57606a", width: labelWidth + valueWidth,
      labelWidth: labelWidth, valueWidth: valueWidth, labelX: labelWidth / 2, valueX: labelWidth + valueWidth / 2)
  }

  func sitemap(paths: [String]) -> SitemapModel {
    SitemapModel(urls: paths.map { SitemapModel.URLEntry(loc: content.site.baseURL + $0) })
  }

  /// The sitemap index of a site split into several sitemap files.
  func sitemapIndex(files: [String]) -> SitemapModel {
    sitemap(paths: files)
  }
}
