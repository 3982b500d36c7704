import AccreditContent
import AccreditEngine

/// `partners/<slug>/index.html`.
struct PartnerPage: Sendable, Encodable {
  struct Reason: Sendable, Encodable {
    let rule: String
    let ruleLabel: String
    let message: String
    let evidenceHref: String
    let evidenceLabel: String
  }

  struct AccreditationCard: Sendable, Encodable {
    let anchor: String
    let name: String
    let status: StatusView
    let issued: DateView
    /// Nil for a revoked accreditation: it is never evaluated again.
    let nextEvaluation: DateView?
    let nextEvaluationIn: String?
    let required: String
    let reasons: [Reason]
    let hasReasons: Bool
  }

  /// One entry of an accreditation's status history: the status from a day, with the engine's reasons of
  /// that day.
  struct HistoryEntry: Sendable, Encodable {
    let date: DateView
    let status: StatusView
    let reasons: [Reason]
    let hasReasons: Bool
  }

  /// One accreditation's status history, newest entry first.
  struct StatusHistory: Sendable, Encodable {
    let name: String
    let issued: DateView
    let entries: [HistoryEntry]
  }

  struct TierRow: Sendable, Encodable {
    let anchor: String
    let reviewed: DateView
    let tierLabel: String
    let isEligible: Bool
    let isCurrent: Bool
  }

  struct GraceRow: Sendable, Encodable {
    let anchor: String
    let from: DateView
    let until: DateView
    let note: String?
    let state: String
    let isActive: Bool
  }

  struct CertificationRow: Sendable, Encodable {
    let anchor: String
    let name: String
    let earned: DateView
    let expires: DateView?
    let state: String
    /// `held`, `expiring` (within 60 days) or `expired`.
    let kind: String
    let isWarning: Bool
  }

  /// An entry of the record dated after the evaluation date: not yet in force, shown so that an editor
  /// can confirm it before it counts.
  struct ScheduledRow: Sendable, Encodable {
    let anchor: String
    let date: DateView
    /// "in 16 days".
    let inDays: String
    /// What kind of entry: "Grace period", "Tier review"…
    let kind: String
    /// The entry in words, with human names, never the record's slugs.
    let text: String
    let note: String?
  }

  struct DecisionRow: Sendable, Encodable {
    let anchor: String
    let date: DateView
    let accreditation: String
    let outcome: String
    let approval: String
    let caseID: String?
    let caseHref: String?
    let note: String?
  }

  let name: String
  let slug: String
  let region: String?
  let website: String?
  let pdm: String?
  let overall: StatusView
  let headline: String
  let tier: String
  let tierEligible: Bool
  /// Whether a grace period covers the date: said beside the tier, as the partner list says it.
  let inGrace: Bool
  let tierText: String
  let nextTierReview: String
  let applyText: String
  let accreditations: [AccreditationCard]
  let hasAccreditations: Bool
  let tiers: [TierRow]
  let grace: [GraceRow]
  let hasGrace: Bool
  let certifications: [CertificationRow]
  let hasCertifications: Bool
  let openCases: [CaseSummary]
  let hasOpenCases: Bool
  let closedCases: [CaseSummary]
  let hasClosedCases: Bool
  let marksText: String
  let decisions: [DecisionRow]
  let hasDecisions: Bool
  /// The record's entries dated after the evaluation date, soonest first.
  let scheduled: [ScheduledRow]
  let hasScheduled: Bool
  let statusHistory: [StatusHistory]
  let hasStatusHistory: Bool
  let timeline: TimelineView
  let badgeHref: String
  /// The partner's own feed of status events, which the layout links with `<link rel="alternate">`.
  let feedHref: String
}

/// The days ahead within which an expiry or a date counts as soon.
let soonDays = 60

