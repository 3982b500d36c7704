import AccreditContent
import AccreditEngine

/// `feed.xml`, `partners/<slug>/feed.xml` and `pdms/<pdm>/feed.xml`: Atom feeds of status events: the
/// record's events (marks, decisions, grace periods, certification expiries) and the accreditations' status
/// changes; a PDM's feed also has the steps and outcomes of their partners' cases.
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
  /// `feed.xml`: the newest `feedLimit` events and status changes of every partner. Only the status
  /// changes shown are evaluated for their reasons.
  func feed() -> FeedModel {
    let changes = reasoned(programChanges(since: nil).prefix(feedLimit))
    return feed(
      of: evaluations, changes: changes, path: Route.feed.path, title: content.site.title)
  }

  /// `partners/<slug>/feed.xml`: the newest `feedLimit` events and status changes of one partner, from its
  /// record and cases alone.
  func partnerFeed(_ evaluation: PartnerEvaluation) -> FeedModel {
    let changes = partners[evaluation.slug].map { partner in
      reasoned(statusChanges(in: history(of: partner)).prefix(feedLimit))
    }
    return feed(
      of: [evaluation], changes: changes ?? [], path: Route.partnerFeed(partner: evaluation.slug).path,
      title: "\(content.site.title) · \(evaluation.name)")
  }

  /// `pdms/<pdm>/feed.xml`: what happened to a PDM's partners, newest first (the latest `feedLimit`): the
  /// record events and status changes of the partner feeds, and the steps and outcomes of their cases, so
  /// that the PDM is kept informed of the process without anyone sending mail.
  func pdmFeed(_ portfolio: PDMPortfolio) -> FeedModel {
    let members = portfolio.partners.compactMap { evaluationsBySlug[$0] }
    let changes = members.compactMap { partners[$0.slug] }.flatMap { statusChanges(in: history(of: $0)) }
      .sorted(by: newestFirst)
    return feed(
      of: members, changes: reasoned(changes.prefix(feedLimit)), path: Route.pdmFeed(slug: portfolio.slug).path,
      title: "\(content.site.title) · \(portfolio.heading)", caseSteps: true)
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

  /// The feed of `evaluations`' record events and `changes`; with `caseSteps`, also each step and outcome
  /// of their cases (an entry's id names the case, the stage and the day, which no later build changes).
  private func feed(
    of evaluations: [PartnerEvaluation], changes: [StatusChangeItem], path: String, title: String,
    caseSteps: Bool = false
  ) -> FeedModel {
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
      _ summary: @autoclosure () -> String, route: Route? = nil, id: String? = nil
    ) {
      guard day <= asOf else { return }
      if days != nil {
        days?.append(day)
        return
      }
      if let oldestShown, day < oldestShown { return }
      let title = title()
      let summary = summary()
      let link = base + (route ?? Route.partner(slug: evaluation.slug)).path
      let id =
        id.map { "\(link)#\($0)" }
        ?? {
          let earlier = sameDay["\(evaluation.slug) \(day.iso)", default: 0]
          sameDay["\(evaluation.slug) \(day.iso)"] = earlier + 1
          return "\(link)#\(kind)-\(day.iso)-\(earlier)"
        }()
      events.append(
        (
          day, order, evaluation.slug,
          FeedModel.Entry(
            id: id, title: "\(evaluation.name): \(title)", updated: "\(day.iso)T00:00:00Z", link: link, summary: summary
          )
        ))
    }
    func addCaseSteps(_ evaluation: PartnerEvaluation) {
      for escalation in cases[evaluation.slug] ?? [] where exists(escalation) {
        let route = Route.escalation(partner: evaluation.slug, id: escalation.id)
        let about = "Case \(escalation.id) (\(escalation.customer))"
        for step in escalation.steps {
          add(
            step.date, 6, evaluation, "case", "case \(escalation.id) at the \(step.stage.words) stage",
            "\(about) reached the \(step.stage.words) stage on \(step.date.display).", route: route,
            id: "\(step.stage.rawValue)-\(step.date.iso)")
        }
        if let outcome = escalation.outcome {
          add(
            outcome.date, 7, evaluation, "case", "case \(escalation.id) closed: \(outcome.decision.label)",
            "\(about) closed on \(outcome.date.display): \(outcome.decision.label).", route: route,
            id: "closed-\(outcome.date.iso)")
        }
      }
    }
    func addEvents() {
      for evaluation in evaluations {
        if caseSteps { addCaseSteps(evaluation) }
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
    for change in changes {
      events.append((change.date, 5, change.slug, entry(change)))
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
      title: title, id: base + path, siteURL: base, feedURL: base + path,
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
