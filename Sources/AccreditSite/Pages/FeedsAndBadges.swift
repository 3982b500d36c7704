import AccreditContent
import AccreditEngine

/// `feed.xml`: an Atom feed of status events.
struct FeedModel: Sendable, Encodable {
  struct Entry: Sendable, Encodable {
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

extension SiteContext {
  func feed() -> FeedModel {
    let base = content.site.baseURL
    var events: [(day: Day, order: Int, partner: String, entry: FeedModel.Entry)] = []
    // Events so far per partner and day, for unique ids (counting the list each time was quadratic).
    var sameDay: [String: Int] = [:]
    // Two passes over the events: the first only collects their days, to find the day from which the
    // newest `feedLimit` events start; the second writes out only those. Writing every event out cost a
    // third of a second at 10,000 partners.
    var days: [Day]? = []
    var oldestShown: Day?
    func add(
      _ day: Day, _ order: Int, _ evaluation: PartnerEvaluation, _ kind: String, _ title: @autoclosure () -> String,
      _ summary: @autoclosure () -> String
    ) {
      guard day <= asOf else { return }
      if days != nil {
        days?.append(day)
        return
      }
      if let oldestShown, day < oldestShown { return }
      let title = title()
      let summary = summary()
      let link = base + Route.partner(slug: evaluation.slug).path
      let earlier = sameDay["\(evaluation.slug) \(day.iso)", default: 0]
      sameDay["\(evaluation.slug) \(day.iso)"] = earlier + 1
      let id = "\(link)#\(kind)-\(day.iso)-\(earlier)"
      events.append(
        (
          day, order, evaluation.slug,
          FeedModel.Entry(
            id: id, title: "\(evaluation.name): \(title)", updated: "\(day.iso)T00:00:00Z", link: link, summary: summary
          )
        ))
    }
    func addEvents() {
      for evaluation in evaluations {
        guard let partner = partners[evaluation.slug] else { continue }
        for (index, mark) in evaluation.marks.enumerated() {
          add(
            mark.date, 0, evaluation, "mark", "mark placed",
            "The review board placed a mark (case \(mark.caseID)); \(plural(index + 1, "mark")) on record after it.")
        }
        for decision in partner.decisions {
          let what =
            decision.accreditation == Decision.allAccreditations
            ? "all accreditations" : accreditationName(decision.accreditation)
          add(
            decision.date, 1, evaluation, "decision", "review board decided to \(decision.outcome.rawValue) \(what)",
            decision.note ?? "Review board decision: \(decision.outcome.rawValue) \(what).")
        }
        for period in partner.grace {
          add(
            period.from, 2, evaluation, "grace-start", "grace period started",
            "A grace period runs until \(period.until.display).")
          add(
            period.until, 3, evaluation, "grace-end", "grace period ends",
            "The grace period that started \(period.from.display) ends.")
        }
        for certification in partner.certifications {
          if let expires = certification.expires {
            let name = content.standards.certificationName(certification.name)
            add(
              expires, 4, evaluation, "certification", "certification \(name) expired",
              "\(name) is no longer held from \(expires.display).")
          }
        }
      }
    }
    addEvents()
    if let collected = days, collected.count > feedLimit {
      oldestShown = collected.sorted(by: >)[feedLimit - 1]
    }
    days = nil
    addEvents()
    let entries = events.sorted {
      ($1.day, $0.order, $0.partner, $0.entry.id) < ($0.day, $1.order, $1.partner, $1.entry.id)
    }
    .prefix(feedLimit).map(\.entry)
    return FeedModel(
      title: content.site.title, id: "\(base)feed.xml", siteURL: base, feedURL: "\(base)feed.xml",
      updated: "\(asOf.iso)T00:00:00Z", entries: Array(entries))
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