extension SiteContext {
  func partnerPage(_ evaluation: PartnerEvaluation) -> PartnerPage? {
    guard let partner = partners[evaluation.slug] else { return nil }
    let anchorOf = Self.anchor
    let cards = accreditationCards(evaluation)
    let (tiers, grace) = (tierRows(of: partner, evaluation), graceRows(of: partner))
    let certifications = partner.certifications.filter { $0.earned <= asOf }
      .sorted {
        (content.standards.certificationName($0.name), $0.earned)
          < (content.standards.certificationName($1.name), $1.earned)
      }
      .map { certificationRow($0, anchor: anchorOf($0.location)) }
    let decisions = decisionRows(of: partner)
    let scheduled = scheduledRows(of: partner, anchorOf: anchorOf)
    let history = statusHistory(of: partner, anchorOf: anchorOf)
    let summaries = (cases[partner.slug] ?? []).filter(exists).map {
      summary(of: $0, from: .partner(slug: evaluation.slug))
    }
    let attention = evaluation.accreditations.count { $0.status != .accredited }
    let headline = Self.headline(
      accreditations: evaluation.accreditations.count, needingAttention: attention, asOf: asOf)
    return PartnerPage(
      name: partner.name, slug: partner.slug, region: partner.region, website: partner.website, pdm: partner.pdm,
      overall: overallStatus(of: evaluation).map(StatusView.init) ?? .none, headline: headline,
      tier: evaluation.tier?.capitalized ?? "None", tierEligible: evaluation.isTierEligible,
      inGrace: evaluation.isInGrace, tierText: tierText(evaluation),
      nextTierReview: evaluation.nextTierReview?.name ?? "",
      applyText: evaluation.isEligibleToApply
        ? "May apply for new accreditations." : "May not apply for new accreditations until its tier is eligible.",
      accreditations: cards, hasAccreditations: !cards.isEmpty, tiers: tiers, grace: grace, hasGrace: !grace.isEmpty,
      certifications: certifications, hasCertifications: !certifications.isEmpty,
      openCases: summaries.filter(\.isOpen), hasOpenCases: summaries.contains(where: \.isOpen),
      closedCases: summaries.filter { !$0.isOpen }, hasClosedCases: summaries.contains { !$0.isOpen },
      marksText: plural(evaluation.marks.count, "mark") + " on record",
      decisions: decisions, hasDecisions: !decisions.isEmpty,
      scheduled: scheduled, hasScheduled: !scheduled.isEmpty,
      statusHistory: history.map(\.view), hasStatusHistory: !history.isEmpty,
      timeline: timeline(for: evaluation, partner: partner, history: history.map(\.rows)),
      badgeHref: Route.partner(slug: evaluation.slug).link(to: .badge(partner: evaluation.slug)),
      feedHref: Route.partner(slug: evaluation.slug).link(to: .partnerFeed(partner: evaluation.slug)))
  }

  /// The anchor of the record line at `location`, which reasons and evidence links point to.
  static func anchor(_ location: SourceLocation) -> String { "src-\(location.line)-\(location.column)" }

  /// A card per accreditation: its status, dates, required certifications and reasons.
  private func accreditationCards(_ evaluation: PartnerEvaluation) -> [PartnerPage.AccreditationCard] {
    let standards = content.standards
    return evaluation.accreditations.map { accreditation in
      let required = standards.requiredCertifications(for: accreditation.type).map(standards.certificationName)
      return PartnerPage.AccreditationCard(
        anchor: Self.anchor(accreditation.location), name: accreditationName(accreditation.type),
        status: StatusView(accreditation.status), issued: DateView(accreditation.issued),
        nextEvaluation: accreditation.nextEvaluation.map(DateView.init),
        nextEvaluationIn: accreditation.nextEvaluation.map { relativeDays(asOf.days(until: $0)) },
        required: required.joined(separator: ", "),
        reasons: accreditation.reasons.map { reason(for: $0, anchorOf: Self.anchor) },
        hasReasons: !accreditation.reasons.isEmpty)
    }
  }

  /// The tier reviews so far, newest first, the one in force marked.
  private func tierRows(of partner: Partner, _ evaluation: PartnerEvaluation) -> [PartnerPage.TierRow] {
    partner.tiers.filter { $0.reviewed <= asOf }.sorted { $0.reviewed > $1.reviewed }.map { review in
      PartnerPage.TierRow(
        anchor: Self.anchor(review.location), reviewed: DateView(review.reviewed), tierLabel: review.tier.capitalized,
        isEligible: content.standards.eligibleTiers.contains(review.tier),
        isCurrent: review.location == evaluation.tierReview?.location)
    }
  }

  /// The grace periods begun so far, newest first, with whether each runs now.
  private func graceRows(of partner: Partner) -> [PartnerPage.GraceRow] {
    partner.grace.filter { $0.from <= asOf }.sorted { $0.from > $1.from }.map { period in
      let state =
        period.covers(asOf)
        ? "Running: ends \(relativeDays(asOf.days(until: period.until)))" : "Ended \(period.until.display)"
      return PartnerPage.GraceRow(
        anchor: Self.anchor(period.location), from: DateView(period.from), until: DateView(period.until),
        note: period.note, state: state, isActive: period.covers(asOf))
    }
  }

  /// The review board's decisions so far, newest first, each linked to its case when the case exists.
  private func decisionRows(of partner: Partner) -> [PartnerPage.DecisionRow] {
    partner.decisions.filter { $0.date <= asOf }.sorted { $0.date > $1.date }.map { decision in
      let caseExists = decision.caseID.map { id in cases[partner.slug]?.contains { $0.id == id && exists($0) } ?? false
      }
      return PartnerPage.DecisionRow(
        anchor: Self.anchor(decision.location), date: DateView(decision.date),
        accreditation: decision.accreditation == Decision.allAccreditations
          ? "All accreditations" : accreditationName(decision.accreditation),
        outcome: decision.outcome == .revoke ? "Revoke" : "Retain",
        approval: decision.hasDirectorApproval ? "Director approved" : "—", caseID: decision.caseID,
        caseHref: caseExists == true
          ? decision.caseID.map {
            Route.partner(slug: partner.slug).link(to: .escalation(partner: partner.slug, id: $0))
          }
          : nil, note: decision.note)
    }
  }

  /// What the tier means: eligible or below the eligible tiers, or no review yet; and the grace period
  /// whenever one covers the date, as the partner list says "(in grace)", also when the tier is eligible
  /// again and it no longer matters.
  private func tierText(_ evaluation: PartnerEvaluation) -> String {
    let eligibleList = content.standards.eligibleTiers.joined(separator: ", ")
    let graceText = evaluation.grace.map { " A grace period runs until \($0.until.display)." } ?? ""
    guard evaluation.tier != nil else { return "No tier review on record yet." + graceText }
    return
      (evaluation.isTierEligible
      ? "an eligible tier (\(eligibleList))." : "below the eligible tiers (\(eligibleList)).") + graceText
  }

  /// The headline under the partner's name: "Its accreditation meets every standard.", "1 of 3
  /// accreditations needs attention.", never "All 1 accreditation".
  static func headline(accreditations count: Int, needingAttention attention: Int, asOf: Day) -> String {
    switch (count, attention) {
    case (0, _): "No accreditation issued as of \(asOf.display)."
    case (1, 0): "Its accreditation meets every standard."
    case (1, _): "Its accreditation needs attention."
    case (_, 0):
      count == 2 ? "Both accreditations meet every standard." : "All \(count) accreditations meet every standard."
    case (_, 1): "1 of \(count) accreditations needs attention."
    default:
      attention == count
        ? "All \(count) accreditations need attention." : "\(attention) of \(count) accreditations need attention."
    }
  }

  /// The record's entries dated after the evaluation date (tier reviews, grace periods, certifications,
  /// accreditations, decisions), soonest first: the evaluation leaves them out, the page shows them as
  /// scheduled so that an editor can confirm them.
  private func scheduledRows(of partner: Partner, anchorOf: (SourceLocation) -> String) -> [PartnerPage.ScheduledRow] {
    let standards = content.standards
    var rows: [(day: Day, location: SourceLocation, row: PartnerPage.ScheduledRow)] = []
    func add(_ day: Day, _ location: SourceLocation, _ kind: String, _ text: String, note: String? = nil) {
      let row = PartnerPage.ScheduledRow(
        anchor: anchorOf(location), date: DateView(day), inDays: relativeDays(asOf.days(until: day)), kind: kind,
        text: text, note: note)
      rows.append((day, location, row))
    }
    for review in partner.tiers where review.reviewed > asOf {
      let eligible = standards.eligibleTiers.contains(review.tier) ? "an eligible tier" : "below the eligible tiers"
      add(review.reviewed, review.location, "Tier review", "\(review.tier.capitalized) (\(eligible))")
    }
    for period in partner.grace where period.from > asOf {
      add(period.from, period.location, "Grace period", "Until \(period.until.display)", note: period.note)
    }
    for certification in partner.certifications where certification.earned > asOf {
      let expiry = certification.expires.map { "; expires \($0.display)" } ?? "; no expiry"
      let name = standards.certificationName(certification.name)
      add(certification.earned, certification.location, "Certification", "\(name) earned\(expiry)")
    }
    for accreditation in partner.accreditations where accreditation.issued > asOf {
      add(
        accreditation.issued, accreditation.location, "Accreditation", "\(accreditationName(accreditation.type)) issued"
      )
    }
    for decision in partner.decisions where decision.date > asOf {
      let what =
        decision.accreditation == Decision.allAccreditations
        ? "all accreditations" : accreditationName(decision.accreditation)
      let outcome = decision.outcome == .revoke ? "Revoke" : "Retain"
      let approval = decision.hasDirectorApproval ? ", director approved" : ""
      let caseText = decision.caseID.map { ", case \($0)" } ?? ""
      add(
        decision.date, decision.location, "Review board decision", "\(outcome) \(what)\(approval)\(caseText)",
        note: decision.note)
    }
    return rows.sorted {
      ($0.day, $0.location.line, $0.location.column) < ($1.day, $1.location.line, $1.location.column)
    }
    .map(\.row)
  }

  /// Each accreditation's status history through the evaluation date, from the engine's history (SPEC
  /// section 6): the page words each change with the reasons the engine gives on the change's date, so
  /// the partner is evaluated once on each such date. Depends on the partner's record and cases alone.
  private func statusHistory(of partner: Partner, anchorOf: (SourceLocation) -> String)
    -> [(view: PartnerPage.StatusHistory, rows: TimelineView.StatusRow)]
  {
    let evaluator = Evaluator(standards: content.standards)
    let partnerCases = cases[partner.slug] ?? []
    let history = self.history(of: partner)
    var evaluations: [Day: PartnerEvaluation] = [:]
    func reasons(_ accreditation: AccreditationHistory, on day: Day) -> [AccreditEngine.Reason] {
      let evaluation = evaluations[day] ?? evaluator.evaluate(partner, cases: partnerCases, asOf: day)
      evaluations[day] = evaluation
      return evaluation.accreditations.first { $0.type == accreditation.type && $0.issued == accreditation.issued }?
        .reasons ?? []
    }
    return history.accreditations.map { accreditation in
      let name = accreditationName(accreditation.type)
      var entries: [PartnerPage.HistoryEntry] = []
      var segments: [TimelineView.StatusSegment] = []
      for change in accreditation.changes {
        let found = reasons(accreditation, on: change.date)
        entries.append(
          PartnerPage.HistoryEntry(
            date: DateView(change.date), status: StatusView(change.status),
            reasons: found.map { reason(for: $0, anchorOf: anchorOf) }, hasReasons: !found.isEmpty))
        segments.append(
          TimelineView.StatusSegment(
            from: change.date, status: change.status, reasons: found.map(\.message)))
      }
      return (
        PartnerPage.StatusHistory(name: name, issued: DateView(accreditation.issued), entries: entries.reversed()),
        TimelineView.StatusRow(name: name, segments: segments)
      )
    }
  }

  private func reason(for reason: AccreditEngine.Reason, anchorOf: (SourceLocation) -> String) -> PartnerPage.Reason {
    let source = "\(reason.location.file) line \(reason.location.line)"
    let (href, label): (String, String) =
      if let caseID = reason.caseID {
        ("cases/\(caseID)/", "Case \(caseID)")
      } else if reason.location.line == 1 && reason.location.column == 1 {
        ("#tiers", "Tier history (\(source))")
      } else {
        ("#\(anchorOf(reason.location))", "Record entry (\(source))")
      }
    return PartnerPage.Reason(
      rule: reason.rule.rawValue, ruleLabel: reason.rule.label, message: reason.message,
      evidenceHref: href, evidenceLabel: label)
  }

  private func certificationRow(_ certification: EarnedCertification, anchor: String) -> PartnerPage.CertificationRow {
    let (state, kind): (String, String)
    if let expires = certification.expires, expires <= asOf {
      (state, kind) = ("Expired \(expires.display)", "expired")
    } else if let expires = certification.expires, asOf.days(until: expires) <= soonDays {
      (state, kind) = ("Held; expires \(relativeDays(asOf.days(until: expires)))", "expiring")
    } else {
      (state, kind) = ("Held", "held")
    }
    return PartnerPage.CertificationRow(
      anchor: anchor, name: content.standards.certificationName(certification.name),
      earned: DateView(certification.earned), expires: certification.expires.map(DateView.init), state: state,
      kind: kind, isWarning: kind != "held")
  }

}

extension Rule {
  /// The rule as a reason list names it.
  var label: String {
    switch self {
    case .decision: "Review board decision"
    case .tier: "Tier"
    case .grace: "Grace period"
    case .marks: "Marks on record"
    case .seriousCase: "Serious escalation"
    case .certification: "Certification"
    }
  }
}
